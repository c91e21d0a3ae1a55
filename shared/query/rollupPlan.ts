import type { PipelineDefinition } from '../definition/types.ts';
import { formatDuration } from '../time/duration.ts';
import { QueryInputError } from './errors.ts';

/** How to bucket a rollup: a duration in ms (a multiple of the window size), or `'all'` for one bucket over the whole range. */
export type RollupEvery = number | 'all';

const iso = (ms: number): string => new Date(ms).toISOString();

/** Results are keyed by ISO window starts of four-digit years: 0000-01-01 to the end of 9999. */
const FIRST_KEY_MS = Date.parse('0000-01-01T00:00:00.000Z');
const END_OF_KEYS_MS = Date.parse('+010000-01-01T00:00:00.000Z');

/** The windows a rollup merges, and its buckets: see {@link rollupPlan}. */
export interface RollupPlan {
  /** Windows that tile a bucket are those starting at a multiple of this (the window size). */
  readonly tileMs: number;
  /** The range widened to whole buckets, `[fromMs, toMs)`. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Bucket length; the range's length for `all`. */
  readonly bucketMs: number;
  /** How many windows are merged (the length of `windowStarts`, known without listing them). */
  readonly windowCount: number;
  /**
   * Start of each window merged, oldest first. Listed on first use: a long range of short windows (a
   * whole group read over centuries, or a range refused for its cost) never needs the list.
   */
  readonly windowStarts: readonly number[];
}

/**
 * Which windows a rollup of `[fromMs, toMs)` merges. Buckets are aligned to multiples of `every` since
 * the epoch, and the range is widened to whole buckets (`all`: to whole windows), so every bucket is
 * whole. Only windows starting at a multiple of the window size are merged: for tumbling windows that is
 * every window; hopping windows overlap, and merging them all would count each record size / advance
 * times, so only the non-overlapping ones that tile the bucket are merged (the size must then be a
 * multiple of the advance).
 *
 * @throws {QueryInputError} for an empty or non-finite range, an `every` that is not a positive multiple of
 * the window size, buckets that widen the range beyond the years 0000 to 9999, or hopping windows whose size is not a multiple of their advance.
 * @example
 * rollupPlan(requestsByIp, Date.parse('2026-11-21T08:10Z'), Date.parse('2026-11-21T09:00Z'), 3_600_000);
 * // { tileMs: 60000, fromMs: 08:00, toMs: 09:00, bucketMs: 3600000, windowCount: 60, windowStarts: [08:00, 08:01, …, 08:59] }
 */
export const rollupPlan = (
  definition: PipelineDefinition,
  fromMs: number,
  toMs: number,
  every: RollupEvery,
): RollupPlan => {
  const { sizeMs, advanceMs } = definition.window;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) {
    throw new QueryInputError(
      `The time range is empty: from ${Number.isFinite(fromMs) ? iso(fromMs) : fromMs} is not before to ${Number.isFinite(toMs) ? iso(toMs) : toMs}`,
    );
  }
  if (sizeMs % advanceMs !== 0) {
    throw new QueryInputError(
      `Pipeline "${definition.name}" has hopping windows of ${formatDuration(sizeMs)} every ${formatDuration(advanceMs)}: they overlap, and no subset of them tiles time (the size is not a multiple of the advance), so they cannot be rolled up without counting records twice`,
    );
  }
  const badInterval = (): QueryInputError =>
    new QueryInputError(
      `The rollup interval must be a multiple of pipeline "${definition.name}"'s window size ${formatDuration(sizeMs)} (given ${typeof every === 'number' && Number.isFinite(every) && every > 0 ? formatDuration(every) : every})`,
    );
  if (every !== 'all' && (!Number.isFinite(every) || every <= 0)) throw badInterval();
  const step = every === 'all' ? sizeMs : every;
  const from = Math.floor(fromMs / step) * step;
  const to = Math.ceil(toMs / step) * step;
  if (from < FIRST_KEY_MS || to > END_OF_KEYS_MS) {
    throw new QueryInputError(
      `Buckets of ${formatDuration(step)} (aligned to multiples of it since 1970) reach beyond the years 0000 to 9999 that results are keyed by: give a shorter interval or a narrower range`,
    );
  }
  if (every !== 'all' && (!Number.isSafeInteger(every) || every % sizeMs !== 0)) throw badInterval();
  const count = (to - from) / sizeMs;
  let starts: readonly number[] | undefined;
  return {
    tileMs: sizeMs,
    fromMs: from,
    toMs: to,
    bucketMs: every === 'all' ? to - from : every,
    windowCount: count,
    get windowStarts(): readonly number[] {
      starts ??= Array.from({ length: count }, (_, i) => from + i * sizeMs);
      return starts;
    },
  };
};
