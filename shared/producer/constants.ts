/** Most records one PutRecords call accepts. */
export const MAX_RECORDS_PER_PUT = 500;

/** Most bytes one PutRecords call accepts: data plus partition keys of every record (5 MiB). */
export const MAX_BYTES_PER_PUT = 5 * 1024 * 1024;

/** Largest Kinesis record: its data plus its partition key, in bytes (1 MiB). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** Longest partition key Kinesis accepts, in Unicode characters. */
export const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * Per-record error codes of a PutRecords response that no retry can fix (the stream's KMS key is
 * unusable, or access is denied). Every other code (`ProvisionedThroughputExceededException`,
 * `InternalFailure`, `KMSThrottlingException`, …) is retried.
 */
export const PERMANENT_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'ValidationException',
]);
