import { StartingPosition as CdkStartingPosition } from 'aws-cdk-lib/aws-lambda';
import { STREAM_AGGREGATION_DEFAULTS as CDK, LIMITS } from '../../infra/constructs/defaults.ts';
import type { EventSourceMappingSettings, StartingPosition } from './types.ts';

const startingPosition = (position: CdkStartingPosition): StartingPosition => {
  if (position === CdkStartingPosition.TRIM_HORIZON) return 'TRIM_HORIZON';
  if (position === CdkStartingPosition.LATEST) return 'LATEST';
  throw new Error(`The local event source mapping does not support starting position ${position}`);
};

/**
 * The settings the CDK construct gives the deployed event source mapping (`infra/constructs/defaults.ts`),
 * so that the local mapping behaves like the deployed one unless told otherwise.
 */
export const EVENT_SOURCE_MAPPING_DEFAULTS: EventSourceMappingSettings = {
  batchSize: CDK.batchSize,
  maxBatchingWindowMs: CDK.maxBatchingWindow.toMilliseconds(),
  startingPosition: startingPosition(CDK.startingPosition),
  bisectBatchOnFunctionError: CDK.bisectBatchOnError,
  maximumRetryAttempts: CDK.retryAttempts,
  maximumRecordAgeSeconds: CDK.maxRecordAgeSeconds,
  /** The construct always turns it on: the handler reports where to resume. */
  reportBatchItemFailures: true,
  parallelizationFactor: CDK.parallelizationFactor,
  /** Off unless set: the construct sets it per pipeline from `flushEvery` (LocalRuntime does the same). */
  tumblingWindowSeconds: 0,
};

/** The deployed function's settings that shape an invocation. */
export const FUNCTION_DEFAULTS = {
  timeoutMs: CDK.timeout.toMilliseconds(),
  memoryMb: CDK.memorySize,
  functionName: 'streamfold-local',
  region: 'us-east-1',
} as const;

/** Lambda's accepted ranges of the settings (the construct validates against the same ones). */
export const SETTING_LIMITS = {
  batchSize: LIMITS.batchSize,
  maxBatchingWindowMs: { min: 0, max: LIMITS.maxBatchingWindowSeconds * 1000 },
  maximumRetryAttempts: LIMITS.retryAttempts,
  maximumRecordAgeSeconds: LIMITS.maxRecordAgeSeconds,
  tumblingWindowSeconds: { min: 0, max: 900 },
} as const;

/** How the local mapping polls; Lambda's own values where it documents them. */
export const POLLING_DEFAULTS = {
  /** Lambda polls an idle shard about once a second. */
  idlePollIntervalMs: 1_000,
  /** Kinesis allows 5 `GetRecords` calls per second per shard. */
  minGetRecordsIntervalMs: 200,
  /** First pause before retrying a failed invocation or a failed Kinesis call; doubles each time. */
  retryDelayMs: 100,
  /** Longest pause between retries. */
  maxRetryDelayMs: 5_000,
  /** `ListShards` this often to find shards created by resharding. */
  shardDiscoveryIntervalMs: 10_000,
  /** A Kinesis call that takes longer is abandoned and retried (a restarting server may never answer). */
  requestTimeoutMs: 10_000,
  /**
   * After a `GetRecords`/`GetShardIterator` call runs out of time, the shard's next calls get twice as long,
   * up to this: a server that is only slow (kinesis-local with many records held) still answers, where
   * abandoning and retrying every call would pile more work on it and never read the shard again.
   */
  maxRequestTimeoutMs: 120_000,
  /** A `GetRecords`/`GetShardIterator` call answered after this long is reported (`slow-call` event). */
  slowCallMs: 2_000,
} as const;
