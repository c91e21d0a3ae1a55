import type { SeededRandom } from './prng.ts';

/** Start of every generated batch: 2026-11-21T08:30:00Z. */
export const BATCH_EPOCH_MS = Date.UTC(2026, 10, 21, 8, 30, 0);
/** Event times of one batch spread over this span (a few minutes, as a 10,000-record Kinesis batch would). */
export const BATCH_SPAN_MS = 4 * 60_000;

/** When one record happened and when Kinesis received it. */
export interface RecordTimes {
  readonly eventMs: number;
  readonly arrivalMs: number;
}

/** Gives the times of the `index`-th of `count` records of a batch starting at `startMs`. */
export type RecordClock = (
  random: SeededRandom,
  index: number,
  count: number,
  startMs: number,
) => RecordTimes;

/**
 * Times of the `index`-th of `count` records: arrivals evenly spread over {@link BATCH_SPAN_MS} (in stream
 * order), event times a little earlier (exponential delay, mean 400 ms, capped at 30 s), so nothing is late.
 *
 * @example
 * recordTimes(random, 0, 10_000, BATCH_EPOCH_MS); // { eventMs: ~start - 0.4 s, arrivalMs: start }
 */
export const recordTimes: RecordClock = (random, index, count, startMs) => {
  const arrivalMs = startMs + Math.floor((index * BATCH_SPAN_MS) / count);
  const delayMs = Math.min(30_000, Math.floor(-Math.log(1 - random.next()) * 400));
  return { eventMs: arrivalMs - delayMs, arrivalMs };
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/**
 * An access-log (CLF) timestamp in UTC: `21/Nov/2026:08:30:05 +0000`.
 *
 * @example
 * clfTime(BATCH_EPOCH_MS); // '21/Nov/2026:08:30:00 +0000'
 */
export const clfTime = (ms: number): string => {
  const d = new Date(ms);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
};
