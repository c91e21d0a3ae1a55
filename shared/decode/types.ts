import type { DecodedRecord, Fields, RecordOrigin } from '../record/types.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import type { Rejection } from '../rejection/types.ts';

/** Receives what a format decoder finds in one text payload. */
export interface DecodeEmitter {
  /**
   * A decoded record. `line` is the 0-based index of the line inside a multi-line payload
   * (NDJSON, CSV, access logs); `undefined` for a single-document payload.
   */
  record(fields: Fields, line: number | undefined): void;
  /** A part of the payload that could not be decoded; `excerpt` is raw text (it is escaped and cut later). */
  reject(reason: RejectionReason, message: string, line: number | undefined, excerpt: string): void;
  /** A line that is deliberately not a record (a CSV header line): neither a record nor a rejection. */
  skip(line: number | undefined, what: 'header'): void;
}

/**
 * What a decoder knows in advance about the fields of its records, so that `definePipeline` can check the
 * fields a definition reads before any record is folded.
 */
export interface DecodedFields {
  /** Every field a record can have; `undefined` when the names come from each payload (a CSV header line). */
  readonly names: readonly string[] | undefined;
  /** The fields decoded as numbers; any other field is text (or a boolean), never a number. */
  readonly numeric: readonly string[];
}

/** Turns one text payload (unwrapped, valid UTF-8, BOM removed) into zero or more records. Never throws. */
export interface FormatDecoder {
  /** Format name, for logs and documentation. */
  readonly format: string;
  /**
   * The fields its records can have and which are numbers, when the format fixes them (CSV, access logs).
   * @default - any field, of any type (JSON)
   */
  readonly fields?: DecodedFields;
  decode(text: string, emit: DecodeEmitter): void;
}

/** Bounds applied before and while decoding, so a hostile record costs bounded memory and time. */
export interface DecodeLimits {
  /**
   * Largest accepted payload, in bytes, before unwrapping.
   * @default 1_048_576 (1 MiB, the Kinesis record maximum)
   */
  readonly maxRecordBytes: number;
  /**
   * Largest accepted output of gzip decompression, in bytes (guards against gzip bombs).
   * @default 10_485_760 (10 MiB)
   */
  readonly maxDecompressedBytes: number;
}

/**
 * Receives the outcome of decoding one Kinesis record (a `SourceRecord`): each decoded record and
 * each rejection, as they are found. Every record passed to `decodeSource` ends in at least one call
 * to `record` or `reject`, except a CloudWatch Logs `CONTROL_MESSAGE`, which ends in `control`.
 */
export interface DecodeSink {
  /** A decoded record, ready for folding. */
  record(record: DecodedRecord): void;
  /** A record (or a line or user record inside it) set aside, with its reason. */
  reject(rejection: Rejection): void;
  /**
   * A CloudWatch Logs `CONTROL_MESSAGE` (a health check, no data): neither a record nor a rejection.
   * Optional; implement it to account for such records when checking conservation.
   */
  control?(origin: RecordOrigin): void;
}
