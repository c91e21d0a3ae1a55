import { z } from 'zod';
import { TopK } from '../sketch/index.ts';
import { checkField, FIELD_METRIC_OPTIONS, fieldLabel, optionsCheck } from './checkArguments.ts';
import { invalidMetric } from './invalidMetric.ts';
import type { OptionProblem } from './OptionProblem.ts';
import { describeGiven } from './OptionProblem.ts';
import { stringReader } from './readers.ts';
import type { FieldMetricOptions, Metric, TopKEntry } from './types.ts';

/** Options of {@link topK}. */
export interface TopKOptions extends FieldMetricOptions {
  /**
   * Counters kept (Misra–Gries). Counts are exact while a window has at most this many distinct values;
   * beyond, each count is under-estimated by at most total / (capacity + 1), also after merges (rollups).
   * @default max(4 × k, 32)
   */
  readonly capacity?: number;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

const checkOptions = optionsCheck(
  'topK',
  {
    ...FIELD_METRIC_OPTIONS,
    capacity: z.custom<number>(isCount, { error: 'must be a whole number of at least k' }).optional(),
  },
  '{ capacity: 64 }',
);

const checkK = (k: unknown, options: TopKOptions): OptionProblem[] => {
  if (!isCount(k)) {
    return [
      {
        path: ['k'],
        message: 'must be a whole number of at least 1 (how many values to report)',
        given: describeGiven(k),
      },
    ];
  }
  const capacity: unknown = typeof options === 'object' && options !== null ? options.capacity : undefined;
  if (isCount(capacity) && capacity < k) {
    return [{ path: ['capacity'], message: `must be at least k (${k})`, given: describeGiven(capacity) }];
  }
  return [];
};

/**
 * The `k` most frequent values of a field with their counts, most frequent first (ties by value),
 * as `[{ value, count }]`. Mergeable heavy hitters (Misra–Gries, see `TopK`).
 *
 * @example
 * metrics: { topPaths: topK('path', 5) }
 */
export const topK = (
  field: string,
  k: number,
  options: TopKOptions = {},
): Metric<TopK, string, readonly TopKEntry[]> => {
  const problems = [...checkField('field', field), ...checkK(k, options), ...checkOptions(options)];
  if (problems.length > 0)
    return invalidMetric('topK', `topK(${fieldLabel(field)}, ${describeGiven(k)})`, problems);
  const capacity = options.capacity;
  return {
    kind: 'topK',
    fields: [field],
    description: `topK(${field}, ${k})`,
    input: stringReader(field, options),
    empty: () => new TopK(k, capacity),
    add: (state, value) => state.add(value),
    mergeInto: (target, source) => target.mergeInPlace(source),
    clone: (state) => state.clone(),
    encode: (state, out) => {
      out.bytes(state.encode());
    },
    decode: (input) => TopK.decode(input.bytes()),
    result: (state) => state.top(),
  };
};
