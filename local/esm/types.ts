import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamStateResponse,
  KinesisStreamTumblingWindowEvent,
} from 'aws-lambda';

/** Where a shard's first iterator points when there is no checkpoint yet. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/**
 * The settings of Lambda's Kinesis event source mapping that the local one honours, with the names and
 * ranges of the Lambda API (`CreateEventSourceMapping`).
 */
export interface EventSourceMappingSettings {
  /** Most records per invocation (`BatchSize`), 1–10,000. Batches also stop at the 6 MB invocation payload. */
  readonly batchSize: number;
  /** Longest wait to fill a batch (`MaximumBatchingWindowInSeconds`, here in ms), 0–300,000. */
  readonly maxBatchingWindowMs: number;
  /** Where reading starts on a shard without a checkpoint (`StartingPosition`). */
  readonly startingPosition: StartingPosition;
  /** Split a failing batch in two and retry the halves in order (`BisectBatchOnFunctionError`). */
  readonly bisectBatchOnFunctionError: boolean;
  /** Retries of a failing batch before it goes to the on-failure destination; −1 = until the records expire, up to 10,000. */
  readonly maximumRetryAttempts: number;
  /** Records older than this are not invoked but sent to the on-failure destination; −1 = no limit, or 60–604,800. */
  readonly maximumRecordAgeSeconds: number;
  /** Honour `batchItemFailures` in the handler's response (`FunctionResponseTypes: ['ReportBatchItemFailures']`). */
  readonly reportBatchItemFailures: boolean;
  /** Concurrent batches per shard. Fixed at 1: exactly-once relies on per-shard order (ADR 0001). */
  readonly parallelizationFactor: 1;
  /**
   * Tumbling windows (`TumblingWindowInSeconds`), 0–900; 0 = off. When on, intervals are cut by record
   * arrival time, a per-shard state is passed from invocation to invocation, and each interval ends with
   * an invocation marked `isFinalInvokeForWindow` (retried until it succeeds). A state above 1 MB ends the
   * window early (`isWindowTerminatedEarly`).
   */
  readonly tumblingWindowSeconds: number;
}

/** What one invocation of the function gave back. */
export type InvokeResult =
  /** The handler returned (its response, `undefined` when it returned nothing). */
  | {
      readonly kind: 'ok';
      readonly response: KinesisStreamBatchResponse | KinesisStreamStateResponse | undefined;
    }
  /** The handler threw, its module failed to load, or its runtime crashed. */
  | { readonly kind: 'error'; readonly error: Error }
  /** The invocation ran past the function's timeout and was killed. */
  | { readonly kind: 'timeout' };

/**
 * Invokes the function once with a batch, like Lambda's synchronous invoke from an event source mapping.
 * It must not throw: failures are results.
 *
 * @example
 * ```ts
 * const alwaysOk: Invoker = async () => ({ kind: 'ok', response: { batchItemFailures: [] } });
 * ```
 */
export type Invoker = (
  event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent,
  timeoutMs: number,
) => Promise<InvokeResult>;

/** Why Lambda gave up on a batch (`requestContext.condition` of an on-failure record). */
export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** The shard range of a batch Lambda gave up on: what an SQS/SNS on-failure destination receives instead of the records. */
export interface KinesisBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** ISO 8601, milliseconds, e.g. `2019-11-14T00:38:04.835Z`. */
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/**
 * The JSON document Lambda sends to an SQS or SNS on-failure destination of a Kinesis event source mapping
 * (metadata only: replay the range from the stream while it still holds it).
 */
export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: OnFailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: string;
    /** `'Unhandled'` when the last invocation threw or timed out; absent otherwise. */
    readonly functionError?: 'Unhandled';
  };
  readonly version: '1.0';
  /** ISO 8601 time the record was sent. */
  readonly timestamp: string;
  readonly KinesisBatchInfo: KinesisBatchInfo;
}

/** Receives the batches the event source mapping gave up on (Lambda's `DestinationConfig.OnFailure`). */
export interface OnFailureDestination {
  send(record: OnFailureRecord): Promise<void>;
}

/** Where a shard's poller is. */
export type ShardState = 'waiting' | 'polling' | 'closed' | 'stopped';

/** Counters of one shard since the mapping started. */
export interface ShardStats {
  readonly shardId: string;
  readonly state: ShardState;
  /** Parent shards that must be read to their end before this one starts. */
  readonly parentShardIds: readonly string[];
  readonly recordsRead: number;
  /** Invocations, retries and bisected halves included. */
  readonly batchesInvoked: number;
  /** Invocations that repeated records after a failure (not counting bisection). */
  readonly retries: number;
  /** Invocations that failed (error, timeout or a `batchItemFailures` entry). */
  readonly failures: number;
  /** Records sent to the on-failure destination. */
  readonly recordsDiscarded: number;
  /** Records read but not yet checkpointed (in flight or waiting for their batch). */
  readonly recordsPending: number;
  /** `MillisBehindLatest` of the last `GetRecords`. */
  readonly millisBehindLatest: number;
  /** The checkpoint: the last sequence number fully processed, if any. */
  readonly lastSequenceNumber: string | undefined;
  /** The result of the last invocation. */
  readonly lastResult: InvokeResult | undefined;
  /** Tumbling windows: final invocations made (interval ends, early terminations, shard ends). */
  readonly windowsClosed: number;
}

/** Progress of an event source mapping, for logs and live displays. */
export type EventSourceMappingEvent =
  | { readonly type: 'shards-discovered'; readonly shardIds: readonly string[] }
  | {
      readonly type: 'shard-started';
      readonly shardId: string;
      readonly parentShardIds: readonly string[];
    }
  | {
      readonly type: 'records-read';
      readonly shardId: string;
      readonly count: number;
      readonly millisBehindLatest: number;
    }
  | {
      readonly type: 'invocation';
      readonly shardId: string;
      readonly batchSize: number;
      readonly firstSequenceNumber: string;
      readonly lastSequenceNumber: string;
      /** 0 for a first delivery, n for the n-th retry of the same first record. */
      readonly retry: number;
      readonly result: InvokeResult;
      readonly durationMs: number;
    }
  | { readonly type: 'bisect'; readonly shardId: string; readonly sizes: readonly [number, number] }
  | { readonly type: 'checkpoint'; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly type: 'on-failure'; readonly shardId: string; readonly record: OnFailureRecord }
  | { readonly type: 'shard-closed'; readonly shardId: string; readonly childShardIds: readonly string[] }
  | {
      /** A Kinesis call answered, but after `slowCallMs` or longer (a slow or overloaded server). */
      readonly type: 'slow-call';
      readonly shardId: string;
      /** `GetRecords` or `GetShardIterator`. */
      readonly operation: string;
      readonly durationMs: number;
      /** The time the call was allowed (it grows after calls that ran out of time). */
      readonly timeoutMs: number;
    }
  | {
      readonly type: 'error';
      readonly shardId: string | undefined;
      /** What failed, e.g. `GetRecords`, `ListShards`, `on-failure destination`. */
      readonly operation: string;
      readonly error: Error;
      readonly retryInMs: number;
    };

/** One line a function wrote to its stdout or stderr. */
export interface FunctionLogLine {
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
  /** The invocation running when the line arrived, if any (undefined during init). */
  readonly requestId: string | undefined;
  /** Which container (worker) wrote it; a new id after every cold start. */
  readonly containerId: number;
}
