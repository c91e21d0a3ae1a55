import type { PipelineDefinition } from '../../shared/definition/types.ts';
import type { WindowResult } from '../../shared/fold/windowResult.ts';
import { QueryCostError, QueryInputError } from '../../shared/query/errors.ts';
import { latestWindow } from '../../shared/query/latestWindow.ts';
import { numericMetricNames } from '../../shared/query/numericMetrics.ts';
import { queryWindows } from '../../shared/query/queryWindows.ts';
import { topGroups } from '../../shared/query/topGroups.ts';
import type { QueryResult, ResultsTableTarget } from '../../shared/query/types.ts';
import { windowStartAtOrBefore } from '../../shared/query/windowStarts.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import { deadLetterCounts } from './deadLetterCounts.ts';
import { DashboardRequestError } from './errors.ts';
import type { RollupSeriesCache } from './RollupSeriesCache.ts';
import { canRollUp, rangeChoices, rollupRangeOf } from './ranges.ts';
import { DASHBOARD_MAX_ROLLUP_QUERIES, type SeriesSource, seriesSourceFor } from './seriesSource.ts';
import type {
  Candles,
  DashboardCounters,
  DashboardView,
  GroupValue,
  QuantileBands,
  ResultRow,
} from './types.ts';

/** Windows drawn over time when the page does not ask for another number. */
export const DEFAULT_RANGE_WINDOWS = 30;
/** At most this many windows over time (longer ranges are rollups: see `ROLLUP_RANGES`). */
export const MAX_RANGE_WINDOWS = 360;
/** Groups drawn over time when the page chooses none: the top ones of the latest window. */
export const DEFAULT_SERIES_GROUPS = 5;
/** Groups in the bar charts. */
export const TOP_BARS = 10;

/** Options of {@link loadDashboardView}. */
export interface DashboardViewOptions extends ResultsTableTarget {
  /** The pipeline's dead-letter table; its counts are left out without it. */
  readonly deadLetterTable?: string;
  /**
   * The metric of the bars and lines (a numeric metric of the pipeline).
   * @default - the first `rankBy` metric, else the first numeric metric
   */
  readonly metric?: string;
  /**
   * The groups drawn over time, each with every `groupBy` field.
   * @default - the top 5 groups of the latest window by `metric`
   */
  readonly groups?: readonly Readonly<Record<string, string>>[];
  /**
   * How many windows back the charts over time reach.
   * @default 30
   */
  readonly rangeWindows?: number;
  /**
   * A longer range read as rollups instead of windows: the id of one of `ROLLUP_RANGES` (`24h`, `7d`).
   * @default - the windows of `rangeWindows`
   */
  readonly rollupRange?: string;
  /**
   * Most Queries a rollup range may make per view; past it the charts over time say why they are empty.
   * @default 20
   */
  readonly maxRollupQueries?: number;
  /**
   * Rollup reads to reuse between views (the dashboard server keeps one for its lifetime).
   * @default - every view reads its rollup range afresh
   */
  readonly rollupCache?: RollupSeriesCache;
  /**
   * The current time, epoch ms.
   * @default Date.now()
   */
  readonly nowMs?: number;
  /** The pipeline's record counts, when something reports them (`streamfold dev`, CloudWatch). */
  readonly counters?: DashboardCounters | undefined;
  /** What the counters cover. */
  readonly countersSpan?: string | undefined;
}

const numberOf = (result: WindowResult | undefined, metric: string): number | null => {
  const value = result?.metrics[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

const labelOf = (definition: PipelineDefinition, group: Readonly<Record<string, string>>): string =>
  definition.groupBy.map((field) => group[field] ?? '').join(' / ') || 'all records';

const toRow = (r: QueryResult): ResultRow => ({
  group: r.group,
  window: r.window,
  records: r.records,
  metrics: r.metrics,
  status: r.status,
  updatedAt: r.updatedAt,
});

const ranked = (
  definition: PipelineDefinition,
  results: readonly QueryResult[],
  metric: string | undefined,
) =>
  [...results]
    .filter((r) => metric === undefined || numberOf(r, metric) !== null)
    .sort((a, b) => (metric === undefined ? 0 : (numberOf(b, metric) ?? 0) - (numberOf(a, metric) ?? 0)))
    .slice(0, TOP_BARS)
    .map(
      (r): GroupValue => ({
        label: labelOf(definition, r.group),
        group: r.group,
        value: metric === undefined ? r.records : numberOf(r, metric),
      }),
    );

/** A group's identity whatever the order of its fields: its values in `groupBy` order. */
const groupKeyOf = (definition: PipelineDefinition, group: Readonly<Record<string, string>>): string =>
  JSON.stringify(definition.groupBy.map((field) => group[field] ?? ''));

/** The source of the charts over time, or none when the pipeline's windows do not tile the rollup's buckets. */
const sourceOf = (
  options: DashboardViewOptions,
  nowMs: number,
): { source: SeriesSource | undefined; range: string; value: string; stepMs: number } => {
  const { definition } = options;
  const maxQueries = options.maxRollupQueries ?? DASHBOARD_MAX_ROLLUP_QUERIES;
  if (options.rollupRange !== undefined) {
    const rollup = rollupRangeOf(options.rollupRange);
    if (rollup === undefined) {
      throw new DashboardRequestError(
        `Unknown range ${JSON.stringify(options.rollupRange)} (rollup ranges: ${rangeChoices(definition)
          .filter((c) => !/^\d+$/.test(c.value))
          .map((c) => c.value)
          .join(', ')})`,
        400,
      );
    }
    const source = canRollUp(definition, rollup.everyMs)
      ? seriesSourceFor(definition, { rollup }, nowMs, maxQueries, options.rollupCache)
      : undefined;
    return {
      source,
      range: rollup.every === 'daily' ? 'a day' : 'an hour',
      value: rollup.id,
      stepMs: rollup.everyMs,
    };
  }
  const windows = Math.min(MAX_RANGE_WINDOWS, Math.max(1, options.rangeWindows ?? DEFAULT_RANGE_WINDOWS));
  return {
    source: seriesSourceFor(definition, { windows }, nowMs),
    range: `${windows} windows`,
    value: String(windows),
    stepMs: definition.window.advanceMs,
  };
};

/** What the page says under the chart over time: what a point is, and that the newest bucket is partial. */
const seriesNoteOf = (
  definition: PipelineDefinition,
  source: SeriesSource | undefined,
  nowMs: number,
  readAtMs: number,
): string | undefined => {
  if (source === undefined) return undefined;
  const { sizeMs, advanceMs } = definition.window;
  const size = formatDuration(sizeMs);
  if (source.range === undefined) {
    return `Each point is one stored window of ${size}${advanceMs !== sizeMs ? ` (a new one every ${formatDuration(advanceMs)})` : ''}, by its start (UTC).`;
  }
  const unit = source.range.every === 'daily' ? 'day' : 'hour';
  const what = advanceMs !== sizeMs ? `non-overlapping ${size} windows` : `${size} windows`;
  const newest = source.starts[source.starts.length - 1];
  const partial =
    newest !== undefined && newest + source.stepMs > nowMs
      ? ` The newest ${unit} (from ${new Date(newest)
          .toISOString()
          .slice(0, unit === 'day' ? 10 : 16)
          .replace('T', ' ')} UTC) is partial: it is still receiving records.`
      : '';
  const capital = source.range.every.charAt(0).toUpperCase() + source.range.every.slice(1);
  const age =
    readAtMs < nowMs
      ? ` Read ${Math.round((nowMs - readAtMs) / 1000)} s ago (a rollup is not read again on every refresh).`
      : '';
  return `${capital} rollups: each point merges the ${unit}'s ${what} (lines, quantiles and candles alike), by the ${unit}'s start (UTC).${partial}${age}`;
};

/** The first metrics of kinds first, max, min and last: a candle's open, high, low and close. */
const candleMetrics = (definition: PipelineDefinition): Candles['metrics'] | undefined => {
  const of = (kind: string): string | undefined =>
    definition.metricNames.find((name) => definition.metrics[name]?.kind === kind);
  const [open, high, low, close] = [of('first'), of('max'), of('min'), of('last')];
  return open && high && low && close ? { open, high, low, close } : undefined;
};

/**
 * Reads what the web dashboard shows of one pipeline, through the query library only (so it works the
 * same on `streamfold dev` and on a deployed stack): the newest complete window with data and all its
 * results; its top groups by a metric, and those of the window still receiving records (partial); the
 * metric over time for chosen groups (one Query per group), over the last `rangeWindows` windows or,
 * with `rollupRange`, over hours or days merged by the query library's `rollup` (see `seriesSourceFor`);
 * the first quantiles metric of the first group as p50/p90/p99 bands; candles when the pipeline has
 * first/max/min/last metrics; today's dead letters by reason; and how old the newest result is.
 *
 * A rollup that would pass its cost guard (`maxRollupQueries`), or one the pipeline's windows cannot
 * tile, leaves the charts over time empty with the reason in `seriesError`; the rest of the view is read.
 *
 * @throws {DashboardRequestError} for an unknown `rollupRange`.
 * @example
 * const view = await loadDashboardView({ client, tableName: 'streamfold-ohlc-results', definition: ohlc });
 * const day = await loadDashboardView({ client, tableName: 'streamfold-ohlc-results', definition: ohlc, rollupRange: '24h' });
 */
export const loadDashboardView = async (options: DashboardViewOptions): Promise<DashboardView> => {
  const { definition } = options;
  const nowMs = options.nowMs ?? Date.now();
  const target: ResultsTableTarget = {
    client: options.client,
    tableName: options.tableName,
    definition,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retry !== undefined ? { retry: options.retry } : {}),
  };
  const numericMetrics = numericMetricNames(definition);
  const metric = options.metric ?? definition.rankBy[0] ?? numericMetrics[0];
  const { window: spec } = definition;

  const latest = await latestWindow({ ...target, nowMs });
  const results =
    latest === undefined
      ? []
      : (await queryWindows({ ...target, nowMs, fromMs: latest.startMs, toMs: latest.startMs })).results;
  const currentStart = windowStartAtOrBefore(spec, nowMs);
  const current =
    metric !== undefined && latest !== undefined && latest.startMs !== currentStart
      ? await topGroups({ ...target, metric, windowStartMs: currentStart, nowMs, limit: TOP_BARS })
      : undefined;

  const top = ranked(definition, results, metric);
  const groups = options.groups ?? top.slice(0, DEFAULT_SERIES_GROUPS).map((g) => g.group);
  const chosen = sourceOf(options, nowMs);
  const { source } = chosen;
  let seriesError: string | undefined;
  let found: readonly WindowResult[] = [];
  let readAtMs = nowMs;
  if (source === undefined) {
    seriesError = `${definition.name}'s windows of ${formatDuration(spec.sizeMs)}${spec.advanceMs !== spec.sizeMs ? ` every ${formatDuration(spec.advanceMs)}` : ''} do not tile ${chosen.range}: choose another range`;
  } else {
    try {
      ({ results: found, readAtMs } = await source.read({ ...target, groups, nowMs }));
    } catch (error) {
      if (!(error instanceof QueryCostError || error instanceof QueryInputError)) throw error;
      seriesError =
        error instanceof QueryCostError
          ? `The ${source.range?.label ?? 'range'} would read ${error.planned} Queries per refresh (one per group drawn), more than the dashboard's limit of ${error.maxQueries}: choose fewer groups, or a range of windows`
          : error.message;
    }
  }
  const starts = source?.starts ?? [];
  const byGroup = new Map<string, Map<number, WindowResult>>();
  for (const r of found) {
    const key = groupKeyOf(definition, r.group);
    const points = byGroup.get(key) ?? new Map<number, WindowResult>();
    points.set(Date.parse(r.window.start), r);
    byGroup.set(key, points);
  }
  const perGroup = groups.map((group) => ({
    group,
    byStart: byGroup.get(groupKeyOf(definition, group)) ?? new Map<number, WindowResult>(),
  }));
  const series = perGroup.map(({ group, byStart }) => ({
    label: labelOf(definition, group),
    group,
    values: starts.map((s) => (metric === undefined ? null : numberOf(byStart.get(s), metric))),
  }));

  const quantileMetric = definition.metricNames.find(
    (name) => definition.metrics[name]?.kind === 'quantiles',
  );
  const first = perGroup[0];
  let quantiles: QuantileBands | undefined;
  if (quantileMetric !== undefined && first !== undefined) {
    const band = (key: string): (number | null)[] =>
      starts.map((s) => {
        const value = first.byStart.get(s)?.metrics[quantileMetric] as Record<string, number | null> | null;
        const v = value?.[key];
        return typeof v === 'number' ? v : null;
      });
    quantiles = {
      metric: quantileMetric,
      label: labelOf(definition, first.group),
      p50: band('p50'),
      p90: band('p90'),
      p99: band('p99'),
    };
  }
  const ohlc = candleMetrics(definition);
  let candles: Candles | undefined;
  if (ohlc !== undefined && first !== undefined) {
    candles = {
      label: labelOf(definition, first.group),
      metrics: ohlc,
      values: starts.map((s) => {
        const r = first.byStart.get(s);
        const [o, c, l, h] = [ohlc.open, ohlc.close, ohlc.low, ohlc.high].map((m) => numberOf(r, m));
        return typeof o === 'number' &&
          typeof c === 'number' &&
          typeof l === 'number' &&
          typeof h === 'number'
          ? ([o, c, l, h] as const)
          : null;
      }),
    };
  }

  let deadLetters: Record<string, number> | undefined;
  if (options.deadLetterTable !== undefined) {
    deadLetters = await deadLetterCounts({
      client: options.client,
      tableName: options.deadLetterTable,
      pipeline: definition.name,
      dayMs: nowMs,
    }).catch(() => undefined);
  }
  const written = [...results, ...(current?.results ?? [])]
    .map((r) => Date.parse(r.updatedAt))
    .filter((ms) => Number.isFinite(ms));
  return {
    pipeline: definition.name,
    description: definition.description,
    groupBy: definition.groupBy,
    numericMetrics,
    metricNames: definition.metricNames,
    metric,
    window:
      latest === undefined
        ? undefined
        : {
            start: new Date(latest.startMs).toISOString(),
            end: new Date(latest.endMs).toISOString(),
            partial: latest.partial,
          },
    results: results.map(toRow),
    top,
    current:
      current === undefined
        ? undefined
        : { start: current.window.start, top: ranked(definition, current.results, metric) },
    range: chosen.value,
    ranges: rangeChoices(definition),
    starts: starts.map((s) => new Date(s).toISOString()),
    stepMs: chosen.stepMs,
    resolution: options.rollupRange !== undefined ? 'rollups' : 'windows',
    seriesNote: seriesNoteOf(definition, source, nowMs, readAtMs),
    seriesError,
    series,
    quantiles,
    candles,
    counters: options.counters,
    countersSpan: options.counters === undefined ? undefined : options.countersSpan,
    deadLetters,
    resultsAgeMs: written.length === 0 ? undefined : Math.max(0, nowMs - Math.max(...written)),
    nowMs,
  };
};
