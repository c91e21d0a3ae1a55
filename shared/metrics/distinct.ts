import { z } from 'zod';
import { HyperLogLog } from '../sketch/index.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import { DEFAULT_DISTINCT_PRECISION, MAX_DISTINCT_PRECISION, MIN_DISTINCT_PRECISION } from './constants.ts';
import { invalidMetric } from './invalidMetric.ts';
import { stringReader } from './readers.ts';
import type { FieldMetricOptions, Metric } from './types.ts';

/** Options of {@link distinct}. */
export interface DistinctOptions extends FieldMetricOptions {
  /**
   * HyperLogLog precision p (4–18): 2^p registers, standard error ≈ 1.04 / √(2^p).
   * Small sets stay in the sparse form (a few bytes per distinct value); the dense form is 0.75·2^p bytes.
   * @default 14 (≈ 0.81 % standard error, dense form 12 KiB)
   */
  readonly precision?: number;
}

const checkOptions = optionsCheck(
  'distinct',
  {
    ...FIELD_METRIC_OPTIONS,
    precision: z
      .custom<number>(
        (value) =>
          Number.isInteger(value) &&
          (value as number) >= MIN_DISTINCT_PRECISION &&
          (value as number) <= MAX_DISTINCT_PRECISION,
        {
          error: `must be a whole number from ${MIN_DISTINCT_PRECISION} to ${MAX_DISTINCT_PRECISION} (HyperLogLog precision: 14 gives ≈ 0.81 % standard error)`,
        },
      )
      .optional(),
  },
  '{ precision: 12 }',
);

/**
 * Estimated number of distinct values of a field (HyperLogLog with a sparse representation),
 * rounded to an integer. Values are compared as text (`1` and `"1"` are the same value).
 *
 * @example
 * metrics: { visitors: distinct('user') }
 */
export const distinct = (
  field: string,
  options: DistinctOptions = {},
): Metric<HyperLogLog, string, number> => {
  const problems = [...checkField('field', field), ...checkOptions(options)];
  if (problems.length > 0) return invalidMetric('distinct', `distinct(${fieldLabel(field)})`, problems);
  const precision = options.precision ?? DEFAULT_DISTINCT_PRECISION;
  return {
    kind: 'distinct',
    fields: [field],
    description: `distinct(${field})`,
    // Dense form: a tag, the precision, a length prefix of at most 3 bytes, then 6 bits per register.
    maxStateBytes: 5 + 0.75 * 2 ** precision,
    input: stringReader(field, options),
    empty: () => new HyperLogLog(precision),
    add: (state, value) => state.add(value),
    mergeInto: (target, source) => target.mergeInPlace(source),
    clone: (state) => state.clone(),
    encode: (state, out) => {
      out.bytes(state.encode());
    },
    decode: (input) => HyperLogLog.decode(input.bytes()),
    result: (state) => Math.round(state.estimate()),
  };
};
