import type { PipelineDefinition } from '../definition/types.ts';
import { rankIndexName } from '../storage/attributes.ts';

/** The ranking index used to list all groups of one window. */
export interface WindowIndex {
  readonly indexName: string;
  /** The metric the index sorts by. */
  readonly metric: string;
  /**
   * Whether every item is in the index. A DynamoDB index is sparse: an item without the sort attribute
   * (a metric with an empty result, e.g. `min` of no values) is not in it.
   */
  readonly complete: boolean;
}

/** Metric kinds whose result is a number for every item (never left out of the item). */
const ALWAYS_PRESENT_KINDS: readonly string[] = ['count', 'distinct', 'sum'];

/**
 * The ranking index that lists the groups of a window most completely: the first `rankBy` metric that is
 * a count, else a distinct count, else a sum (these are never empty, so every item is indexed), else the
 * first `rankBy` metric (items whose metric is empty are then missed). `undefined` when the pipeline has
 * no ranking index at all.
 *
 * @example
 * windowIndexOf(requestsByIp); // { indexName: 'rank-requests', metric: 'requests', complete: true }
 */
export const windowIndexOf = (definition: PipelineDefinition): WindowIndex | undefined => {
  const kindOf = (metric: string): string => definition.metrics[metric]?.kind ?? '';
  for (const kind of ALWAYS_PRESENT_KINDS) {
    const metric = definition.rankBy.find((name) => kindOf(name) === kind);
    if (metric !== undefined) return { indexName: rankIndexName(metric), metric, complete: true };
  }
  const first = definition.rankBy[0];
  return first === undefined
    ? undefined
    : { indexName: rankIndexName(first), metric: first, complete: false };
};
