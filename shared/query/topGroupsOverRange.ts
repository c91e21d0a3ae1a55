import { compareResults } from '../fold/windowResult.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { DEFAULT_QUERY_CONCURRENCY, DEFAULT_TOP_LIMIT } from './constants.ts';
import { QueryCostError, QueryInputError } from './errors.ts';
import { listWindows } from './listWindows.ts';
import { groupOf, type RollupResult } from './mergeWindowItems.ts';
import { assertNumericMetric } from './numericMetrics.ts';
import { ResultsTableReader } from './ResultsTableReader.ts';
import { DEFAULT_MAX_ROLLUP_QUERIES, type RollupOptions, type RollupOutcome, rollup } from './rollup.ts';
import { rollupPlan } from './rollupPlan.ts';
import { windowIndexOf } from './windowIndex.ts';

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

/** How {@link topGroupsOverRange} ranked the groups. */
export type RangeRanking =
  /** From the per-window values the listing read (a count, sum, min or max); only the top groups were merged. */
  | 'window-values'
  /** Every group of the range was read and merged, then ranked. */
  | 'merged';

/** The top groups over a range, by a metric of their merged windows. */
export interface TopGroupsOverRangeResult extends Omit<RollupOutcome, 'results'> {
  readonly metric: string;
  /** Best first; ties by group. Groups whose merged metric is empty are left out. */
  readonly results: readonly RollupResult[];
  /** Groups ranked (every group of the range with a value). */
  readonly groupsRanked: number;
  readonly ranking: RangeRanking;
}

/**
 * Metric kinds whose value over a range follows exactly from its windows' values: a count is the sum of
 * the windows' counts, a max the max of their maxes. (A sum's readable value is a rounded double, so
 * adding them may differ from the merged exact sum in the last bit; near ties are read and merged too.)
 */
const FROM_WINDOW_VALUES: Readonly<Record<string, (a: number, b: number) => number>> = {
  count: (a, b) => a + b,
  sum: (a, b) => a + b,
  min: Math.min,
  max: Math.max,
};

/** Relative slack under the last ranked value within which a sum's group is read too (rounding of doubles). */
const SUM_TOLERANCE = 1e-9;

const rankValue = (result: RollupResult, metric: string): number | undefined => {
  const value = result.metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/**
 * The top `limit` groups over a time range by a numeric metric of their merged windows, each result the
 * merge of the group's windows of the range (as {@link rollup} with `every: 'all'`). A count or sum ranks
 * by the range's total, a max by the range's max, a distinct count by the distinct values of the whole
 * range (not the sum of per-window counts), a mean by the mean of all the range's records.
 *
 * Cost. The groups are listed with one Query per window on a rank index. For a count, sum, min or max,
 * the listing's readable per-window values already rank the groups, so only the top `limit` groups (and
 * any tied with the last) are then read, one Query each: windows + limit Queries (`ranking:
 * 'window-values'`). For other metrics every group of the range is read and merged (`ranking:
 * 'merged'`): windows + groups Queries. `maxQueries` bounds either. A pipeline without a rank index
 * is read as {@link rollup} reads it: with a Scan of the whole table, only with `allowScan`. For a single
 * window, `topGroups` answers with one Query on the metric's index.
 *
 * @throws {QueryInputError} for an unknown or non-numeric metric, a bad limit or range.
 * @throws {QueryCostError} when the range would take more than `maxQueries` Queries.
 * @throws {ScanNotAllowedError} when the range needs a Scan of the whole table and `allowScan` is not set.
 * @example
 * const top = await topGroupsOverRange({
 *   client, tableName, definition: requestsByIp, metric: 'requests', limit: 10,
 *   fromMs: Date.parse('2026-11-21T00:00Z'), toMs: Date.parse('2026-11-22T00:00Z'), maxQueries: 2_000,
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
  const byGroup = compareResults(definition);
  const best = (a: RollupResult, b: RollupResult): number =>
    (rankValue(b, metric) as number) - (rankValue(a, metric) as number) || byGroup(a, b);
  const combine = FROM_WINDOW_VALUES[definition.metrics[metric]?.kind ?? ''];
  const index = windowIndexOf(definition);
  if (combine === undefined || index === undefined || !index.complete || (options.groups?.length ?? 0) > 0) {
    const outcome = await rollup({ ...options, every: 'all' });
    const ranked = outcome.results.filter((r) => rankValue(r, metric) !== undefined).sort(best);
    return {
      ...outcome,
      metric,
      results: ranked.slice(0, limit),
      groupsRanked: ranked.length,
      ranking: 'merged',
    };
  }

  const plan = rollupPlan(definition, options.fromMs, options.toMs, 'all');
  const maxQueries = options.maxQueries ?? DEFAULT_MAX_ROLLUP_QUERIES;
  const windows = plan.windowCount;
  const refuse = (planned: number, spent: number, what: string): never => {
    throw new QueryCostError(
      `Ranking ${definition.name} from ${new Date(plan.fromMs).toISOString()} to ${new Date(plan.toMs).toISOString()} costs ${planned} Queries (${what})`,
      planned,
      maxQueries,
      spent,
    );
  };
  if (windows + 1 > maxQueries)
    refuse(windows + limit, 0, `${windows} to list the groups, then up to ${limit} for the top groups`);
  const reader = new ResultsTableReader(options);
  const listed = await listWindows(reader, {
    indexName: index.indexName,
    windowStarts: plan.windowStarts,
    attributes: [A.groupKey, A.group, metric],
    concurrency: options.concurrency ?? DEFAULT_QUERY_CONCURRENCY,
    onProgress: (done, total) => options.onProgress?.({ phase: 'list', done, total }),
  });
  const totals = new Map<string, { readonly group: Readonly<Record<string, string>>; value: number }>();
  for (const item of listed) {
    const value = Number(item[metric]?.N);
    const key = item[A.groupKey]?.S;
    if (key === undefined || !Number.isFinite(value)) continue;
    const entry = totals.get(key);
    if (entry === undefined) totals.set(key, { group: groupOf(definition, item), value });
    else entry.value = combine(entry.value, value);
  }
  const ranked = [...totals.values()].sort((a, b) => b.value - a.value);
  const last = ranked[Math.min(limit, ranked.length) - 1]?.value;
  const slack =
    definition.metrics[metric]?.kind === 'sum' && last !== undefined ? Math.abs(last) * SUM_TOLERANCE : 0;
  const candidates = last === undefined ? [] : ranked.filter((entry) => entry.value >= last - slack);
  if (windows + candidates.length > maxQueries) {
    refuse(
      windows + candidates.length,
      windows,
      `${windows} to list the groups, ${candidates.length} for the top groups`,
    );
  }
  const merged =
    candidates.length === 0
      ? undefined
      : await rollup({
          ...options,
          every: 'all',
          groups: candidates.map((entry) => entry.group),
          maxQueries: Math.max(1, maxQueries - windows),
        });
  const results = (merged?.results ?? []).filter((r) => rankValue(r, metric) !== undefined).sort(best);
  return {
    metric,
    results: results.slice(0, limit),
    groupsRanked: totals.size,
    ranking: 'window-values',
    fromMs: plan.fromMs,
    toMs: plan.toMs,
    every: 'all',
    strategy: 'rank-index',
    indexName: index.indexName,
    queries: windows + (merged?.queries ?? 0),
    requests: reader.requests + (merged?.requests ?? 0),
    readUnits: reader.readUnits + (merged?.readUnits ?? 0),
    windowsMerged: merged?.windowsMerged ?? 0,
    windowsSkipped: merged?.windowsSkipped ?? 0,
    complete: true,
  };
};
