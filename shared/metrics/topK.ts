import { TopK } from '../sketch/index.ts';
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
