import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { compareResults } from '../fold/windowResult.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { formatDuration } from '../time/duration.ts';
import { DEFAULT_QUERY_CONCURRENCY } from './constants.ts';
import { QueryCostError, QueryInputError, type ScanNotAllowedError } from './errors.ts';
import { listWindows } from './listWindows.ts';
import {
  groupOf,
  type MergedWindows,
  mergeWindowItems,
  ROLLUP_ATTRIBUTES,
  type RollupResult,
} from './mergeWindowItems.ts';
import { type Expression, ResultsTableReader } from './ResultsTableReader.ts';
import { refuseScan } from './refuseScan.ts';
import { type RollupEvery, rollupPlan } from './rollupPlan.ts';
import { matchesGroup, selectGroup } from './selectGroup.ts';
import type { QueryStrategy, ResultsTableTarget } from './types.ts';
import { windowIndexOf } from './windowIndex.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

type Item = Record<string, AttributeValue>;

/** Queries a rollup may make before it stops and says what it would cost ({@link QueryCostError}). */
export const DEFAULT_MAX_ROLLUP_QUERIES = 500;

/** What a rollup has read so far, for a progress display. */
export interface RollupProgress {
  /** `list`: one Query per window on a rank index, listing the groups; `read`: one Query per group (or the Scan). */
  readonly phase: 'list' | 'read';
  readonly done: number;
  readonly total: number;
}

/** Options of {@link rollup}. */
export interface RollupOptions extends ResultsTableTarget {
  /** Start of the range, epoch ms (inclusive); rounded down to a bucket start (`all`: to a window start). */
  readonly fromMs: number;
  /** End of the range, epoch ms (exclusive); rounded up to a bucket end (`all`: to a window end). */
  readonly toMs: number;
  /**
   * Bucket length in ms, a multiple of the window size; buckets are aligned to multiples of it since the
   * epoch (UTC: `1d` buckets are UTC days). `'all'`: one bucket, the whole range.
   */
  readonly every: RollupEvery;
  /**
   * Only these groups. Each is group-by field → value; when every one gives every field, each group is
   * one Query on its partition (no listing). A group with some fields filters the listed groups.
   * @default - every group of the range, listed from a rank index
   */
  readonly groups?: readonly Readonly<Record<string, string>>[];
  /**
   * Strongly consistent reads of the table (twice the read units). Listing groups reads an index, which
   * is always eventually consistent.
   * @default false
   */
  readonly consistentRead?: boolean;
  /**
   * Most Queries (pages not counted) made before refusing with a {@link QueryCostError}.
   * @default 500
   */
  readonly maxQueries?: number;
  /**
   * Allows a Scan of the whole table: the only way to list the groups of a pipeline without a rank index
   * (no `rankBy`) when the groups are not given whole. A Scan reads every item of the table however short
   * the range, so `maxQueries` cannot bound it; without this, such a rollup is refused with a
   * {@link ScanNotAllowedError} that says how big the table is.
   * @default false
   */
  readonly allowScan?: boolean;
  /**
   * Queries in flight at once.
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * The current time, epoch ms: a bucket whose end is after it is `partial`.
   * @default Date.now()
   */
  readonly nowMs?: number;
  /** Called after each Query. */
  readonly onProgress?: (progress: RollupProgress) => void;
}

/** What {@link rollup} found, and what it cost. */
export interface RollupOutcome {
  /** Sorted by bucket start, then group; only (group, bucket)s with data. */
  readonly results: readonly RollupResult[];
  /** The range read, widened to whole buckets: `[fromMs, toMs)`. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly every: RollupEvery;
  /** `group`: one Query per given group; `rank-index`: one Query per window on a rank index to list the groups, then one per group; `scan`: one Scan of the whole table (no rank index; only with `allowScan`). */
  readonly strategy: QueryStrategy;
  /** The rank index that listed the groups. */
  readonly indexName: string | undefined;
  /** Query and Scan operations made (pages not counted). */
  readonly queries: number;
  /** DynamoDB requests made, pages and retries included. */
  readonly requests: number;
  /** Read capacity units DynamoDB reported. */
  readonly readUnits: number;
  /** Stored windows merged. */
  readonly windowsMerged: number;
  /** Hopping windows read but not merged: they overlap the windows that tile the buckets. */
  readonly windowsSkipped: number;
  /** False when the listing index can miss groups (its metric can be empty; see `windowIndexOf`). */
  readonly complete: boolean;
}

/**
 * Merges stored windows into buckets: per group and per `every` bucket (or one bucket for the whole
 * range), the mergeable states of every window that tiles the bucket are merged as the fold merges
 * batches, so counts, sums, min/max, means and variances are exact, quantiles (DDSketch, one mapping) and
 * distinct counts (HyperLogLog) are what one sketch of all the records would give, and top-k keeps its
 * bound (see `topK`). Results have the shape of `streamfold fold --json` results plus `windows` (how many
 * were merged), `open`, `partial` and `updatedAt`.
 *
 * Cost. Given complete groups: one Query per group on its partition (`pk = <pipeline>#<group key> AND sk
 * BETWEEN <first window> AND <last window>`), all pages: 0.5 read unit per 4 KB read (1 with
 * `consistentRead`), so a day of one-minute windows of one group (1,440 `requests-by-ip` items of ~0.8 KB)
 * is one Query of ~1.2 MB, 146 read units (on AWS a Query page stops at 1 MB, so that is two pages).
 * Each group's windows are merged as soon as they are read. Without complete
 * groups, the groups are listed first: one Query per window of the range on a rank index (see
 * `windowIndexOf`; at least 0.5 read unit each even when empty), then one Query per group. Before it
 * reads more than `maxQueries` Queries it stops with a {@link QueryCostError} that says how many the range
 * costs. A pipeline without a rank index can only be listed with a Scan of the whole table, whose cost
 * grows with the table, not the range, so `maxQueries` cannot bound it: that takes `allowScan: true`, and
 * is otherwise refused before anything is read.
 *
 * @throws {QueryInputError} for a bad range, interval or group field (see {@link rollupPlan}).
 * @throws {QueryCostError} when the read would take more than `maxQueries` Queries.
 * @throws {ScanNotAllowedError} when the read needs a Scan of the whole table and `allowScan` is not set.
 * @example
 * const { results } = await rollup({
 *   client, tableName: 'streamfold-requests-by-ip-results', definition: requestsByIp,
 *   fromMs: Date.parse('2026-11-21T00:00Z'), toMs: Date.parse('2026-11-22T00:00Z'), every: 3_600_000,
 *   groups: [{ ip: '203.0.113.9' }],
 * });
 * for (const r of results) console.log(r.window.start, r.metrics.requests, r.metrics.latency);
 */
export const rollup = async (options: RollupOptions): Promise<RollupOutcome> => {
  const { definition } = options;
  const plan = rollupPlan(definition, options.fromMs, options.toMs, options.every);
  const maxQueries = options.maxQueries ?? DEFAULT_MAX_ROLLUP_QUERIES;
  const concurrency = options.concurrency ?? DEFAULT_QUERY_CONCURRENCY;
  if (!Number.isInteger(maxQueries) || maxQueries < 1) {
    throw new QueryInputError(`maxQueries must be a positive integer (given ${maxQueries})`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new QueryInputError(`concurrency must be a positive integer (given ${concurrency})`);
  }
  const selections = (options.groups ?? []).map((group) => selectGroup(definition, group));
  const nowMs = options.nowMs ?? Date.now();
  const reader = new ResultsTableReader(options);
  const lastStart = plan.toMs - definition.window.advanceMs;
  let queries = 0;
  const refuse = (planned: number, what: string): never => {
    throw new QueryCostError(
      `Rolling up ${definition.name} from ${iso(plan.fromMs)} to ${iso(plan.toMs)} costs ${planned} Queries (${what})`,
      planned,
      maxQueries,
      queries,
    );
  };
  // Each group's windows are merged as soon as they are read, so memory holds results, not every window.
  const mergedParts: MergedWindows[] = [];
  const readAll = async <T>(
    keys: readonly T[],
    phase: RollupProgress['phase'],
    read: (key: T) => Promise<Item[]>,
  ): Promise<void> => {
    let done = 0;
    const settled = await mapLimit(keys, concurrency, async (key) => {
      const items = await read(key);
      queries += 1;
      done += 1;
      options.onProgress?.({ phase, done, total: keys.length });
      mergedParts.push(mergeWindowItems(definition, plan, items, nowMs));
    });
    for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  };
  const readGroup = (groupKey: string): Promise<Item[]> =>
    reader.items({
      keyCondition: {
        expression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        names: { '#pk': A.pk, '#sk': A.sk },
        values: {
          ':pk': { S: `${definition.name}#${groupKey}` },
          ':from': { S: iso(plan.fromMs) },
          ':to': { S: iso(lastStart) },
        },
      },
      attributes: ROLLUP_ATTRIBUTES,
      ...(options.consistentRead === true ? { consistentRead: true } : {}),
    });

  let strategy: QueryStrategy;
  let indexName: string | undefined;
  let complete = true;
  if (selections.length > 0 && selections.every((s) => s.groupKey !== undefined)) {
    strategy = 'group';
    const keys = [...new Set(selections.map((s) => s.groupKey as string))];
    if (keys.length > maxQueries) refuse(keys.length, `one per group, ${keys.length} groups`);
    await readAll(keys, 'read', readGroup);
  } else {
    const filters = selections.map((s) => s.fields);
    const wanted = (group: Readonly<Record<string, string>>): boolean =>
      filters.length === 0 || filters.some((fields) => matchesGroup(group, fields));
    const index = windowIndexOf(definition);
    if (index === undefined) {
      strategy = 'scan';
      if (options.allowScan !== true) {
        await refuseScan(
          reader,
          `Rolling up ${definition.name} from ${iso(plan.fromMs)} to ${iso(plan.toMs)}`,
          options.consistentRead === true,
        );
      }
      const filter: Expression = {
        expression: '#pl = :pl AND #ws BETWEEN :from AND :to',
        names: { '#pl': A.pipeline, '#ws': A.windowStart },
        values: {
          ':pl': { S: definition.name },
          ':from': { S: iso(plan.fromMs) },
          ':to': { S: iso(lastStart) },
        },
      };
      await readAll([filter], 'read', async (f) => {
        const scanned = await reader.items({
          filter: f,
          attributes: ROLLUP_ATTRIBUTES,
          ...(options.consistentRead === true ? { consistentRead: true } : {}),
        });
        return scanned.filter((item) => wanted(groupOf(definition, item)));
      });
    } else {
      strategy = 'rank-index';
      indexName = index.indexName;
      complete = index.complete;
      const windows = plan.windowCount;
      if (windows > maxQueries) {
        refuse(
          windows,
          `one per window to list the groups, ${windows} windows of ${formatDuration(plan.tileMs)}, then one per group`,
        );
      }
      const listed = await listWindows(reader, {
        indexName: index.indexName,
        windowStarts: plan.windowStarts,
        attributes: [A.groupKey, A.group],
        concurrency,
        onProgress: (done, total) => options.onProgress?.({ phase: 'list', done, total }),
      });
      queries += windows;
      const keys = new Set<string>();
      for (const item of listed) {
        const key = item[A.groupKey]?.S;
        if (key !== undefined && wanted(groupOf(definition, item))) keys.add(key);
      }
      const planned = windows + keys.size;
      if (planned > maxQueries) {
        refuse(planned, `${windows} to list the groups, one per group for ${keys.size} groups`);
      }
      await readAll([...keys].sort(), 'read', readGroup);
    }
  }

  return {
    results: mergedParts.flatMap((part) => part.results).sort(compareResults(definition)),
    fromMs: plan.fromMs,
    toMs: plan.toMs,
    every: options.every,
    strategy,
    indexName,
    queries,
    requests: reader.requests,
    readUnits: reader.readUnits,
    windowsMerged: mergedParts.reduce((n, part) => n + part.windowsMerged, 0),
    windowsSkipped: mergedParts.reduce((n, part) => n + part.windowsSkipped, 0),
    complete,
  };
};
