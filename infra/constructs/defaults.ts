import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_RESOURCE_PREFIX } from '../../shared/deploy/names.ts';

/**
 * Defaults of {@link StreamAggregationProps}, kept as data (AWS Solutions Constructs style): each one is
 * what a prop is when it is not given. The reasons are here, next to the numbers.
 */
export const STREAM_AGGREGATION_DEFAULTS = {
  /** On-demand: no shard planning, pay per GB; switch to provisioned for steady, high volume. */
  streamMode: StreamMode.ON_DEMAND,
  /** Shards of a provisioned stream when `shardCount` is not given. */
  provisionedShardCount: 1,
  /** Customer-managed key: the stream carries raw records (IPs, user ids) whose access the owner audits. */
  streamEncryption: StreamEncryption.KMS,
  /** The free retention; `maxRecordAgeSeconds` must fit inside it. */
  streamRetention: Duration.hours(24),
  /** Table names `streamfold-<pipeline>-results` / `-dead-letters`, as `shared/deploy/names.ts` has them. */
  resourcePrefix: DEFAULT_RESOURCE_PREFIX,
  /** Results, dead letters and the key that encrypts them survive `cdk destroy` unless told otherwise. */
  removalPolicy: RemovalPolicy.RETAIN,
  /**
   * 1,024 MB (arm64): CPU scales with memory; a 10,000-record batch folds in ~50 ms of one core even with
   * sketches, and a 6 MB batch decodes to well under 200 MB. The rest of an invocation waits on DynamoDB.
   */
  memorySize: 1024,
  /**
   * 60 s: a batch's reads and conditional writes take well under a second; the rest is room for the
   * handler's own throttling retries (it stops starting writes `safetyMargin` before the deadline and
   * reports the unwritten items, so a timeout never half-applies a batch).
   */
  timeout: Duration.seconds(60),
  /** Matches `SAFETY_MARGIN_MS`' default in `functions/commons/config.ts`. */
  safetyMargin: Duration.seconds(3),
  /** Matches `WRITE_CONCURRENCY`' default in `functions/commons/config.ts`. */
  writeConcurrency: 16,
  logRetention: RetentionDays.ONE_MONTH,
  /** One item write per (group, window) per batch: bigger batches mean fewer writes per record. */
  batchSize: 1000,
  /** Fills batches on a quiet stream (fewer, larger writes) at the price of 5 s of latency. */
  maxBatchingWindow: Duration.seconds(5),
  /** Start from the oldest record the stream holds: nothing produced before the deploy is skipped. */
  startingPosition: StartingPosition.TRIM_HORIZON,
  bisectBatchOnError: true,
  /**
   * Retry until `maxRecordAgeSeconds`: the handler sets bad records aside itself, so a failing batch is an
   * infrastructure failure (throttling, an outage) that time repairs; giving up would silently lose results.
   */
  retryAttempts: -1,
  /** 24 h, the default stream retention: records are abandoned (and reported on the DLQ) only then. */
  maxRecordAgeSeconds: 86_400,
  /** The only value exactly-once allows (ADR 0001). */
  parallelizationFactor: 1,
  /** Alarm on any rejected record in 5 minutes. */
  rejectedRecordsThreshold: 1,
  /** Extra handler metrics that alarm when their 5-minute sum is above 0. */
  alarmOnMetrics: [],
  /** One CloudWatch dashboard per pipeline ($3/month beyond the free three). */
  dashboard: true,
} as const;

/** Settings of the finalizer (`functions/finalize.ts`), which is not configurable. */
export const FINALIZER_SETTINGS = {
  /** Every minute: windows become final at most a minute after their end plus allowed lateness. */
  schedule: Duration.minutes(1),
  /** It only queries a keys-only index and updates items: little memory, little CPU. */
  memorySize: 256,
  /** Shorter than the schedule, so runs do not pile up (overlapping runs would be harmless: updates are conditional). */
  timeout: Duration.seconds(50),
  /** A missed run is made up by the next one, a minute later. */
  retryAttempts: 0,
} as const;

/** The on-failure queue (records the ESM gave up on: metadata only) and its own dead-letter queue. */
export const FAILURE_QUEUE_SETTINGS = {
  /** SQS' maximum: two weeks to replay the shard ranges from the stream (while it still holds them). */
  retentionPeriod: Duration.days(14),
  /** A message received this often without being deleted moves to the second queue. */
  maxReceiveCount: 3,
} as const;

/** Alarm periods and evaluation windows. Thresholds that users tune are props. */
export const ALARM_SETTINGS = {
  iteratorAgePeriod: Duration.minutes(1),
  /** Iterator age above the threshold in 3 of 5 minutes: a backlog, not a blip. */
  iteratorAgeEvaluationPeriods: 5,
  iteratorAgeDatapointsToAlarm: 3,
  /** The iterator-age threshold is at least this, whatever the pipeline's allowed lateness. */
  minimumIteratorAgeThreshold: Duration.minutes(1),
  countPeriod: Duration.minutes(5),
  /** Any message on a failure queue alarms within a minute. */
  queueDepthPeriod: Duration.minutes(1),
  /** The finalizer runs every minute: alarm when it failed 3 times in 15 minutes. */
  finalizerErrorsPeriod: Duration.minutes(15),
  finalizerErrorsThreshold: 3,
} as const;

/** Service limits the props are validated against (AWS Lambda, Kinesis; see docs/deploy.md). */
export const LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  maxBatchingWindowSeconds: 300,
  retryAttempts: { min: -1, max: 10_000 },
  maxRecordAgeSeconds: { min: 60, max: 604_800 },
  memorySize: { min: 128, max: 10_240 },
  timeoutSeconds: { min: 1, max: 900 },
  writeConcurrency: { min: 1, max: 100 },
  streamRetentionHours: { min: 24, max: 8_760 },
  shardCount: { min: 1 },
} as const;
