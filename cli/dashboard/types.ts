import type { MetricResult } from '../../shared/metrics/types.ts';

/** Record counts of a pipeline as its handler reports them (every delivery counts, as in CloudWatch). */
export interface DashboardCounters {
  readonly recordsIn: number;
  readonly folded: number;
  readonly rejected: number;
  readonly late: number;
}

/** One group's value in a bar chart. */
export interface GroupValue {
  /** The group's fields in `groupBy` order, joined by ` / ` (`all records` without `groupBy`). */
  readonly label: string;
  readonly group: Readonly<Record<string, string>>;
  readonly value: number | null;
}

/** One stored result as the page shows it: raw metric values (the page formats them). */
export interface ResultRow {
  readonly group: Readonly<Record<string, string>>;
  readonly window: { readonly start: string; readonly end: string };
  /** Records folded into the result. */
  readonly records: number;
  readonly metrics: Readonly<Record<string, MetricResult>>;
  readonly status: string;
  readonly updatedAt: string;
}

/** A metric over time for one group: one value per point of `starts` (null where the group had no result). */
export interface GroupSeries {
  readonly label: string;
  readonly group: Readonly<Record<string, string>>;
  readonly values: readonly (number | null)[];
}

/** Quantiles of one group over time, as bands. */
export interface QuantileBands {
  readonly metric: string;
  readonly label: string;
  readonly p50: readonly (number | null)[];
  readonly p90: readonly (number | null)[];
  readonly p99: readonly (number | null)[];
}

/** OHLC candles of one group over time: `[open, close, low, high]` per window or bucket (ECharts' order), or null. */
export interface Candles {
  readonly label: string;
  readonly metrics: {
    readonly open: string;
    readonly high: string;
    readonly low: string;
    readonly close: string;
  };
  readonly values: readonly (readonly [number, number, number, number] | null)[];
}

/** Everything the web dashboard shows of one pipeline at one moment. */
export interface DashboardView {
  readonly pipeline: string;
  readonly description: string;
  readonly groupBy: readonly string[];
  /** Numeric metrics, any of which can be drawn over time. */
  readonly numericMetrics: readonly string[];
  readonly metricNames: readonly string[];
  /** The metric of the bars and lines. */
  readonly metric: string | undefined;
  /** The newest complete window with data (or the newest partial one when no complete one has data). */
  readonly window: { readonly start: string; readonly end: string; readonly partial: boolean } | undefined;
  /** Every result of that window, as stored. */
  readonly results: readonly ResultRow[];
  /** Top groups of that window by `metric`. */
  readonly top: readonly GroupValue[];
  /** Top groups of the window still receiving records (partial), when it is not `window`. */
  readonly current: { readonly start: string; readonly top: readonly GroupValue[] } | undefined;
  /** The range of the charts over time: a number of windows (`30`), or a rollup range's id (`24h`). */
  readonly range: string;
  /** The range selector's choices for this pipeline: window ranges, and the rollup ranges its windows tile. */
  readonly ranges: readonly { readonly value: string; readonly label: string }[];
  /** Starts (ISO) of the points of the charts over time, oldest first: window starts, or bucket starts. */
  readonly starts: readonly string[];
  /** Distance between points, ms: the window advance, or the rollup's bucket length. */
  readonly stepMs: number;
  /** How the range was read: one stored window per point, or rollups (windows merged per hour or day). */
  readonly resolution: 'windows' | 'rollups';
  /** What a point of the charts over time is, and whether the newest one is partial. */
  readonly seriesNote: string | undefined;
  /** Why the charts over time are empty when they could not be read (e.g. a rollup past its cost guard). */
  readonly seriesError: string | undefined;
  readonly series: readonly GroupSeries[];
  readonly quantiles: QuantileBands | undefined;
  readonly candles: Candles | undefined;
  /** Undefined when nothing reports them. */
  readonly counters: DashboardCounters | undefined;
  /** What the counters cover, e.g. `since streamfold dev started` or `last hour (CloudWatch)`. */
  readonly countersSpan: string | undefined;
  /** Dead letters by reason for today (UTC); undefined when the dead-letter table cannot be read. */
  readonly deadLetters: Readonly<Record<string, number>> | undefined;
  /** How long ago the newest result shown was written, ms. */
  readonly resultsAgeMs: number | undefined;
  readonly nowMs: number;
}
