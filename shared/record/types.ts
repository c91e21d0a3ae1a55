/** A value inside a decoded record: what JSON can hold. */
export type FieldValue =
  | string
  | number
  | boolean
  | null
  | readonly FieldValue[]
  | { readonly [key: string]: FieldValue };

/** A decoded record: named fields, as a JSON object. */
export type Fields = { readonly [key: string]: FieldValue };

/**
 * One Kinesis record as the pipeline receives it, before any decoding.
 * This is what a `KinesisStreamRecord` becomes, and what the local tools build from a file line.
 */
export interface SourceRecord {
  /** The record's payload bytes (already base64-decoded). */
  readonly data: Uint8Array;
  /** Kinesis sequence number (decimal string); for file input, the 1-based line number. */
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** `approximateArrivalTimestamp` in epoch milliseconds. Lateness is decided against it. */
  readonly arrivalMs: number;
}

/**
 * Where a decoded record came from. Together these identify a record uniquely and stably across redeliveries.
 */
export interface RecordOrigin {
  readonly sequenceNumber: string;
  /** Index of the user record inside a KPL aggregate (0-based); absent when the record was not aggregated. */
  readonly subIndex?: number;
  /** Index of the line or log event inside the (unwrapped) payload (0-based); absent for single-document payloads. */
  readonly line?: number;
}

/** A decoded record ready for folding. */
export interface DecodedRecord {
  readonly fields: Fields;
  readonly origin: RecordOrigin;
  readonly arrivalMs: number;
}
