import { LetterFilterError } from './errors.ts';
import type { LetterFilter } from './types.ts';

/** Letters are kept 14 days by default: the span read when no `fromMs` is given. */
export const DEFAULT_LETTER_SPAN_MS = 14 * 86_400_000;

/** The bounds of a filter, defaults applied. */
export interface LetterRange {
  readonly fromMs: number;
  readonly toMs: number;
  /** The arrival days (`YYYY-MM-DD`, UTC) the range touches, newest first: one partition each. */
  readonly days: readonly string[];
}

/**
 * The arrival days a filter covers, newest first (the dead-letter table's partition key is
 * `<pipeline>#<day>`, so each day is one Query).
 *
 * @throws {LetterFilterError} when the range ends before it starts.
 * @example
 * letterRange({ fromMs: Date.parse('2026-12-01T00:00Z'), toMs: Date.parse('2026-12-02T12:00Z') }, Date.now()).days;
 * // ['2026-12-02', '2026-12-01']
 */
export const letterRange = (filter: LetterFilter, nowMs: number): LetterRange => {
  const toMs = filter.toMs ?? nowMs + 1;
  const fromMs = filter.fromMs ?? toMs - DEFAULT_LETTER_SPAN_MS;
  if (toMs <= fromMs) {
    throw new LetterFilterError(
      `The range ends (${new Date(toMs).toISOString()}) before it starts (${new Date(fromMs).toISOString()})`,
    );
  }
  const days: string[] = [];
  const first = Date.UTC(
    new Date(fromMs).getUTCFullYear(),
    new Date(fromMs).getUTCMonth(),
    new Date(fromMs).getUTCDate(),
  );
  for (let day = first; day < toMs; day += 86_400_000) days.push(new Date(day).toISOString().slice(0, 10));
  return { fromMs, toMs, days: days.reverse() };
};
