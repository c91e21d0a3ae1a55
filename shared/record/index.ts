export type { DecodedRecord, Fields, FieldValue, RecordOrigin, SourceRecord } from './types.ts';
