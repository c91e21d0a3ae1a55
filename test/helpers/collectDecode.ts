import type { DecodeEmitter, FormatDecoder } from '../../shared/decode/types.ts';
import type { Fields } from '../../shared/record/types.ts';
import type { RejectionReason } from '../../shared/rejection/reasons.ts';

/** A record a decoder emitted. */
export interface CollectedRecord {
  readonly fields: Fields;
  readonly line: number | undefined;
}

/** A rejection a decoder emitted. */
export interface CollectedRejection {
  readonly reason: RejectionReason;
  readonly message: string;
  readonly line: number | undefined;
  readonly excerpt: string;
}

/** Everything a decoder emitted for one payload, in order of emission per kind. */
export interface CollectedDecode {
  readonly records: CollectedRecord[];
  readonly rejections: CollectedRejection[];
  /** Line of every emission (record or rejection), in emission order. */
  readonly lines: (number | undefined)[];
  /** Lines reported as deliberately skipped (CSV header lines). */
  readonly skipped: (number | undefined)[];
}

/**
 * Runs a {@link FormatDecoder} on one payload and collects what it emits.
 *
 * @example
 * const { records, rejections } = collectDecode(json(), '{"a":1}');
 */
export const collectDecode = (decoder: FormatDecoder, text: string): CollectedDecode => {
  const records: CollectedRecord[] = [];
  const rejections: CollectedRejection[] = [];
  const lines: (number | undefined)[] = [];
  const skipped: (number | undefined)[] = [];
  const emit: DecodeEmitter = {
    record: (fields, line) => {
      records.push({ fields, line });
      lines.push(line);
    },
    reject: (reason, message, line, excerpt) => {
      rejections.push({ reason, message, line, excerpt });
      lines.push(line);
    },
    skip: (line) => {
      skipped.push(line);
    },
  };
  decoder.decode(text, emit);
  return { records, rejections, lines, skipped };
};
