import { ExactSum } from '../sketch/index.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import { invalidMetric } from './invalidMetric.ts';
import { numberReader } from './readers.ts';
import type { FieldMetricOptions, Metric } from './types.ts';

const checkOptions = optionsCheck('sum', FIELD_METRIC_OPTIONS, "{ missing: 'skip' }");

/**
 * Sum of a numeric field. Exact summation (Shewchuk partials): the result is the correctly rounded sum
 * whatever the order of records and merges, so retries and re-batching give bit-identical results.
 * Typical encoding: 9–17 bytes. An empty sum is 0.
 *
 * @example
 * metrics: { bytes: sum('bytes', { missing: 'skip' }) }
 */
export const sum = (field: string, options: FieldMetricOptions = {}): Metric<ExactSum, number, number> => {
  const problems = [...checkField('field', field), ...checkOptions(options)];
  if (problems.length > 0) return invalidMetric('sum', `sum(${fieldLabel(field)})`, problems);
  return {
    kind: 'sum',
    fields: [field],
    description: `sum(${field})`,
    input: numberReader(field, options),
    empty: () => new ExactSum(),
    add: (state, value) => state.add(value),
    mergeInto: (target, source) => target.mergeInPlace(source),
    clone: (state) => state.clone(),
    encode: (state, out) => {
      out.bytes(state.encode());
    },
    decode: (input) => ExactSum.decode(input.bytes()),
    result: (state) => state.value(),
  };
};
