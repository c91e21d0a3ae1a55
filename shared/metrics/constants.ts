/** Percentiles `quantiles` reports unless told otherwise (result keys p50, p90, p95, p99). */
export const DEFAULT_PERCENTILES: readonly number[] = [50, 90, 95, 99];
/** Smallest percentile `quantiles` accepts: below it a value like 0.95 is almost surely a fraction meant as 95. */
export const MIN_PERCENTILE = 1;
/** Percentiles must be below this (100 is the maximum: use `max(field)`). */
export const MAX_PERCENTILE_EXCLUSIVE = 100;
/** Default relative accuracy of `quantiles` (DDSketch alpha). */
export const DEFAULT_QUANTILE_ACCURACY = 0.01;
/** Relative accuracy bounds of `quantiles`. */
export const MIN_QUANTILE_ACCURACY = 0.0001;
export const MAX_QUANTILE_ACCURACY = 0.5;
/** Default HyperLogLog precision of `distinct` (≈ 0.81 % standard error). */
export const DEFAULT_DISTINCT_PRECISION = 14;
/** HyperLogLog precision bounds of `distinct`. */
export const MIN_DISTINCT_PRECISION = 4;
export const MAX_DISTINCT_PRECISION = 18;
