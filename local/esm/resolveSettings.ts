import { EVENT_SOURCE_MAPPING_DEFAULTS, SETTING_LIMITS } from './defaults.ts';
import { EventSourceMappingSettingsError } from './errors.ts';
import type { EventSourceMappingSettings } from './types.ts';

const integerIn = (name: string, value: number, min: number, max: number): void => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EventSourceMappingSettingsError(
      `${name} must be an integer between ${min} and ${max} inclusive (given ${value})`,
    );
  }
};

/**
 * Fills the settings not given with {@link EVENT_SOURCE_MAPPING_DEFAULTS} (the deployed construct's values)
 * and checks each against the range Lambda accepts, naming the setting and echoing the bad value.
 *
 * @throws {@link EventSourceMappingSettingsError} when a setting is out of range.
 * @example
 * ```ts
 * const settings = resolveSettings({ batchSize: 100, maxBatchingWindowMs: 0 });
 * resolveSettings({ batchSize: 0 }); // throws: batchSize must be an integer between 1 and 10000 inclusive (given 0)
 * ```
 */
export const resolveSettings = (
  given: Partial<EventSourceMappingSettings> = {},
): EventSourceMappingSettings => {
  const settings: EventSourceMappingSettings = {
    batchSize: given.batchSize ?? EVENT_SOURCE_MAPPING_DEFAULTS.batchSize,
    maxBatchingWindowMs: given.maxBatchingWindowMs ?? EVENT_SOURCE_MAPPING_DEFAULTS.maxBatchingWindowMs,
    startingPosition: given.startingPosition ?? EVENT_SOURCE_MAPPING_DEFAULTS.startingPosition,
    bisectBatchOnFunctionError:
      given.bisectBatchOnFunctionError ?? EVENT_SOURCE_MAPPING_DEFAULTS.bisectBatchOnFunctionError,
    maximumRetryAttempts: given.maximumRetryAttempts ?? EVENT_SOURCE_MAPPING_DEFAULTS.maximumRetryAttempts,
    maximumRecordAgeSeconds:
      given.maximumRecordAgeSeconds ?? EVENT_SOURCE_MAPPING_DEFAULTS.maximumRecordAgeSeconds,
    reportBatchItemFailures:
      given.reportBatchItemFailures ?? EVENT_SOURCE_MAPPING_DEFAULTS.reportBatchItemFailures,
    parallelizationFactor: given.parallelizationFactor ?? EVENT_SOURCE_MAPPING_DEFAULTS.parallelizationFactor,
    tumblingWindowSeconds: given.tumblingWindowSeconds ?? EVENT_SOURCE_MAPPING_DEFAULTS.tumblingWindowSeconds,
  };
  const limits = SETTING_LIMITS;
  integerIn('batchSize', settings.batchSize, limits.batchSize.min, limits.batchSize.max);
  integerIn(
    'maxBatchingWindowMs',
    settings.maxBatchingWindowMs,
    limits.maxBatchingWindowMs.min,
    limits.maxBatchingWindowMs.max,
  );
  integerIn(
    'maximumRetryAttempts',
    settings.maximumRetryAttempts,
    limits.maximumRetryAttempts.min,
    limits.maximumRetryAttempts.max,
  );
  integerIn(
    'tumblingWindowSeconds',
    settings.tumblingWindowSeconds,
    limits.tumblingWindowSeconds.min,
    limits.tumblingWindowSeconds.max,
  );
  if (settings.maximumRecordAgeSeconds !== -1) {
    const { min, max } = limits.maximumRecordAgeSeconds;
    if (
      !Number.isInteger(settings.maximumRecordAgeSeconds) ||
      settings.maximumRecordAgeSeconds < min ||
      settings.maximumRecordAgeSeconds > max
    ) {
      throw new EventSourceMappingSettingsError(
        `maximumRecordAgeSeconds must be -1 (no limit) or an integer between ${min} and ${max} inclusive (given ${settings.maximumRecordAgeSeconds})`,
      );
    }
  }
  if (settings.startingPosition !== 'TRIM_HORIZON' && settings.startingPosition !== 'LATEST') {
    throw new EventSourceMappingSettingsError(
      `startingPosition must be 'TRIM_HORIZON' or 'LATEST' (given ${String(settings.startingPosition)})`,
    );
  }
  if (settings.parallelizationFactor !== 1) {
    throw new EventSourceMappingSettingsError(
      `parallelizationFactor must be 1: exactly-once results rely on per-shard order (given ${String(settings.parallelizationFactor)})`,
    );
  }
  return settings;
};
