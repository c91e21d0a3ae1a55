import { describe, expect, it } from 'vitest';
import { STREAM_AGGREGATION_DEFAULTS } from '../../infra/constructs/defaults.ts';
import {
  EVENT_SOURCE_MAPPING_DEFAULTS,
  type EventSourceMappingSettings,
  EventSourceMappingSettingsError,
  resolveSettings,
} from '../../local/esm/index.ts';

describe('Function: resolveSettings', () => {
  it('defaults to the settings the CDK construct deploys', () => {
    // Act
    const settings = resolveSettings();

    // Assess
    expect(settings).toStrictEqual(EVENT_SOURCE_MAPPING_DEFAULTS);
    expect(settings).toStrictEqual({
      batchSize: STREAM_AGGREGATION_DEFAULTS.batchSize,
      maxBatchingWindowMs: STREAM_AGGREGATION_DEFAULTS.maxBatchingWindow.toMilliseconds(),
      startingPosition: 'TRIM_HORIZON',
      bisectBatchOnFunctionError: STREAM_AGGREGATION_DEFAULTS.bisectBatchOnError,
      maximumRetryAttempts: STREAM_AGGREGATION_DEFAULTS.retryAttempts,
      maximumRecordAgeSeconds: STREAM_AGGREGATION_DEFAULTS.maxRecordAgeSeconds,
      reportBatchItemFailures: true,
      parallelizationFactor: 1,
      tumblingWindowSeconds: 0, // the construct sets it per pipeline from flushEvery
    });
  });

  it.each([
    [{ batchSize: 10_000, maxBatchingWindowMs: 300_000, maximumRetryAttempts: 10_000 }],
    [{ batchSize: 1, maxBatchingWindowMs: 0, maximumRetryAttempts: -1, maximumRecordAgeSeconds: -1 }],
    [{ maximumRecordAgeSeconds: 60 }],
    [{ maximumRecordAgeSeconds: 604_800, startingPosition: 'LATEST' as const }],
    [{ tumblingWindowSeconds: 900 }],
  ])('accepts the limits Lambda accepts: %o', (given) => {
    // Act
    const settings = resolveSettings(given);

    // Assess
    expect(settings).toMatchObject(given);
  });

  it.each([
    [{ batchSize: 0 }, 'batchSize must be an integer between 1 and 10000 inclusive (given 0)'],
    [{ batchSize: 10_001 }, 'batchSize must be an integer between 1 and 10000 inclusive (given 10001)'],
    [{ batchSize: 1.5 }, 'batchSize must be an integer between 1 and 10000 inclusive (given 1.5)'],
    [
      { maxBatchingWindowMs: 300_001 },
      'maxBatchingWindowMs must be an integer between 0 and 300000 inclusive (given 300001)',
    ],
    [
      { maximumRetryAttempts: -2 },
      'maximumRetryAttempts must be an integer between -1 and 10000 inclusive (given -2)',
    ],
    [
      { maximumRecordAgeSeconds: 59 },
      'maximumRecordAgeSeconds must be -1 (no limit) or an integer between 60 and 604800 inclusive (given 59)',
    ],
    [
      { tumblingWindowSeconds: 901 },
      'tumblingWindowSeconds must be an integer between 0 and 900 inclusive (given 901)',
    ],
    [
      { parallelizationFactor: 2 as unknown as 1 },
      'parallelizationFactor must be 1: exactly-once results rely on per-shard order (given 2)',
    ],
    [
      { startingPosition: 'AT_TIMESTAMP' as unknown as 'LATEST' },
      "startingPosition must be 'TRIM_HORIZON' or 'LATEST' (given AT_TIMESTAMP)",
    ],
  ])('refuses %o', (given: Partial<EventSourceMappingSettings>, message) => {
    // Act
    const act = (): EventSourceMappingSettings => resolveSettings(given);

    // Assess
    expect(act).toThrow(EventSourceMappingSettingsError);
    expect(act).toThrow(message);
  });
});
