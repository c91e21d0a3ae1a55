import { compareResults } from '../fold/windowResult.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { resultKey } from '../storage/resultItem.ts';
import { formatDuration } from '../time/duration.ts';
import { DEFAULT_MAX_WINDOWS, DEFAULT_QUERY_CONCURRENCY, DEFAULT_QUERY_RANGE_MS } from './constants.ts';
import { QueryInputError } from './errors.ts';
import { ResultsTableReader } from './ResultsTableReader.ts';
import { matchesGroup, selectGroup } from './selectGroup.ts';
import type { QueryResult, QueryStrategy, ResultsTableTarget } from './types.ts';
import { windowKeyCondition, windowRangeFilter } from './windowConditions.ts';
import { windowIndexOf } from './windowIndex.ts';
import { countWindowStarts, windowStartsBetween } from './windowStarts.ts';

/** Options of {@link queryWindows}. */
export interface QueryWindowsOptions extends ResultsTableTarget {
  /**
   * Group-by field → value. Every field given: one group, read with one Query. Some fields: results are
   * filtered on them after reading every group of each window.
   * @default - every group
   */
  readonly group?: Readonly<Record<string, string>>;
  /**
   * Earliest window start, epoch ms (inclusive).
   * @default - one hour before `toMs`
   */
  readonly fromMs?: number;
  /**
   * Latest window start, epoch ms (inclusive).
   * @default - `nowMs`
   */
  readonly toMs?: number;
  /**
   * The current time, epoch ms (decides the default range).
   * @default Date.now()
   */
  readonly nowMs?: number;
  /**
   * Window queries in flight at once when reading window by window.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * Most windows read one by one without a complete group; a longer range is refused (it costs one Query
   * per window).
   * @default 1440
   */
  readonly maxWindows?: number;
}

/** What {@link queryWindows} found, and how. */
export interface QueryWindowsResult {
  /** Sorted by window start, then group (as `streamfold fold --json`). */
  readonly results: readonly QueryResult[];
  readonly fromMs: number;
  readonly toMs: number;
  readonly strategy: QueryStrategy;
  /** The index read when `strategy` is `rank-index`. */
  readonly indexName: string | undefined;
  /** Windows queried one by one (`rank-index`), else 0. */
  readonly windowsQueried: number;
  /** DynamoDB requests made, pages and retries included. */
  readonly requests: number;
  /**
   * False when the index read can miss items: its metric can be empty (e.g. a `min`), and an item without
   * it is not in the index. Give a complete group to read the table itself.
   */
  readonly complete: boolean;
}

/**
 * The stored results of a pipeline whose window starts in `[fromMs, toMs]`, sorted by window start then
 * group, in the shape of `streamfold fold --json` results (see `toReportResult`) plus `records`, `status`
 * and `updatedAt`.
 *
 * Cost. With every group-by field given: one Query on the table (`pk = <pipeline>#<group key> AND sk
 * BETWEEN from AND to`), 0.5 read unit per 4 KB read. Otherwise one Query per window in the range on a
 * ranking index (`windowKey = <pipeline>#<window start>`, all pages, `concurrency` at a time): at least
 * 0.5 read unit per window even when it is empty, so a day of one-minute windows is 1,440 Queries
 * (`maxWindows` refuses more). The index is a `rankBy` metric that every item has (a count, distinct or
 * sum; see `windowIndexOf`). A pipeline without any ranking index is read with a Scan of the whole table.
 * Index reads are eventually consistent.
 *
 * @throws {QueryInputError} for an unknown group field, an empty range or one of more than `maxWindows`.
 * @example
 * const { results } = await queryWindows({
 *   client, tableName: 'streamfold-requests-by-ip-results', definition: requestsByIp,
 *   group: { ip: '203.0.113.9' }, fromMs: Date.parse('2026-11-21T08:00Z'), toMs: Date.parse('2026-11-21T09:00Z'),
 * });
 */
export const queryWindows = async (options: QueryWindowsOptions): Promise<QueryWindowsResult> => {
  const { definition } = options;
  const selection = selectGroup(definition, options.group);
  const toMs = options.toMs ?? options.nowMs ?? Date.now();
  const fromMs = options.fromMs ?? toMs - DEFAULT_QUERY_RANGE_MS;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs > toMs) {
    throw new QueryInputError(
      `The time range is empty: from ${isoOrValue(fromMs)} is after to ${isoOrValue(toMs)}`,
    );
  }
  const reader = new ResultsTableReader(options);
  const sort = compareResults(definition);

  if (selection.groupKey !== undefined) {
    const from = resultKey(definition.name, selection.groupKey, fromMs);
    const results = await reader.query({
      expression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      names: { '#pk': A.pk, '#sk': A.sk },
      values: {
        ':pk': { S: from.pk },
        ':from': { S: from.sk },
        ':to': { S: new Date(toMs).toISOString() },
      },
    });
    return {
      results: results.sort(sort),
      fromMs,
      toMs,
      strategy: 'group',
      indexName: undefined,
      windowsQueried: 0,
      requests: reader.requests,
      complete: true,
    };
  }

  const index = windowIndexOf(definition);
  if (index === undefined) {
    const results = await reader.scan(windowRangeFilter(definition, fromMs, toMs));
    return {
      results: results.filter((r) => matchesGroup(r.group, selection.fields)).sort(sort),
      fromMs,
      toMs,
      strategy: 'scan',
      indexName: undefined,
      windowsQueried: 0,
      requests: reader.requests,
      complete: true,
    };
  }

  const maxWindows = options.maxWindows ?? DEFAULT_MAX_WINDOWS;
  const windows = countWindowStarts(definition.window, fromMs, toMs);
  if (windows > maxWindows) {
    throw new QueryInputError(
      `The range ${isoOrValue(fromMs)} to ${isoOrValue(toMs)} spans ${windows} windows of ${formatDuration(definition.window.advanceMs)}; without every group field (${definition.groupBy.join(', ')}) each window costs one Query, and at most ${maxWindows} are read: narrow the range or give the whole group`,
    );
  }
  const starts = windowStartsBetween(definition.window, fromMs, toMs);
  const settled = await mapLimit(starts, options.concurrency ?? DEFAULT_QUERY_CONCURRENCY, (start) =>
    reader.query(windowKeyCondition(definition, start), { indexName: index.indexName }),
  );
  const results: QueryResult[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'rejected') throw outcome.reason;
    for (const result of outcome.value)
      if (matchesGroup(result.group, selection.fields)) results.push(result);
  }
  return {
    results: results.sort(sort),
    fromMs,
    toMs,
    strategy: 'rank-index',
    indexName: index.indexName,
    windowsQueried: starts.length,
    requests: reader.requests,
    complete: index.complete,
  };
};

const isoOrValue = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));
