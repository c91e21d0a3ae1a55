import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { latestWindow } from '../../shared/query/latestWindow.ts';
import { numericMetricNames } from '../../shared/query/numericMetrics.ts';
import { queryWindows } from '../../shared/query/queryWindows.ts';
import { topGroups } from '../../shared/query/topGroups.ts';
import type { QueryResult, ResultsTableTarget } from '../../shared/query/types.ts';
import { windowStartAtOrBefore, windowStartsBetween } from '../../shared/query/windowStarts.ts';
import { deadLetterCounts } from './deadLetterCounts.ts';
import { seriesSourceFor } from './seriesSource.ts';
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
/** At most this many windows over time (past it, rollups are the answer: see `seriesSourceFor`). */
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
   * The current time, epoch ms.
   * @default Date.now()
   */
  readonly nowMs?: number;
  /** The pipeline's record counts, when something reports them (`streamfold dev`, CloudWatch). */
  readonly counters?: DashboardCounters | undefined;
  /** What the counters cover. */
  readonly countersSpan?: string | undefined;
}

const numberOf = (result: QueryResult | undefined, metric: string): number | null => {
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
 * metric over the last `rangeWindows` windows for chosen groups (one Query per group); the first
 * quantiles metric of the first group as p50/p90/p99 bands; candles when the pipeline has first/max/
 * min/last metrics; today's dead letters by reason; and how old the newest result is.
 *
 * @example
 * const view = await loadDashboardView({ client, tableName: 'streamfold-ohlc-results', definition: ohlc });
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
  const rangeWindows = Math.min(
    MAX_RANGE_WINDOWS,
    Math.max(1, options.rangeWindows ?? DEFAULT_RANGE_WINDOWS),
  );
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

  const lastStart = currentStart;
  const firstStart = lastStart - (rangeWindows - 1) * spec.advanceMs;
  const starts = windowStartsBetween(spec, firstStart, lastStart);
  const top = ranked(definition, results, metric);
  const groups = options.groups ?? top.slice(0, DEFAULT_SERIES_GROUPS).map((g) => g.group);
  const source = seriesSourceFor(definition, lastStart - firstStart);
  const perGroup = await Promise.all(
    groups.map(async (group) => {
      const found = await source.read({ ...target, group, fromMs: firstStart, toMs: lastStart, nowMs });
      const byStart = new Map(found.map((r) => [Date.parse(r.window.start), r]));
      return { group, byStart };
    }),
  );
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
    starts: starts.map((s) => new Date(s).toISOString()),
    resolution: source.resolution,
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
