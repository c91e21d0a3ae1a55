export {
  MAX_BYTES_PER_PUT,
  MAX_PARTITION_KEY_LENGTH,
  MAX_RECORD_BYTES,
  MAX_RECORDS_PER_PUT,
  PERMANENT_ENTRY_ERRORS,
} from './constants.ts';
export {
  InvalidRecordError,
  ProducerClosedError,
  ProducerError,
  ProducerOptionError,
  RecordsNotPutError,
  RecordTooLargeError,
  StreamUnavailableError,
} from './errors.ts';
export * from './generators/index.ts';
export {
  KplAggregator,
  type KplAggregatorOptions,
  type KplInput,
  type KplOutput,
} from './KplAggregator.ts';
export { Producer, type ProducerOptions, type PutOptions } from './Producer.ts';
export { partitionKeyFunction, randomPartitionKey } from './partitionKey.ts';
export * from './retime/index.ts';
export { backoffDelay, isRetryableCallError } from './retryPolicy.ts';
export { type Sleep, sleep } from './sleep.ts';
export * from './sources/index.ts';
export { TokenBucket, type TokenBucketOptions } from './TokenBucket.ts';
export type {
  FailedRecord,
  FailureSummary,
  PartitionKeySource,
  ProducerRecord,
  ProducerResult,
  ProducerStats,
} from './types.ts';
