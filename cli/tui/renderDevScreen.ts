import { renderBarChart } from '../render/barChart.ts';
import { formatValue } from '../render/formatValue.ts';
import { fitTable } from './fitTable.ts';
import { fitWidth, padWidth } from './fitWidth.ts';
import { shardTotals } from './shardTotals.ts';
import type { DashboardSnapshot, ResultPanel } from './types.ts';

/** The terminal's size and which pipeline the view shows. */
export interface DevScreenOptions {
  /** Terminal columns; no line of the frame is wider. */
  readonly columns: number;
  /** Terminal rows; the frame has exactly this many lines. */
  readonly rows: number;
  /** Index of the pipeline shown (wraps around). */
  readonly selected: number;
}

/** Escape sequences for the inverse-video title bar. */
const INVERSE = '\u001b[7m';
const RESET = '\u001b[0m';

const n = (value: number): string => value.toLocaleString('en-US');

const shortTime = (iso: string): string => iso.slice(11, 16);

/** The panel's body: a bar chart, or a table with the columns that fit. */
const panelBody = (panel: ResultPanel | undefined, columns: number): string[] => {
  if (panel === undefined) return ['  (no results panel for this pipeline)'];
  if (panel.results.length === 0) return ['  (no results yet)'];
  if (panel.kind === 'bars' && panel.metric !== undefined) {
    const metric = panel.metric;
    return renderBarChart(
      panel.results.map((r) => ({
        label: panel.groupBy.map((f) => r.group[f] ?? '').join(' '),
        value: typeof r.metrics[metric] === 'number' ? (r.metrics[metric] as number) : 0,
      })),
      { width: Math.max(1, columns - 2) },
    )
      .split('\n')
      .map((line) => `  ${line}`);
  }
  const table = fitTable(
    ['window', ...panel.groupBy, ...panel.metricNames],
    panel.results.map((r) => [
      `${shortTime(r.window.start)}–${shortTime(r.window.end)}`,
      ...panel.groupBy.map((f) => r.group[f] ?? ''),
      ...panel.metricNames.map((m) => formatValue(r.metrics[m] ?? null)),
    ]),
    Math.max(1, columns - 2),
  );
  const lines = table.lines.map((line) => `  ${line}`);
  if (table.hiddenColumns > 0) {
    lines.unshift(`  (+${table.hiddenColumns} more columns: widen the terminal, or see the web dashboard)`);
  }
  return lines;
};

/** Pipeline names as tabs, the selected one in brackets, starting far enough left to show it. */
const tabs = (names: readonly string[], selected: number, columns: number): string => {
  const labels = names.map((name, i) => (i === selected ? `[${i + 1} ${name}]` : ` ${i + 1} ${name} `));
  let first = 0;
  const width = (from: number, to: number): number =>
    labels.slice(from, to + 1).reduce((sum, l) => sum + l.length + 1, 0);
  while (first < selected && width(first, selected) > columns) first += 1;
  return `${first > 0 ? '…' : ''}${labels.slice(first).join(' ')}`;
};

/**
 * Renders one frame of the full-screen `streamfold dev` view: exactly `rows` lines, none wider than
 * `columns` (wide characters counted as two), for the selected pipeline only: its counters and shard lag,
 * how old its stored results are, its results panel (top groups as bars, or the latest window as a
 * table of the columns that fit), then the web dashboard's address and commands to query it. What does
 * not fit is cut, from the bottom of the panel first, then the hints.
 *
 * @example
 * const lines = renderDevScreen(snapshot, { columns: 80, rows: 24, selected: 0 });
 * process.stdout.write(`\u001b[H${lines.join('\r\n')}`);
 */
export const renderDevScreen = (snapshot: DashboardSnapshot, options: DevScreenOptions): string[] => {
  const columns = Math.max(1, options.columns);
  const rows = Math.max(1, options.rows);
  const count = snapshot.pipelines.length;
  const selected = count === 0 ? 0 : ((options.selected % count) + count) % count;
  const pipeline = snapshot.pipelines[selected];
  const keys = count > 1 ? '←/→ or 1-9: pipeline  q: quit' : 'q: quit';
  const title = `streamfold dev${snapshot.demo ? ' --demo' : ''}${pipeline === undefined ? '' : ` [${selected + 1}/${count}] ${pipeline.name}`}`;
  // The keys stay on the bar while it is wide enough for them and a useful title; the title is cut first.
  const bar =
    columns >= keys.length + 30
      ? `${padWidth(title, columns - keys.length - 1)} ${keys}`
      : padWidth(title, columns);
  const head: string[] = [`${INVERSE}${padWidth(bar, columns)}${RESET}`];
  head.push(
    fitWidth(
      tabs(
        snapshot.pipelines.map((p) => p.name),
        selected,
        columns,
      ),
      columns,
    ),
  );
  if (pipeline !== undefined) {
    const t = pipeline.totals;
    const lag = pipeline.shards.map((s) => (s.state === 'polling' ? `${s.millisBehindLatest}` : '-'));
    // What the event source mapping took from the stream, and of it what the handler has not reported yet
    // (in its batching window, or in flight): the handler's counters move only when a batch returns.
    const { read, waiting, failures } = shardTotals(pipeline.shards);
    head.push(
      fitWidth(`stream ${pipeline.stream} → table ${pipeline.resultsTable}`, columns),
      fitWidth(
        `in ${n(t.recordsIn)}  folded ${n(t.folded)}  rejected ${n(t.rejected)}  late ${n(t.late)}  batches ${n(t.batches)}  failures ${n(failures)}`,
        columns,
      ),
      fitWidth(
        [
          pipeline.produced === undefined
            ? undefined
            : `produced ${n(pipeline.produced.produced)} (malformed ${n(pipeline.produced.malformed)})`,
          `read ${n(read)} Kinesis records (${n(waiting)} waiting for the handler)`,
          `lag ${lag.join('/') || '-'} ms`,
          pipeline.resultsAgeMs !== undefined
            ? `results written ${Math.round(pipeline.resultsAgeMs / 1000)} s ago`
            : (pipeline.flushEveryMs ?? 0) > 0
              ? `no results stored yet: written at each flush, every ${(pipeline.flushEveryMs ?? 0) / 1000} s per shard`
              : 'no results stored yet',
        ]
          .filter((part) => part !== undefined)
          .join('  '),
        columns,
      ),
    );
  } else {
    head.push('no pipelines');
  }
  const panel = snapshot.panels.find((p) => p.pipeline === pipeline?.name);
  head.push('', fitWidth(panel?.title ?? 'Results', columns));
  const body = panelBody(panel, columns).map((line) => fitWidth(line, columns));

  const { endpoints } = snapshot;
  const foot: string[] = [
    `Kinesis ${endpoints.kinesis}  DynamoDB ${endpoints.dynamodb} (${endpoints.dynamodbKind})`,
  ];
  if (snapshot.dashboardUrl !== undefined) foot.push(`Web dashboard: ${snapshot.dashboardUrl}`);
  foot.push(...(pipeline?.hints ?? snapshot.hints));
  const message = snapshot.recentLogs.at(-1);
  if (message !== undefined) foot.push(`Last log: ${message}`);
  // The footer gives way to the panel: keep at least 3 panel rows (or what the body needs) when it can.
  const room = rows - head.length - 1;
  const footKept = Math.max(
    0,
    Math.min(foot.length, room - Math.min(body.length, Math.max(3, room - foot.length))),
  );
  const footLines = foot.slice(0, footKept).map((line) => fitWidth(line, columns));
  const bodyRows = Math.max(0, rows - head.length - (footKept > 0 ? footKept + 1 : 0));
  const lines = [...head, ...body.slice(0, bodyRows)];
  while (lines.length < rows - (footKept > 0 ? footKept : 0)) lines.push('');
  lines.push(...footLines);
  return lines.slice(0, rows);
};
