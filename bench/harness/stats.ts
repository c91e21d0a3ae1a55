/**
 * The `q`-quantile (0..1) of `values` by linear interpolation between closest ranks.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
};

/**
 * The median of `values`.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Summary of repeated timings of one case, in milliseconds. */
export interface TimingSummary {
  readonly medianMs: number;
  readonly p25Ms: number;
  readonly p75Ms: number;
  readonly minMs: number;
  readonly samples: number;
}

/**
 * Summarises timings: median, quartiles, minimum.
 *
 * @example
 * summarise([10.2, 9.8, 11.0]); // { medianMs: 10.2, ... }
 */
export const summarise = (timesMs: readonly number[]): TimingSummary => ({
  medianMs: median(timesMs),
  p25Ms: quantile(timesMs, 0.25),
  p75Ms: quantile(timesMs, 0.75),
  minMs: Math.min(...timesMs),
  samples: timesMs.length,
});

/**
 * Rounds to `digits` significant digits, for tables and JSON.
 *
 * @example
 * round(1234.5678, 3); // 1230
 */
export const round = (value: number, digits = 3): number =>
  Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(digits)) : value;
