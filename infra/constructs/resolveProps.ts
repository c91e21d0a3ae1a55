import { basename } from 'node:path';
import { Duration, type RemovalPolicy, Token } from 'aws-cdk-lib';
import { type IStream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { RESOURCE_PREFIX_PATTERN } from '../../shared/deploy/names.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import { ALARM_SETTINGS, STREAM_AGGREGATION_DEFAULTS as D, LIMITS } from './defaults.ts';
import { StreamAggregationError } from './errors.ts';
import { HANDLER_METRIC_NAMES, type HandlerMetricName, isHandlerMetricName } from './handlerMetrics.ts';
import type { PipelineSource, StreamAggregationProps } from './StreamAggregation.ts';

/** How the construct gets its stream. */
export type StreamPlan =
  | { readonly kind: 'existing'; readonly stream: IStream }
  | {
      readonly kind: 'new';
      readonly mode: StreamMode;
      /** Only for `PROVISIONED`. */
      readonly shardCount: number | undefined;
      readonly encryption: StreamEncryption.KMS | StreamEncryption.MANAGED;
      readonly retention: Duration;
    };

/** {@link StreamAggregationProps} validated, with every default applied. */
export interface ResolvedProps {
  readonly definition: PipelineDefinition;
  readonly stream: StreamPlan;
  readonly resourcePrefix: string;
  readonly removalPolicy: RemovalPolicy;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly safetyMargin: Duration;
  readonly writeConcurrency: number;
  readonly logRetention: RetentionDays;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly startingPosition: StartingPosition;
  readonly startingPositionTimestamp: number | undefined;
  readonly bisectBatchOnError: boolean;
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  readonly parallelizationFactor: 1;
  readonly alarmTopic: ITopic | undefined;
  readonly iteratorAgeThreshold: Duration;
  readonly rejectedRecordsThreshold: number;
  readonly alarmOnMetrics: readonly HandlerMetricName[];
  readonly dashboard: boolean;
}

const isInteger = (value: number): boolean => Number.isInteger(value) && !Token.isUnresolved(value);

const seconds = (duration: Duration): number => duration.toSeconds({ integral: false });

/**
 * Validates the props of one `StreamAggregation` and applies the defaults of `defaults.ts`. Throws a
 * {@link StreamAggregationError} naming the pipeline, the prop and the value given, before any resource
 * exists.
 *
 * @param source - the config the bundled handler imports, whose pipelines it looks up by `PIPELINE_NAME`
 * @example
 * const resolved = resolveProps({ definition: ohlc, batchSize: 500 }, await loadCatalog());
 */
export const resolveProps = (props: StreamAggregationProps, source: PipelineSource): ResolvedProps => {
  const registered = source.pipelines;
  const configName = basename(source.configFile);
  const { definition } = props;
  const pipeline = definition.name;
  const fail = (prop: string, given: string | number, problem: string): never => {
    throw new StreamAggregationError(pipeline, prop, given, problem);
  };

  // The definition: what the tables, alarms and handler read.
  const windowSpanMs = definition.window.sizeMs + definition.window.allowedLatenessMs;
  if (definition.retentionMs < windowSpanMs) {
    fail(
      'definition.retention',
      formatDuration(definition.retentionMs),
      `must be at least the window size plus allowed lateness (${formatDuration(windowSpanMs)}): results would expire before their window is final`,
    );
  }
  for (const metric of definition.rankBy) {
    if (!definition.metricNames.includes(metric)) {
      fail(
        'definition.rankBy',
        `"${metric}"`,
        `must name metrics of the pipeline (${definition.metricNames.join(', ')})`,
      );
    }
  }
  const same = registered.find((candidate) => candidate.name === pipeline);
  if (same === undefined) {
    fail(
      'definition',
      `"${pipeline}"`,
      `must be listed in ${configName}, where the deployed handler looks it up by PIPELINE_NAME (listed: ${registered.map((p) => p.name).join(', ')})`,
    );
  } else if (same !== definition) {
    fail(
      'definition',
      `a different definition named "${pipeline}"`,
      `must be the very definition listed in ${configName}: the handler folds with that one, the tables would be built from this one`,
    );
  }

  // The stream.
  let stream: StreamPlan;
  if (props.stream !== undefined) {
    const ignored = (['streamMode', 'shardCount', 'streamEncryption', 'streamRetention'] as const).find(
      (name) => props[name] !== undefined,
    );
    if (ignored !== undefined) {
      fail(
        ignored,
        String(props[ignored]),
        'applies only to a stream the construct creates; configure the existing stream itself',
      );
    }
    stream = { kind: 'existing', stream: props.stream };
  } else {
    const mode = props.streamMode ?? D.streamMode;
    let shardCount: number | undefined;
    if (props.shardCount !== undefined) {
      if (mode !== StreamMode.PROVISIONED) {
        fail(
          'shardCount',
          props.shardCount,
          `applies only to streamMode ${StreamMode.PROVISIONED}, not ${mode}`,
        );
      }
      if (!isInteger(props.shardCount) || props.shardCount < LIMITS.shardCount.min) {
        fail('shardCount', props.shardCount, 'must be an integer of at least 1');
      }
      shardCount = props.shardCount;
    } else if (mode === StreamMode.PROVISIONED) {
      shardCount = D.provisionedShardCount;
    }
    const encryption = props.streamEncryption ?? D.streamEncryption;
    if (encryption !== StreamEncryption.KMS && encryption !== StreamEncryption.MANAGED) {
      fail(
        'streamEncryption',
        encryption,
        `must be ${StreamEncryption.KMS} (customer-managed key) or ${StreamEncryption.MANAGED} (aws/kinesis)`,
      );
    }
    const retention = props.streamRetention ?? D.streamRetention;
    const hours = retention.toHours({ integral: false });
    if (
      !Number.isInteger(hours) ||
      hours < LIMITS.streamRetentionHours.min ||
      hours > LIMITS.streamRetentionHours.max
    ) {
      fail(
        'streamRetention',
        `${hours} hours`,
        'must be a whole number of hours between 24 and 8760 inclusive',
      );
    }
    stream = {
      kind: 'new',
      mode,
      shardCount,
      encryption: encryption as StreamEncryption.KMS | StreamEncryption.MANAGED,
      retention,
    };
  }

  const resourcePrefix = props.resourcePrefix ?? D.resourcePrefix;
  if (!RESOURCE_PREFIX_PATTERN.test(resourcePrefix)) {
    fail(
      'resourcePrefix',
      `"${resourcePrefix}"`,
      'must be 1 to 64 letters, digits, "_", "." or "-" (it starts DynamoDB table names)',
    );
  }

  // The function.
  const memorySize = props.memorySize ?? D.memorySize;
  if (!isInteger(memorySize) || memorySize < LIMITS.memorySize.min || memorySize > LIMITS.memorySize.max) {
    fail('memorySize', memorySize, 'must be an integer number of MB between 128 and 10240 inclusive');
  }
  const timeout = props.timeout ?? D.timeout;
  const timeoutSeconds = seconds(timeout);
  if (
    !Number.isInteger(timeoutSeconds) ||
    timeoutSeconds < LIMITS.timeoutSeconds.min ||
    timeoutSeconds > LIMITS.timeoutSeconds.max
  ) {
    fail(
      'timeout',
      `${timeoutSeconds} seconds`,
      'must be a whole number of seconds between 1 and 900 inclusive',
    );
  }
  const safetyMargin = props.safetyMargin ?? D.safetyMargin;
  if (safetyMargin.toMilliseconds() >= timeout.toMilliseconds()) {
    fail(
      'safetyMargin',
      `${safetyMargin.toMilliseconds()} ms`,
      `must be shorter than the timeout (${timeout.toMilliseconds()} ms): the handler would never start a write`,
    );
  }
  const writeConcurrency = props.writeConcurrency ?? D.writeConcurrency;
  if (
    !isInteger(writeConcurrency) ||
    writeConcurrency < LIMITS.writeConcurrency.min ||
    writeConcurrency > LIMITS.writeConcurrency.max
  ) {
    fail('writeConcurrency', writeConcurrency, 'must be an integer between 1 and 100 inclusive');
  }

  // The event source mapping.
  const batchSize = props.batchSize ?? D.batchSize;
  if (!isInteger(batchSize) || batchSize < LIMITS.batchSize.min || batchSize > LIMITS.batchSize.max) {
    fail('batchSize', batchSize, 'must be an integer between 1 and 10000 inclusive');
  }
  const maxBatchingWindow = props.maxBatchingWindow ?? D.maxBatchingWindow;
  if (seconds(maxBatchingWindow) > LIMITS.maxBatchingWindowSeconds) {
    fail('maxBatchingWindow', `${seconds(maxBatchingWindow)} seconds`, 'must be at most 300 seconds');
  }
  const startingPosition = props.startingPosition ?? D.startingPosition;
  const startingPositionTimestamp = props.startingPositionTimestamp;
  if (startingPosition === StartingPosition.AT_TIMESTAMP && startingPositionTimestamp === undefined) {
    fail(
      'startingPositionTimestamp',
      'none',
      `is required with startingPosition ${StartingPosition.AT_TIMESTAMP}`,
    );
  }
  if (startingPosition !== StartingPosition.AT_TIMESTAMP && startingPositionTimestamp !== undefined) {
    fail(
      'startingPositionTimestamp',
      startingPositionTimestamp,
      `applies only to startingPosition ${StartingPosition.AT_TIMESTAMP}, not ${startingPosition}`,
    );
  }
  const retryAttempts = props.retryAttempts ?? D.retryAttempts;
  if (
    !isInteger(retryAttempts) ||
    retryAttempts < LIMITS.retryAttempts.min ||
    retryAttempts > LIMITS.retryAttempts.max
  ) {
    fail(
      'retryAttempts',
      retryAttempts,
      'must be -1 (retry until maxRecordAgeSeconds) or an integer between 0 and 10000 inclusive',
    );
  }
  const maxRecordAgeSeconds = props.maxRecordAgeSeconds ?? D.maxRecordAgeSeconds;
  if (
    !isInteger(maxRecordAgeSeconds) ||
    (maxRecordAgeSeconds !== -1 &&
      (maxRecordAgeSeconds < LIMITS.maxRecordAgeSeconds.min ||
        maxRecordAgeSeconds > LIMITS.maxRecordAgeSeconds.max))
  ) {
    fail(
      'maxRecordAgeSeconds',
      maxRecordAgeSeconds,
      'must be -1 (no limit) or an integer between 60 and 604800 inclusive',
    );
  }
  if (stream.kind === 'new' && maxRecordAgeSeconds > stream.retention.toSeconds()) {
    fail(
      'maxRecordAgeSeconds',
      maxRecordAgeSeconds,
      `must not exceed the stream retention (${stream.retention.toSeconds()} seconds): older records are gone from the stream`,
    );
  }
  const parallelizationFactor = props.parallelizationFactor ?? D.parallelizationFactor;
  if (parallelizationFactor !== 1) {
    fail(
      'parallelizationFactor',
      parallelizationFactor,
      'must be 1: exactly-once results keep a per-shard high-water mark of sequence numbers, which needs the records of a shard in order; with a higher factor Lambda keeps order only per partition key (docs/adr/0001-exactly-once.md)',
    );
  }

  // Alarms and dashboard.
  const iteratorAgeThreshold =
    props.iteratorAgeThreshold ??
    Duration.millis(
      Math.max(
        definition.window.allowedLatenessMs,
        ALARM_SETTINGS.minimumIteratorAgeThreshold.toMilliseconds(),
      ),
    );
  const rejectedRecordsThreshold = props.rejectedRecordsThreshold ?? D.rejectedRecordsThreshold;
  if (!isInteger(rejectedRecordsThreshold) || rejectedRecordsThreshold < 1) {
    fail('rejectedRecordsThreshold', rejectedRecordsThreshold, 'must be an integer of at least 1');
  }
  const alarmOnMetrics: readonly string[] = props.alarmOnMetrics ?? D.alarmOnMetrics;
  for (const name of alarmOnMetrics) {
    if (!isHandlerMetricName(name)) {
      fail(
        'alarmOnMetrics',
        `"${name}"`,
        `must name metrics the handler publishes (${HANDLER_METRIC_NAMES.join(', ')})`,
      );
    }
  }

  return {
    definition,
    stream,
    resourcePrefix,
    removalPolicy: props.removalPolicy ?? D.removalPolicy,
    memorySize,
    timeout,
    safetyMargin,
    writeConcurrency,
    logRetention: props.logRetention ?? D.logRetention,
    batchSize,
    maxBatchingWindow,
    startingPosition,
    startingPositionTimestamp,
    bisectBatchOnError: props.bisectBatchOnError ?? D.bisectBatchOnError,
    retryAttempts,
    maxRecordAgeSeconds,
    parallelizationFactor: 1,
    alarmTopic: props.alarmTopic,
    iteratorAgeThreshold,
    rejectedRecordsThreshold,
    alarmOnMetrics: alarmOnMetrics.filter(isHandlerMetricName),
    dashboard: props.dashboard ?? D.dashboard,
  };
};
