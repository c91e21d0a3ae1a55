import { App, Duration, Stack } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { StreamAggregationError } from '../../infra/constructs/errors.ts';
import type { HandlerMetricName } from '../../infra/constructs/handlerMetrics.ts';
import { StreamAggregation, type StreamAggregationProps } from '../../infra/constructs/StreamAggregation.ts';
import { json } from '../../shared/decode/index.ts';
import { definePipeline } from '../../shared/definition/index.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { count } from '../../shared/metrics/index.ts';
import { tumbling } from '../../shared/window/index.ts';

const errorOf = (props: Partial<StreamAggregationProps>): unknown => {
  const stack = new Stack(new App(), 'Test');
  try {
    new StreamAggregation(stack, 'Pipeline', { definition: ohlc, ...props });
  } catch (error) {
    return error;
  }
  return undefined;
};

const existingStream = (): Stream => new Stream(new Stack(new App(), 'Other'), 'Existing');

const unregistered = definePipeline({
  name: 'custom',
  stream: 'custom',
  decode: json(),
  groupBy: [],
  eventTime: 'arrival',
  window: tumbling('1m'),
  metrics: { events: count() },
  retention: '1d',
});

const prefix = 'Pipeline "ohlc": ';

describe('Class: StreamAggregation (validation)', () => {
  it.each<[string, () => Partial<StreamAggregationProps>, string]>([
    [
      'batchSize below 1',
      () => ({ batchSize: 0 }),
      'batchSize must be an integer between 1 and 10000 inclusive (given 0)',
    ],
    [
      'batchSize above 10,000',
      () => ({ batchSize: 10_001 }),
      'batchSize must be an integer between 1 and 10000 inclusive (given 10001)',
    ],
    [
      'batchSize not an integer',
      () => ({ batchSize: 2.5 }),
      'batchSize must be an integer between 1 and 10000 inclusive (given 2.5)',
    ],
    [
      'maxBatchingWindow above 300 s',
      () => ({ maxBatchingWindow: Duration.seconds(301) }),
      'maxBatchingWindow must be at most 300 seconds (given 301 seconds)',
    ],
    [
      'retryAttempts below -1',
      () => ({ retryAttempts: -2 }),
      'retryAttempts must be -1 (retry until maxRecordAgeSeconds) or an integer between 0 and 10000 inclusive (given -2)',
    ],
    [
      'retryAttempts above 10,000',
      () => ({ retryAttempts: 10_001 }),
      'retryAttempts must be -1 (retry until maxRecordAgeSeconds) or an integer between 0 and 10000 inclusive (given 10001)',
    ],
    [
      'maxRecordAgeSeconds between -1 and 60',
      () => ({ maxRecordAgeSeconds: 59 }),
      'maxRecordAgeSeconds must be -1 (no limit) or an integer between 60 and 604800 inclusive (given 59)',
    ],
    [
      'maxRecordAgeSeconds above 7 days',
      () => ({ maxRecordAgeSeconds: 604_801 }),
      'maxRecordAgeSeconds must be -1 (no limit) or an integer between 60 and 604800 inclusive (given 604801)',
    ],
    [
      'maxRecordAgeSeconds beyond the stream retention',
      () => ({ maxRecordAgeSeconds: 172_800 }),
      'maxRecordAgeSeconds must not exceed the stream retention (86400 seconds): older records are gone from the stream (given 172800)',
    ],
    [
      'parallelizationFactor other than 1',
      () => ({ parallelizationFactor: 2 }),
      'parallelizationFactor must be 1: exactly-once results keep a per-shard high-water mark of sequence numbers, which needs the records of a shard in order; with a higher factor Lambda keeps order only per partition key (docs/adr/0001-exactly-once.md) (given 2)',
    ],
    [
      'shardCount with an on-demand stream',
      () => ({ shardCount: 2 }),
      'shardCount applies only to streamMode PROVISIONED, not ON_DEMAND (given 2)',
    ],
    [
      'shardCount below 1',
      () => ({ streamMode: StreamMode.PROVISIONED, shardCount: 0 }),
      'shardCount must be an integer of at least 1 (given 0)',
    ],
    [
      'an unencrypted stream',
      () => ({ streamEncryption: StreamEncryption.UNENCRYPTED }),
      'streamEncryption must be KMS (customer-managed key) or MANAGED (aws/kinesis) (given NONE)',
    ],
    [
      'a stream retention below 24 hours',
      () => ({ streamRetention: Duration.hours(12) }),
      'streamRetention must be a whole number of hours between 24 and 8760 inclusive (given 12 hours)',
    ],
    [
      'stream settings with an existing stream',
      () => ({ stream: existingStream(), streamMode: StreamMode.PROVISIONED }),
      'streamMode applies only to a stream the construct creates; configure the existing stream itself (given PROVISIONED)',
    ],
    [
      'a resourcePrefix that cannot start a table name',
      () => ({ resourcePrefix: 'my team' }),
      'resourcePrefix must be 1 to 64 letters, digits, "_", "." or "-" (it starts DynamoDB table names) (given "my team")',
    ],
    [
      'memorySize below 128 MB',
      () => ({ memorySize: 64 }),
      'memorySize must be an integer number of MB between 128 and 10240 inclusive (given 64)',
    ],
    [
      'memorySize above 10,240 MB',
      () => ({ memorySize: 10_241 }),
      'memorySize must be an integer number of MB between 128 and 10240 inclusive (given 10241)',
    ],
    [
      'timeout above 900 s',
      () => ({ timeout: Duration.seconds(901) }),
      'timeout must be a whole number of seconds between 1 and 900 inclusive (given 901 seconds)',
    ],
    [
      'timeout below 1 s',
      () => ({ timeout: Duration.millis(500) }),
      'timeout must be a whole number of seconds between 1 and 900 inclusive (given 0.5 seconds)',
    ],
    [
      'safetyMargin not shorter than the timeout',
      () => ({ timeout: Duration.seconds(5), safetyMargin: Duration.seconds(5) }),
      'safetyMargin must be shorter than the timeout (5000 ms): the handler would never start a write (given 5000 ms)',
    ],
    [
      'writeConcurrency below 1',
      () => ({ writeConcurrency: 0 }),
      'writeConcurrency must be an integer between 1 and 100 inclusive (given 0)',
    ],
    [
      'AT_TIMESTAMP without a timestamp',
      () => ({ startingPosition: StartingPosition.AT_TIMESTAMP }),
      'startingPositionTimestamp is required with startingPosition AT_TIMESTAMP (given none)',
    ],
    [
      'a timestamp without AT_TIMESTAMP',
      () => ({ startingPositionTimestamp: 1_795_000_000 }),
      'startingPositionTimestamp applies only to startingPosition AT_TIMESTAMP, not TRIM_HORIZON (given 1795000000)',
    ],
    [
      'rejectedRecordsThreshold below 1',
      () => ({ rejectedRecordsThreshold: 0 }),
      'rejectedRecordsThreshold must be an integer of at least 1 (given 0)',
    ],
    [
      'an alarm on a metric the handler does not publish',
      () => ({ alarmOnMetrics: ['ItemsFailed', 'RecordsDropped' as HandlerMetricName] }),
      'alarmOnMetrics must name metrics the handler publishes (RecordsIn, RecordsFolded, RecordsRejected, ContributionsTooLarge, RecordsLate, RecordsFiltered, ItemsWritten, ItemsFailed, ConditionalConflicts, DeadLettersWritten, WriteUnits, MaxItemBytes, BatchDuration) (given "RecordsDropped")',
    ],
    [
      'a window longer than the retention',
      () => ({ definition: { ...ohlc, retentionMs: 60_000 } }),
      'definition.retention must be at least the window size plus allowed lateness (6m): results would expire before their window is final (given 1m)',
    ],
    [
      'a rankBy name that is not a metric of the pipeline',
      () => ({ definition: { ...ohlc, rankBy: ['volume', 'turnover'] } }),
      'definition.rankBy must name metrics of the pipeline (open, high, low, close, volume, vwap, trades) (given "turnover")',
    ],
    [
      'a definition that differs from the one in streamfold.config.ts',
      () => ({ definition: { ...ohlc, description: 'edited' } }),
      'definition must be the very definition listed in streamfold.config.ts: the handler folds with that one, the tables would be built from this one (given a different definition named "ohlc")',
    ],
  ])('refuses %s', (_case, props, message) => {
    // Act
    const error = errorOf(props());

    // Assess
    expect(error).toBeInstanceOf(StreamAggregationError);
    expect((error as Error).message).toBe(`${prefix}${message}`);
  });

  it('refuses a pipeline that the config does not list', () => {
    // Act
    const error = errorOf({ definition: unregistered });

    // Assess
    expect(error).toBeInstanceOf(StreamAggregationError);
    expect((error as Error).message).toBe(
      'Pipeline "custom": definition must be listed in streamfold.config.ts, where the deployed handler looks it up by PIPELINE_NAME (listed: requests-by-ip, category-averages, ohlc, sensor-stats) (given "custom")',
    );
  });

  it('names the pipeline, the prop and the value on the error', () => {
    // Act
    const error = errorOf({ batchSize: 0 }) as StreamAggregationError;

    // Assess
    expect(error.name).toBe('StreamAggregationError');
    expect({ pipeline: error.pipeline, prop: error.prop, given: error.given }).toStrictEqual({
      pipeline: 'ohlc',
      prop: 'batchSize',
      given: 0,
    });
  });

  it('accepts the boundaries of every range', () => {
    // Act
    const error = errorOf({
      batchSize: 10_000,
      maxBatchingWindow: Duration.seconds(300),
      retryAttempts: 10_000,
      maxRecordAgeSeconds: 60,
      streamMode: StreamMode.PROVISIONED,
      shardCount: 1,
      memorySize: 10_240,
      timeout: Duration.seconds(900),
      writeConcurrency: 100,
      startingPosition: StartingPosition.AT_TIMESTAMP,
      startingPositionTimestamp: 1_795_000_000,
      dashboard: false,
    });

    // Assess
    expect(error).toBeUndefined();
  });
});
