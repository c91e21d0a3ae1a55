import { compareResults } from '../fold/windowResult.ts';
import { rankIndexName } from '../storage/attributes.ts';
import { isComplete } from '../window/lateness.ts';
import { DEFAULT_TOP_LIMIT } from './constants.ts';
import { QueryInputError } from './errors.ts';
import { findLatestWindowStart } from './latestWindow.ts';
import { assertNumericMetric } from './numericMetrics.ts';
import { ResultsTableReader } from './ResultsTableReader.ts';
import type { QueryResult, ResultsTableTarget } from './types.ts';
import { windowKeyCondition, windowRangeFilter } from './windowConditions.ts';
import { windowIndexOf } from './windowIndex.ts';
import { windowStartAtOrBefore } from './windowStarts.ts';

/** Options of {@link topGroups}. */
export interface TopGroupsOptions extends ResultsTableTarget {
  /** A numeric metric of the pipeline. */
  readonly metric: string;
  /**
   * The window, as its start or any time inside it (the newest window starting at or before it is used).
   * @default - the newest complete window with data among the last `searchWindows`, else the newest partial
   * one with data (see `latestWindow`)
   */
  readonly windowStartMs?: number;
  /**
   * How many groups.
   * @default 10
   */
  readonly limit?: number;
  /**
   * The current time, epoch ms (where the search for the latest window starts).
   * @default Date.now()
   */
  readonly nowMs?: number;
  /**
   * How many windows back to look for data when no window is given.
   * @default 60
   */
  readonly searchWindows?: number;
}

/** How the window of a {@link topGroups} answer was chosen. */
export type WindowChoice =
  /** Given by the caller. */
  | 'given'
  /** The newest complete window (its end has passed) with data. */
  | 'latest'
  /** No complete window of the search had data: the newest partial one (still receiving records) with data. */
  | 'latest-partial'
  /** No window of the search had data: the newest complete window, with no results. */
  | 'none-found';

/** The top groups of one window. */
export interface TopGroupsResult {
  readonly metric: string;
  readonly window: { readonly start: string; readonly end: string };
  readonly windowChoice: WindowChoice;
  /** The window has not ended at `nowMs`: it is still receiving records, its ranking may change a lot. */
  readonly partial: boolean;
  /** Best first; ties by group. Groups whose metric is empty are left out. */
  readonly results: readonly QueryResult[];
  /** True when answered by the metric's own ranking index; false when every group of the window was read and sorted here. */
  readonly indexed: boolean;
  /** The index read (the metric's, or the one listing every group of the window). */
  readonly indexName: string | undefined;
  /** DynamoDB requests made, the latest-window search included. */
  readonly requests: number;
}

const metricValue = (result: QueryResult, metric: string): number | undefined => {
  const value = result.metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/**
 * The top `limit` groups of a window by a numeric metric. When the metric is in `rankBy` this is one
 * Query on its `rank-<metric>` index (`windowKey = …`, descending, `Limit: limit`): it reads only the
 * groups returned. Otherwise every group of the window is read (one Query on the pipeline's window index,
 * all pages; a pipeline without any rank index: a Scan of the whole table, filtered on the window) and
 * sorted here: `indexed: false` says so, and the cost grows with the number of groups (with the table for
 * a Scan, `indexName` then undefined).
 * Without a window, the newest complete window with data is found first (see `latestWindow`): the current
 * window, just after it starts, holds few records and would rank by accident.
 *
 * @throws {QueryInputError} when the metric is unknown or not numeric, or the limit is not a positive integer.
 * @example
 * const top = await topGroups({ client, tableName, definition: requestsByIp, metric: 'requests', limit: 10 });
 * for (const r of top.results) console.log(r.group.ip, r.metrics.requests);
 */
export const topGroups = async (options: TopGroupsOptions): Promise<TopGroupsResult> => {
  const { definition, metric } = options;
  assertNumericMetric(definition, metric);
  const limit = options.limit ?? DEFAULT_TOP_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new QueryInputError(`The number of groups must be a positive integer (given ${limit})`);
  }
  const reader = new ResultsTableReader(options);
  const nowMs = options.nowMs ?? Date.now();
  let windowChoice: WindowChoice = 'given';
  let startMs: number;
  if (options.windowStartMs !== undefined) {
    startMs = windowStartAtOrBefore(definition.window, options.windowStartMs);
  } else {
    const latest = await findLatestWindowStart(reader, { ...options, nowMs });
    windowChoice = latest === undefined ? 'none-found' : latest.partial ? 'latest-partial' : 'latest';
    startMs = latest?.startMs ?? windowStartAtOrBefore(definition.window, nowMs - definition.window.sizeMs);
  }
  const window = {
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + definition.window.sizeMs).toISOString(),
  };
  const partial = !isComplete(definition.window, startMs, nowMs);
  const byGroup = compareResults(definition);
  const best = (a: QueryResult, b: QueryResult): number =>
    (metricValue(b, metric) ?? 0) - (metricValue(a, metric) ?? 0) || byGroup(a, b);
  const indexed = definition.rankBy.includes(metric);
  const base = { metric, window, windowChoice, partial, indexed };
  if (windowChoice === 'none-found') {
    const indexName = indexed ? rankIndexName(metric) : windowIndexOf(definition)?.indexName;
    return { ...base, results: [], indexName, requests: reader.requests };
  }
  if (indexed) {
    const indexName = rankIndexName(metric);
    const results = await reader.query(windowKeyCondition(definition, startMs), {
      indexName,
      descending: true,
      limit,
    });
    return { ...base, results: results.sort(best), indexName, requests: reader.requests };
  }
  const index = windowIndexOf(definition);
  const all =
    index === undefined
      ? await reader.scan(windowRangeFilter(definition, startMs, startMs))
      : await reader.query(windowKeyCondition(definition, startMs), { indexName: index.indexName });
  const results = all
    .filter((r) => metricValue(r, metric) !== undefined)
    .sort(best)
    .slice(0, limit);
  return { ...base, results, indexName: index?.indexName, requests: reader.requests };
};
