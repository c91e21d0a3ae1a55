export {
  DEAD_LETTER_ATTRIBUTES,
  OPEN_WINDOWS_INDEX,
  RESULT_ATTRIBUTES,
  rankIndexName,
} from './attributes.ts';
export { metricAttribute, readMetricAttribute } from './attributeValues.ts';
export {
  type DeadLetterOutcome,
  DeadLetterWriter,
  type DeadLetterWriterOptions,
} from './DeadLetterWriter.ts';
export {
  buildDeadLetterItem,
  type DeadLetter,
  deadLetterSortKey,
  MAX_DEAD_LETTER_PAYLOAD_BYTES,
} from './deadLetterItem.ts';
export {
  AttemptTimeoutError,
  DeadlineError,
  ItemStateError,
  ItemTooLargeError,
  StorageError,
} from './errors.ts';
export { type FinalizeOptions, finalizeWindows } from './finalizeWindows.ts';
export { itemSizeBytes, MAX_ITEM_BYTES } from './itemSize.ts';
export { mapLimit } from './mapLimit.ts';
export {
  type ItemOutcome,
  ResultsWriter,
  type ResultsWriterOptions,
  type WriteOutcome,
} from './ResultsWriter.ts';
export {
  buildResultItem,
  type ResultItemInput,
  type ResultKey,
  readStoredAggregate,
  readWindowResult,
  resultKey,
  type StoredAggregate,
  type StoredWindowResult,
  windowKeyOf,
} from './resultItem.ts';
export { isRetryable, type RetryOptions, withRetry } from './retry.ts';
export { scanResults, scanTable } from './scanTable.ts';
export { compareSequence, shardIdOf } from './sequence.ts';
export {
  createTableInput,
  deadLetterTableSchema,
  type IndexSchema,
  type KeyAttribute,
  resultsTableSchema,
  type TableSchema,
} from './tableSchema.ts';
