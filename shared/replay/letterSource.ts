import type { StoredLetter } from '../deadletters/types.ts';
import type { RecordOrigin, SourceRecord } from '../record/types.ts';

/**
 * The Kinesis record of a letter, for folding again: its payload, sequence number, partition key and
 * original arrival time (lateness is decided against it, as when it was delivered).
 *
 * @example
 * const source = letterSource(letter, letter.payload);
 */
export const letterSource = (letter: StoredLetter, payload: Uint8Array): SourceRecord => ({
  data: payload,
  sequenceNumber: letter.sequenceNumber,
  partitionKey: letter.partitionKey,
  arrivalMs: Date.parse(letter.arrivedAt),
});

/**
 * Which decoded records of the payload the letter stands for. A letter with a line (or KPL user record)
 * is that line only: the other lines of the payload were folded (or have letters of their own) when it
 * was delivered. A letter without one is the whole payload (or user record).
 *
 * @example
 * batch = folder.fold([source], { select: letterSelects(letter) });
 */
export const letterSelects =
  (letter: StoredLetter) =>
  (origin: RecordOrigin): boolean =>
    (letter.subIndex === undefined || origin.subIndex === letter.subIndex) &&
    (letter.line === undefined || origin.line === letter.line);

/**
 * The windows a letter may be folded into: the ones it missed for late and `item-too-large` letters
 * (its other windows, if any, hold it already), every window for other rejections.
 *
 * @example
 * const allowed = letterWindows(letter); // undefined: every window
 */
export const letterWindows = (letter: StoredLetter): ReadonlySet<string> | undefined =>
  letter.kind === 'late' || letter.reason === 'item-too-large' ? new Set(letter.windows ?? []) : undefined;
