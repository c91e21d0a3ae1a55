import { TimeFormatError } from './errors.ts';

/** A duration: milliseconds as a number, or text such as `'500ms'`, `'30s'`, `'1m'`, `'1h30m'`, `'30d'`, `'2w'`. */
export type Duration = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Converts a {@link Duration} to whole milliseconds.
 *
 * @throws {TimeFormatError} naming the value when it is not a non-negative duration.
 * @example
 * parseDuration('1m'); // 60000
 * parseDuration('1h30m'); // 5400000
 * parseDuration(250); // 250
 */
export const parseDuration = (value: Duration): number => {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
      throw new TimeFormatError(`A duration in milliseconds must be a non-negative integer (given ${value})`);
    }
    return value;
  }
  const text = value.trim();
  if (text === '0') return 0;
  if (text === '') throw new TimeFormatError('Duration is empty (given "")');
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null || match.index !== start) {
      throw new TimeFormatError(
        `Duration ${JSON.stringify(value)} is not understood: use a number of milliseconds or forms like '500ms', '30s', '1m', '1h30m', '30d'`,
      );
    }
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  if (!Number.isInteger(total)) {
    throw new TimeFormatError(`Duration ${JSON.stringify(value)} is not a whole number of milliseconds`);
  }
  return total;
};

/**
 * Formats milliseconds as the shortest exact duration text, e.g. `60000` → `'1m'`, `5400000` → `'1h30m'`.
 *
 * @example
 * formatDuration(300_000); // '5m'
 */
export const formatDuration = (ms: number): string => {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      text += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return text;
};
