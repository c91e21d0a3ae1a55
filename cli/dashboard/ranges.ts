import type { PipelineDefinition } from '../../shared/definition/types.ts';

/** The window ranges of the page's range selector: the last N stored windows, one point each. */
export const WINDOW_RANGES: readonly number[] = [15, 30, 60, 180, 360];

/** A longer range of the page's range selector, read as rollups (see `shared/query/rollup.ts`). */
export interface RollupRange {
  /** What the page sends as `range=`. */
  readonly id: string;
  /** What the selector shows. */
  readonly label: string;
  /** Bucket length, ms: each point merges the windows of one bucket. */
  readonly everyMs: number;
  /** `hourly`, `daily`: how the page names the points. */
  readonly every: string;
  /** Buckets drawn, the newest (partial) one included. */
  readonly buckets: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The rollup ranges, shortest first. A day of hours and a week of days: each point of the first merges
 * 60 one-minute windows, of the second 1,440; both are one Query per group drawn (see docs/dashboards.md).
 */
export const ROLLUP_RANGES: readonly RollupRange[] = [
  { id: '24h', label: 'last 24 hours (hourly)', everyMs: HOUR_MS, every: 'hourly', buckets: 24 },
  { id: '7d', label: 'last 7 days (daily)', everyMs: DAY_MS, every: 'daily', buckets: 7 },
];

/** One choice of the page's range selector. */
export interface RangeChoice {
  /** What the page sends as `range=`: a number of windows, or a rollup range's id. */
  readonly value: string;
  readonly label: string;
}

/**
 * Whether a pipeline's windows can be rolled up into buckets of `everyMs`: the bucket is a multiple of
 * the window size, and hopping windows tile time (their size is a multiple of their advance), as
 * `rollupPlan` requires.
 *
 * @example
 * canRollUp(ohlc, 3_600_000); // true: one-minute windows, 60 to an hour
 */
export const canRollUp = (definition: PipelineDefinition, everyMs: number): boolean => {
  const { sizeMs, advanceMs } = definition.window;
  return sizeMs % advanceMs === 0 && everyMs % sizeMs === 0;
};

/**
 * The range selector's choices for a pipeline: the window ranges, then the rollup ranges whose buckets
 * its windows tile (a pipeline of 7-minute windows has no hourly range, but it has the daily one).
 *
 * @example
 * rangeChoices(ohlc).map((c) => c.value); // ['15', '30', '60', '180', '360', '24h', '7d']
 */
export const rangeChoices = (definition: PipelineDefinition): RangeChoice[] => [
  ...WINDOW_RANGES.map((n) => ({ value: String(n), label: `last ${n} windows` })),
  ...ROLLUP_RANGES.filter((r) => canRollUp(definition, r.everyMs)).map((r) => ({
    value: r.id,
    label: r.label,
  })),
];

/**
 * The rollup range of an id, or undefined.
 *
 * @example
 * rollupRangeOf('24h')?.everyMs; // 3600000
 */
export const rollupRangeOf = (id: string): RollupRange | undefined => ROLLUP_RANGES.find((r) => r.id === id);
