import { z } from 'zod';
import { ExactSum } from '../sketch/index.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import { invalidMetric } from './invalidMetric.ts';
import { numberReader } from './readers.ts';
import { twoProduct } from './twoProduct.ts';
import type { FieldMetricOptions, Metric } from './types.ts';

/** State of {@link variance} and {@link stddev}: count and exact sums of x and x². */
export interface VarianceState {
  n: number;
  sum: ExactSum;
  sumOfSquares: ExactSum;
}

/** Options of {@link variance} and {@link stddev}. */
export interface VarianceOptions extends FieldMetricOptions {
  /**
   * `true` for the sample variance (divides by n − 1), `false` for the population variance (divides by n).
   * @default false
   */
  readonly sample?: boolean;
}

/**
 * n²·variance = n·Σx² − (Σx)², computed exactly from the partials of both sums (error-free products), then
 * rounded once: no catastrophic cancellation even for large values with a small spread, and the result does
 * not depend on record or merge order.
 */
const scaledVariance = (state: VarianceState): number => {
  const exact = new ExactSum();
  const pair = [0, 0];
  for (const part of state.sumOfSquares.partials()) {
    twoProduct(part, state.n, pair);
    exact.add(pair[0] as number);
    exact.add(pair[1] as number);
  }
  const sumParts = state.sum.partials();
  for (const a of sumParts) {
    for (const b of sumParts) {
      twoProduct(a, b, pair);
      exact.add(-(pair[0] as number));
      exact.add(-(pair[1] as number));
    }
  }
  return Math.max(0, exact.value());
};

const VARIANCE_OPTIONS = {
  ...FIELD_METRIC_OPTIONS,
  sample: z
    .boolean({
      error: 'must be true (sample variance, divides by n − 1) or false (population, divides by n)',
    })
    .optional(),
} as const;

const CHECK_OPTIONS = {
  variance: optionsCheck('variance', VARIANCE_OPTIONS, '{ sample: true }'),
  stddev: optionsCheck('stddev', VARIANCE_OPTIONS, '{ sample: true }'),
} as const;

const build = (
  kind: 'variance' | 'stddev',
  field: string,
  options: VarianceOptions,
): Metric<VarianceState, number, number | null> => {
  const problems = [...checkField('field', field), ...CHECK_OPTIONS[kind](options)];
  if (problems.length > 0) return invalidMetric(kind, `${kind}(${fieldLabel(field)})`, problems);
  const sample = options.sample === true;
  const scratch = [0, 0];
  return {
    kind,
    fields: [field],
    description: `${kind}(${field}${sample ? ', sample' : ''})`,
    input: numberReader(field, options),
    empty: () => ({ n: 0, sum: new ExactSum(), sumOfSquares: new ExactSum() }),
    add: (state, value) => {
      state.n += 1;
      state.sum.add(value);
      twoProduct(value, value, scratch);
      state.sumOfSquares.add(scratch[0] as number);
      state.sumOfSquares.add(scratch[1] as number);
    },
    mergeInto: (target, source) => {
      target.n += source.n;
      target.sum.mergeInPlace(source.sum);
      target.sumOfSquares.mergeInPlace(source.sumOfSquares);
    },
    clone: (state) => ({ n: state.n, sum: state.sum.clone(), sumOfSquares: state.sumOfSquares.clone() }),
    encode: (state, out) => {
      out.uvarint(state.n).bytes(state.sum.encode()).bytes(state.sumOfSquares.encode());
    },
    decode: (input) => ({
      n: input.uvarint(),
      sum: ExactSum.decode(input.bytes()),
      sumOfSquares: ExactSum.decode(input.bytes()),
    }),
    result: (state) => {
      const divisor = sample ? state.n - 1 : state.n;
      if (divisor <= 0) return null;
      const v = scaledVariance(state) / state.n / divisor;
      return kind === 'variance' ? v : Math.sqrt(v);
    },
  };
};

/**
 * Variance of a numeric field (population by default; `{ sample: true }` for n − 1), exact and
 * order-independent. `null` for an empty window (or a single value with `sample`). Typical encoding: 20–40 bytes.
 *
 * @example
 * metrics: { tempVariance: variance('temperature') }
 */
export const variance = (
  field: string,
  options: VarianceOptions = {},
): Metric<VarianceState, number, number | null> => build('variance', field, options);

/**
 * Standard deviation of a numeric field: the square root of {@link variance}, same options.
 *
 * @example
 * metrics: { tempStddev: stddev('temperature', { sample: true }) }
 */
export const stddev = (
  field: string,
  options: VarianceOptions = {},
): Metric<VarianceState, number, number | null> => build('stddev', field, options);
