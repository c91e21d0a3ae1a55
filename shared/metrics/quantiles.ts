import { QuantileSketch } from '../sketch/index.ts';
import { numberReader } from './readers.ts';
import type { FieldMetricOptions, Metric } from './types.ts';

/** Options of {@link quantiles}. */
export interface QuantilesOptions extends FieldMetricOptions {
  /**
   * Relative accuracy of every reported quantile (DDSketch alpha), between 0.0001 and 0.5.
   * @default 0.01
   */
  readonly accuracy?: number;
  /**
   * Percentiles to report, each in (0, 100); each becomes a result key `p<percentile>` with `.` written
   * as `_` (99.9 → `p99_9`).
   * @default [50, 90, 95, 99]
   */
  readonly percentiles?: readonly number[];
}

/** Result key of a percentile: 50 → `p50`, 99.9 → `p99_9`. */
export const percentileKey = (percentile: number): string => `p${String(percentile).replace('.', '_')}`;

/**
 * Quantiles of a numeric field with relative-error guarantees (DDSketch): each reported value is within
 * `accuracy` (relative) of the true quantile. Result `{ p50, p90, p95, p99 }` by default, `null`s when empty.
 *
 * @example
 * metrics: { latency: quantiles('requestTimeMs', { missing: 'skip' }) }
 */
export const quantiles = (
  field: string,
  options: QuantilesOptions = {},
): Metric<QuantileSketch, number, Readonly<Record<string, number | null>>> => {
  const accuracy = options.accuracy ?? 0.01;
  const percentiles = options.percentiles ?? [50, 90, 95, 99];
  const keys = percentiles.map(percentileKey);
  return {
    kind: 'quantiles',
    fields: [field],
    description: `quantiles(${field})`,
    input: numberReader(field, options),
    empty: () => new QuantileSketch(accuracy),
    add: (state, value) => state.add(value),
    mergeInto: (target, source) => target.mergeInPlace(source),
    clone: (state) => state.clone(),
    encode: (state, out) => {
      out.bytes(state.encode());
    },
    decode: (input) => QuantileSketch.decode(input.bytes()),
    result: (state) => {
      const result: Record<string, number | null> = {};
      percentiles.forEach((p, i) => {
        result[keys[i] as string] = state.quantile(p / 100);
      });
      return result;
    },
  };
};
