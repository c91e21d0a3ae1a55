import { METRIC_OPTIONS, optionsCheck } from './checkArguments.ts';
import { invalidMetric } from './invalidMetric.ts';
import { type Metric, type MetricOptions, SKIP } from './types.ts';

const checkOptions = optionsCheck('count', METRIC_OPTIONS, '{ where: (r) => Number(r.status) >= 500 }');

/** State of {@link count}. */
export interface CountState {
  n: number;
}

/**
 * Number of records (optionally only those matching `where`). Encoded as one varint (1–4 bytes).
 *
 * @example
 * metrics: { requests: count(), errors: count({ where: (r) => Number(r.status) >= 500 }) }
 */
export const count = (options: MetricOptions = {}): Metric<CountState, true, number> => {
  const problems = checkOptions(options);
  if (problems.length > 0) return invalidMetric('count', 'count()', problems);
  const where = options.where;
  return {
    kind: 'count',
    fields: [],
    description: where === undefined ? 'count()' : 'count(where)',
    input: (record) => (where === undefined || where(record) ? true : SKIP),
    empty: () => ({ n: 0 }),
    add: (state) => {
      state.n += 1;
    },
    mergeInto: (target, source) => {
      target.n += source.n;
    },
    clone: (state) => ({ n: state.n }),
    encode: (state, out) => {
      out.uvarint(state.n);
    },
    decode: (input) => ({ n: input.uvarint() }),
    result: (state) => state.n,
  };
};
