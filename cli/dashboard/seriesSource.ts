import type { WindowResult } from '../../shared/fold/windowResult.ts';
import { queryWindows } from '../../shared/query/queryWindows.ts';
import { rollup } from '../../shared/query/rollup.ts';
import type { ResultsTableTarget } from '../../shared/query/types.ts';
import { windowStartAtOrBefore, windowStartsBetween } from '../../shared/query/windowStarts.ts';
import type { RollupSeriesCache } from './RollupSeriesCache.ts';
import type { RollupRange } from './ranges.ts';

/** Queries a rollup range may make per refresh of a pipeline's view before the page shows why not. */
export const DASHBOARD_MAX_ROLLUP_QUERIES = 20;

/** The groups of a chart over time, read at once. */
export interface SeriesRequest extends ResultsTableTarget {
  /** The groups drawn; a group with every `groupBy` field is one Query on its partition. */
  readonly groups: readonly Readonly<Record<string, string>>[];
  readonly nowMs: number;
}

/** What a {@link SeriesSource} read. */
export interface SeriesRead {
  /** Every result of the groups whose window (or bucket) starts at one of the source's `starts`. */
  readonly results: readonly WindowResult[];
  /** When they were read, epoch ms: earlier than `nowMs` when a rollup read was reused. */
  readonly readAtMs: number;
}

/** Where the dashboard's charts over time read their points, and which points they are. */
export interface SeriesSource {
  /** `windows`: one point per stored window; `rollups`: one per merged bucket (hour, day). */
  readonly resolution: 'windows' | 'rollups';
  /** Start of each point, epoch ms, oldest first: window starts, or bucket starts. */
  readonly starts: readonly number[];
  /** Distance between points: the window advance, or the bucket length. */
  readonly stepMs: number;
  /** The rollup range read, for `rollups`. */
  readonly range: RollupRange | undefined;
  read(request: SeriesRequest): Promise<SeriesRead>;
}

/**
 * Reads the stored windows themselves: the last `windows` window starts up to the one containing
 * `nowMs`, one Query per group for the whole range (as before rollups).
 *
 * @example
 * const source = windowSeriesSource(ohlc, 30, Date.now());
 */
export const windowSeriesSource = (
  definition: ResultsTableTarget['definition'],
  windows: number,
  nowMs: number,
): SeriesSource => {
  const spec = definition.window;
  const lastStart = windowStartAtOrBefore(spec, nowMs);
  const firstStart = lastStart - (windows - 1) * spec.advanceMs;
  return {
    resolution: 'windows',
    starts: windowStartsBetween(spec, firstStart, lastStart),
    stepMs: spec.advanceMs,
    range: undefined,
    read: async (request) => {
      const found = await Promise.all(
        request.groups.map(
          async (group) =>
            (
              await queryWindows({
                ...request,
                group,
                fromMs: firstStart,
                toMs: lastStart,
                nowMs: request.nowMs,
              })
            ).results,
        ),
      );
      return { results: found.flat(), readAtMs: request.nowMs };
    },
  };
};

/**
 * Reads a rollup range: the query library's `rollup` merges each group's windows into `range.every`
 * buckets (merged sketches, first/max/min/last and sums), the newest bucket the one holding `nowMs`
 * (partial). One `rollup` call for all the groups, so its cost guard (`maxQueries`) counts them together:
 * a group with every `groupBy` field is one Query; a partial group would list the groups window by
 * window first, and is refused by the guard for any range of a few hundred windows. With a `cache`, a
 * read of the same groups and buckets is reused for its `reuseMs` (the page refreshes every 2 s; an
 * hour's points barely move in that time, and each read reads every window of the range).
 *
 * @throws {QueryCostError} from `read` when the groups cost more than `maxQueries` Queries.
 * @example
 * const source = rollupSeriesSource(rollupRangeOf('24h')!, Date.now());
 */
export const rollupSeriesSource = (
  range: RollupRange,
  nowMs: number,
  maxQueries: number = DASHBOARD_MAX_ROLLUP_QUERIES,
  cache?: RollupSeriesCache,
): SeriesSource => {
  const toMs = Math.floor(nowMs / range.everyMs) * range.everyMs + range.everyMs;
  const fromMs = toMs - range.buckets * range.everyMs;
  return {
    resolution: 'rollups',
    starts: Array.from({ length: range.buckets }, (_, i) => fromMs + i * range.everyMs),
    stepMs: range.everyMs,
    range,
    read: async (request) => {
      // No group: nothing to draw (rollup would list every group of the range).
      if (request.groups.length === 0) return { results: [], readAtMs: request.nowMs };
      const { definition } = request;
      const key = JSON.stringify([
        request.tableName,
        definition.name,
        range.id,
        toMs,
        request.groups.map((group) => definition.groupBy.map((field) => group[field] ?? null)),
      ]);
      const kept = cache?.get(key, request.nowMs);
      if (kept !== undefined) return kept;
      const outcome = await rollup({
        ...request,
        fromMs,
        toMs,
        every: range.everyMs,
        groups: request.groups,
        nowMs: request.nowMs,
        maxQueries,
      });
      cache?.set(key, outcome.results, request.nowMs);
      return { results: outcome.results, readAtMs: request.nowMs };
    },
  };
};

/** What the page asked to draw over time. */
export type SeriesRange =
  | { readonly windows: number; readonly rollup?: undefined }
  | { readonly rollup: RollupRange; readonly windows?: undefined };

/**
 * The source of the charts over time for a range: the stored windows for a number of windows (at most
 * a few hundred, `MAX_RANGE_WINDOWS`), the query library's rollups for the longer ranges
 * (`ROLLUP_RANGES`: hours, days).
 *
 * @example
 * const source = seriesSourceFor({ rollup: rollupRangeOf('24h')! }, Date.now());
 * const results = await source.read({ client, tableName, definition, groups, nowMs });
 */
export const seriesSourceFor = (
  definition: ResultsTableTarget['definition'],
  range: SeriesRange,
  nowMs: number,
  maxRollupQueries: number = DASHBOARD_MAX_ROLLUP_QUERIES,
  cache?: RollupSeriesCache,
): SeriesSource =>
  range.rollup !== undefined
    ? rollupSeriesSource(range.rollup, nowMs, maxRollupQueries, cache)
    : windowSeriesSource(definition, range.windows, nowMs);
