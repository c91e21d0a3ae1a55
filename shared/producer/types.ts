/** One record to put into a stream. */
export interface ProducerRecord {
  /** The payload: bytes, or text written as UTF-8. */
  readonly data: Uint8Array | string;
  /**
   * The partition key (1–256 characters). Wins over the producer's `partitionKey` option.
   * @default - from the producer's `partitionKey` option
   */
  readonly partitionKey?: string;
  /**
   * A decimal 128-bit hash key that picks the shard instead of the MD5 of the partition key.
   * @default undefined - the shard follows the partition key
   */
  readonly explicitHashKey?: string;
}

/**
 * Where partition keys come from when a record has none:
 * - `'random'`: a random key per record (spreads records evenly over shards);
 * - `{ field }`: the value of a JSON field (a dotted path such as `device` or `meta.id`); records that are
 *   not JSON objects, or lack the field, get a random key;
 * - a function of the record's bytes; `undefined` means a random key.
 */
export type PartitionKeySource =
  | 'random'
  | { readonly field: string }
  | ((data: Uint8Array) => string | undefined);

/**
 * Counters of a producer. Record counts are user records (what `put` accepted), also when KPL aggregation
 * packs several into one Kinesis record.
 */
export interface ProducerStats {
  /** Records `put` accepted. */
  readonly accepted: number;
  /** Records Kinesis acknowledged with a sequence number. */
  readonly sent: number;
  /** Records given up on (error not retryable, or the retry deadline passed). */
  readonly failed: number;
  /** Retries of records: a record sent three times counts 2. */
  readonly retried: number;
  /** Bytes put successfully, as Kinesis counts them: data plus partition key of each Kinesis record. */
  readonly bytes: number;
  /** PutRecords calls made (retries included). */
  readonly batches: number;
  /** Kinesis records put successfully (a KPL aggregate counts 1). */
  readonly kinesisRecords: number;
  /** Records accepted but not yet sent or failed. */
  readonly pending: number;
  /** PutRecords calls in flight. */
  readonly inFlight: number;
}

/** A Kinesis record (a KPL aggregate, with aggregation) the producer gave up on. */
export interface FailedRecord {
  readonly partitionKey: string;
  /** The Kinesis record's data: the user record, or the whole aggregate. */
  readonly data: Uint8Array;
  /** How many user records it holds (1 without aggregation). */
  readonly userRecords: number;
  /** The per-record `ErrorCode` of PutRecords, or the name of the error the whole call failed with. */
  readonly errorCode: string;
  readonly errorMessage: string;
  /** PutRecords calls that carried it. */
  readonly attempts: number;
}

/** Failed records with one error code. */
export interface FailureSummary {
  readonly errorCode: string;
  /** User records that failed with this code. */
  readonly count: number;
  /** The first error message seen with this code. */
  readonly message: string;
}

/** What `Producer.close` resolves with. */
export interface ProducerResult {
  readonly stats: ProducerStats;
  /** Failures grouped by error code, most frequent first; empty when every record was put. */
  readonly failures: readonly FailureSummary[];
}
