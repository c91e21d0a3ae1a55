import { compareResults } from '../fold/windowResult.ts';
import { DEFAULT_TOP_LIMIT } from './constants.ts';
import { QueryInputError } from './errors.ts';
import type { RollupResult } from './mergeWindowItems.ts';
import { assertNumericMetric } from './numericMetrics.ts';
import { type RollupOptions, type RollupOutcome, rollup } from './rollup.ts';

/** Options of {@link topGroupsOverRange}. */
export interface TopGroupsOverRangeOptions extends Omit<RollupOptions, 'every'> {
  /** A numeric metric of the pipeline. */
  readonly metric: string;
  /**
   * How many groups.
   * @default 10
   */
  readonly limit?: number;
}

/** The top groups over a range, by a metric of their merged windows. */
export interface TopGroupsOverRangeResult extends Omit<RollupOutcome, 'results'> {
  readonly metric: string;
  /** Best first; ties by group. Groups whose merged metric is empty are left out. */
  readonly results: readonly RollupResult[];
  /** Groups ranked (every group of the range with a value). */
  readonly groupsRanked: number;
}

const rankValue = (result: RollupResult, metric: string): number | undefined => {
  const value = result.metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/**
 * The top `limit` groups over a time range by a numeric metric of their merged windows: every group's
 * windows of the range are merged into one result ({@link rollup} with `every: 'all'`), then ranked. A
 * count or sum ranks by the range's total, a max by the range's max, a distinct count by the distinct
 * values of the whole range (not the sum of per-window counts), a mean by the range's mean. It costs
 * what the rollup costs: one Query per window on a rank index to list the groups, then one per group;
 * `maxQueries` bounds it. For a single window, `topGroups` answers with one Query on the metric's index.
 *
 * @throws {QueryInputError} for an unknown or non-numeric metric, a bad limit or range.
 * @throws {QueryCostError} when the range would take more than `maxQueries` Queries.
 * @example
 * const top = await topGroupsOverRange({
 *   client, tableName, definition: requestsByIp, metric: 'requests', limit: 10,
 *   fromMs: Date.parse('2026-11-21T00:00Z'), toMs: Date.parse('2026-11-22T00:00Z'),
 * });
 */
export const topGroupsOverRange = async (
  options: TopGroupsOverRangeOptions,
): Promise<TopGroupsOverRangeResult> => {
  const { definition, metric } = options;
  assertNumericMetric(definition, metric);
  const limit = options.limit ?? DEFAULT_TOP_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new QueryInputError(`The number of groups must be a positive integer (given ${limit})`);
  }
  const outcome = await rollup({ ...options, every: 'all' });
  const byGroup = compareResults(definition);
  const ranked = outcome.results
    .filter((r) => rankValue(r, metric) !== undefined)
    .sort((a, b) => (rankValue(b, metric) as number) - (rankValue(a, metric) as number) || byGroup(a, b));
  return { ...outcome, metric, results: ranked.slice(0, limit), groupsRanked: ranked.length };
};
