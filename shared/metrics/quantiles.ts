import { z } from 'zod';
import { QuantileSketch } from '../sketch/index.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import {
  DEFAULT_PERCENTILES,
  DEFAULT_QUANTILE_ACCURACY,
  MAX_PERCENTILE_EXCLUSIVE,
  MAX_QUANTILE_ACCURACY,
  MIN_PERCENTILE,
  MIN_QUANTILE_ACCURACY,
} from './constants.ts';
import { invalidMetric } from './invalidMetric.ts';
import { describeGiven, type OptionProblem } from './OptionProblem.ts';
import { numberReader } from './readers.ts';
import type { FieldMetricOptions, Metric } from './types.ts';

/** Options of {@link quantiles}. */
export interface QuantilesOptions extends FieldMetricOptions {
  /**
   * Relative accuracy of every reported quantile (DDSketch alpha), from 0.0001 to 0.5. The sketch keeps at
   * most 2048 bins, so the guarantee holds for values within a ratio of the largest one of about
   * ((1 + accuracy) / (1 - accuracy))^2048: ~6·10^17 at 0.01, ~60 at 0.001; smaller values are over-estimated.
   * @default 0.01
   */
  readonly accuracy?: number;
  /**
   * Percentiles to report, written as the number in the result key: `95` reports `p95`, `99.9` reports
   * `p99_9` (`.` is written `_`). Each from 1 to below 100, none repeated. Not fractions (`0.95`) and not
   * names (`'p95'`): both are rejected when the pipeline is defined.
   * @default [50, 90, 95, 99]
   * @example [50, 99, 99.9]
   */
  readonly percentiles?: readonly number[];
}

/** Result key of a percentile: 50 → `p50`, 99.9 → `p99_9`. */
export const percentileKey = (percentile: number): string => `p${String(percentile).replace('.', '_')}`;

const PERCENTILE_FORM = '95 for p95, 99.9 for p99_9';

const isPercentile = (value: unknown): value is number =>
  typeof value === 'number' && value >= MIN_PERCENTILE && value < MAX_PERCENTILE_EXCLUSIVE;

const percentileMessage = (value: unknown): string => {
  if (typeof value === 'string' && /^p\d/i.test(value)) return `must be a number: write ${PERCENTILE_FORM}`;
  if (typeof value === 'number' && value > 0 && value < MIN_PERCENTILE)
    return `is a fraction; percentiles are written as in the result key: ${PERCENTILE_FORM}`;
  return `must be a number from ${MIN_PERCENTILE} to below ${MAX_PERCENTILE_EXCLUSIVE}, as in the result key: ${PERCENTILE_FORM}`;
};

/** Each repeated percentile (its result key would be written twice). */
const checkRepeats = (options: unknown): OptionProblem[] => {
  const percentiles: unknown =
    typeof options === 'object' && options !== null ? (options as QuantilesOptions).percentiles : undefined;
  if (!Array.isArray(percentiles)) return [];
  return percentiles.flatMap((p: unknown, i) =>
    isPercentile(p) && percentiles.indexOf(p) !== i
      ? [
          {
            path: ['percentiles', i],
            message: `repeats a percentile (each is one result key, here ${percentileKey(p)})`,
            given: describeGiven(p),
          },
        ]
      : [],
  );
};

const checkOptions = optionsCheck(
  'quantiles',
  {
    ...FIELD_METRIC_OPTIONS,
    accuracy: z
      .custom<number>(
        (value) =>
          typeof value === 'number' && value >= MIN_QUANTILE_ACCURACY && value <= MAX_QUANTILE_ACCURACY,
        {
          error: `must be a relative accuracy from ${MIN_QUANTILE_ACCURACY} to ${MAX_QUANTILE_ACCURACY} (0.01 = within 1 %)`,
        },
      )
      .optional(),
    percentiles: z
      .array(z.custom<number>(isPercentile, { error: (issue) => percentileMessage(issue.input) }), {
        error: `must be an array of percentiles written as in the result key (${PERCENTILE_FORM}), such as [50, 95, 99.9]`,
      })
      .min(1, { error: `must list at least one percentile, such as [50, 95, 99]` })
      .optional(),
  },
  '{ percentiles: [50, 95, 99] }',
);

/**
 * Quantiles of a numeric field with relative-error guarantees (DDSketch): each reported value is within
 * `accuracy` (relative) of the true quantile. Result `{ p50, p90, p95, p99 }` by default, `null`s when empty.
 * Percentiles are written as the number in the result key (`95` → `p95`); a bad one is reported when the
 * pipeline is defined.
 *
 * @example
 * metrics: { latency: quantiles('requestTimeMs', { missing: 'skip', percentiles: [50, 99, 99.9] }) }
 */
export const quantiles = (
  field: string,
  options: QuantilesOptions = {},
): Metric<QuantileSketch, number, Readonly<Record<string, number | null>>> => {
  const problems = [...checkField('field', field), ...checkOptions(options), ...checkRepeats(options)];
  if (problems.length > 0) return invalidMetric('quantiles', `quantiles(${fieldLabel(field)})`, problems);
  const accuracy = options.accuracy ?? DEFAULT_QUANTILE_ACCURACY;
  const percentiles = [...(options.percentiles ?? DEFAULT_PERCENTILES)];
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
