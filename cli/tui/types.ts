import type { ShardStats } from '../../local/esm/types.ts';
import type { DemoCounts } from '../../local/runtime/DemoTraffic.ts';
import type { PipelineTotals } from '../../local/runtime/PipelineCounters.ts';
import type { QueryResult } from '../../shared/query/types.ts';

/** A titled view of one pipeline's results (a table of windows, or a bar chart). */
export interface ResultPanel {
  /** The pipeline whose results these are. */
  readonly pipeline: string;
  readonly title: string;
  readonly kind: 'bars' | 'table';
  readonly metricNames: readonly string[];
  readonly groupBy: readonly string[];
  readonly results: readonly QueryResult[];
  /** For bars: the metric drawn. */
  readonly metric?: string;
}

/** One running pipeline as the terminal view shows it. */
export interface PipelineView {
  readonly name: string;
  readonly stream: string;
  readonly resultsTable: string;
  readonly produced: DemoCounts | undefined;
  readonly totals: PipelineTotals;
  readonly shards: readonly ShardStats[];
  /** How long ago the newest stored result shown was written (buffered mode writes once per flush). */
  readonly resultsAgeMs?: number | undefined;
  /** How often buffered results are written per shard (`--flush-every`); 0 or absent: every batch. */
  readonly flushEveryMs?: number | undefined;
  /** Commands to try on this pipeline (see `devHints`). */
  readonly hints?: readonly string[];
}

/** Everything one frame of the `streamfold dev` terminal view shows. */
export interface DashboardSnapshot {
  readonly endpoints: { readonly kinesis: string; readonly dynamodb: string; readonly dynamodbKind: string };
  readonly pipelines: readonly PipelineView[];
  readonly panels: readonly ResultPanel[];
  readonly recentLogs: readonly string[];
  readonly demo: boolean;
  /** Commands to try, for the running pipelines (see `devHints`); a pipeline's own `hints` come first. */
  readonly hints: readonly string[];
  /** The web dashboard's address, token included, when it runs. */
  readonly dashboardUrl?: string | undefined;
}
