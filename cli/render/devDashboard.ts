import type { ShardStats } from '../../local/esm/types.ts';
import type { DemoCounts } from '../../local/runtime/DemoTraffic.ts';
import type { PipelineTotals } from '../../local/runtime/PipelineCounters.ts';
import type { QueryResult } from '../../shared/query/types.ts';
import { renderBarChart } from './barChart.ts';
import { formatValue } from './formatValue.ts';
import { renderTable } from './table.ts';

/** A titled view of some results (a table of windows, or a bar chart). */
export interface ResultPanel {
  readonly title: string;
  readonly kind: 'bars' | 'table';
  readonly metricNames: readonly string[];
  readonly groupBy: readonly string[];
  readonly results: readonly QueryResult[];
  /** For bars: the metric drawn. */
  readonly metric?: string;
}

/** Everything one frame of the `streamfold dev` dashboard shows. */
export interface DashboardSnapshot {
  readonly endpoints: { readonly kinesis: string; readonly dynamodb: string; readonly dynamodbKind: string };
  readonly pipelines: readonly {
    readonly name: string;
    readonly stream: string;
    readonly resultsTable: string;
    readonly produced: DemoCounts | undefined;
    readonly totals: PipelineTotals;
    readonly shards: readonly ShardStats[];
    /** How long ago the newest stored result shown was written (buffered mode writes once per flush). */
    readonly resultsAgeMs?: number | undefined;
  }[];
  readonly panels: readonly ResultPanel[];
  readonly recentLogs: readonly string[];
  readonly width: number;
  readonly demo: boolean;
  /** Commands to try, for the running pipelines only (see `devHints`). */
  readonly hints: readonly string[];
}

const n = (value: number): string => value.toLocaleString('en-US');

const shortTime = (iso: string): string => iso.slice(11, 16);

/**
 * Renders one frame of the live dashboard as text: endpoints, per-pipeline progress and shard lag,
 * result panels (bar charts and tables), and how to query the results.
 *
 * @example
 * process.stdout.write(renderDashboard(snapshot));
 */
export const renderDashboard = (snapshot: DashboardSnapshot): string => {
  const { endpoints, width } = snapshot;
  const out: string[] = [
    `streamfold dev${snapshot.demo ? ' --demo' : ''} — the pipeline on this machine (Ctrl-C to stop)`,
    `Kinesis  ${endpoints.kinesis}    DynamoDB  ${endpoints.dynamodb} (${endpoints.dynamodbKind})`,
    '',
  ];
  const rows = snapshot.pipelines.map((p) => {
    const lag = p.shards.map((s) => (s.state === 'polling' ? `${s.millisBehindLatest}` : '-'));
    return [
      p.name,
      p.stream,
      p.produced === undefined ? '-' : n(p.produced.produced),
      n(p.totals.recordsIn),
      n(p.totals.folded),
      n(p.totals.rejected),
      n(p.totals.late),
      n(p.totals.batches),
      n(p.shards.reduce((sum, s) => sum + s.failures, 0)),
      lag.join('/') || '-',
      p.resultsAgeMs === undefined ? '-' : `${Math.round(p.resultsAgeMs / 1000)} s`,
    ];
  });
  out.push(
    renderTable(
      [
        'pipeline',
        'stream',
        'produced',
        'in',
        'folded',
        'rejected',
        'late',
        'batches',
        'failures',
        'lag ms per shard',
        'results age',
      ],
      rows,
    ),
  );
  out.push(
    '',
    '(in/folded/rejected/late count every delivery, redeliveries included; DynamoDB holds each record once)',
  );
  for (const panel of snapshot.panels) {
    out.push('', panel.title);
    if (panel.results.length === 0) {
      out.push('  (no results yet)');
      continue;
    }
    if (panel.kind === 'bars' && panel.metric !== undefined) {
      const metric = panel.metric;
      out.push(
        renderBarChart(
          panel.results.map((r) => ({
            label: panel.groupBy.map((f) => r.group[f] ?? '').join(' '),
            value: typeof r.metrics[metric] === 'number' ? (r.metrics[metric] as number) : 0,
          })),
          { width: Math.min(width, 100) },
        ),
      );
      continue;
    }
    out.push(
      renderTable(
        ['window', ...panel.groupBy, ...panel.metricNames, 'status'],
        panel.results.map((r) => [
          `${shortTime(r.window.start)}–${shortTime(r.window.end)}`,
          ...panel.groupBy.map((f) => r.group[f] ?? ''),
          ...panel.metricNames.map((m) => formatValue(r.metrics[m] ?? null)),
          r.status,
        ]),
      ),
    );
  }
  if (snapshot.hints.length > 0) out.push('', ...snapshot.hints);
  if (snapshot.recentLogs.length > 0) {
    out.push(
      '',
      'Recent function warnings and errors:',
      ...snapshot.recentLogs.slice(-3).map((l) => `  ${l.slice(0, width - 2)}`),
    );
  }
  return `${out.join('\n')}\n`;
};
