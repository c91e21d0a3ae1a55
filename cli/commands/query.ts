import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import type { WindowResult } from '../../shared/fold/windowResult.ts';
import { assertNumericMetric, numericMetricNames } from '../../shared/query/numericMetrics.ts';
import { queryStrategy } from '../../shared/query/queryStrategy.ts';
import { type QueryWindowsResult, queryWindows } from '../../shared/query/queryWindows.ts';
import { DEFAULT_MAX_ROLLUP_QUERIES } from '../../shared/query/rollup.ts';
import { toReportResult } from '../../shared/query/toReportResult.ts';
import type { QueryResult } from '../../shared/query/types.ts';
import { windowStartsBetween } from '../../shared/query/windowStarts.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import { isComplete } from '../../shared/window/lateness.ts';
import { type AwsCliOptions, withAwsOptions } from '../awsOptions.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { formatValue } from '../render/formatValue.ts';
import { renderLineChart } from '../render/lineChart.ts';
import { renderTable } from '../render/table.ts';
import { writtenAgo } from '../render/writtenAgo.ts';
import {
  type CommandIo,
  chartWidth,
  explainQueryFailure,
  noticeOf,
  parseGroupOption,
  parseTimeOption,
  shortIso,
  withResultsTable,
} from './queryCommon.ts';
import { renderRollupChart, renderRollupTable, rollupDocument, runRollupQuery } from './queryRollup.ts';
import type { RollupCliOptions } from './rollupOptions.ts';
import { scanNotice } from './scanNotice.ts';

/** Options of `streamfold query`. */
export interface QueryCommandOptions extends AwsCliOptions {
  readonly group?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly metric?: string;
  readonly json?: boolean;
  readonly chart?: boolean;
  readonly table?: string;
}

/** Metric kinds whose values add up across groups (a total per window means something). */
const ADDITIVE_KINDS: readonly string[] = ['count', 'sum'];
const CHART_HEIGHT = 8;

/**
 * Reads a pipeline's stored results for `streamfold query`: validates the options, then queries.
 *
 * @throws {UsageError} for an unknown pipeline, group field or metric, a bad time or an empty range.
 * @example
 * const { outcome } = await runQuery('ohlc', { group: ['symbol=ACME'], from: '2026-11-21T08:00:00Z', endpoint });
 */
export const runQuery = async (
  pipelineRef: string,
  options: QueryCommandOptions,
  io: CommandIo = {},
): Promise<{
  definition: PipelineDefinition;
  outcome: QueryWindowsResult;
  metric: string | undefined;
  nowMs: number;
}> => {
  const definition = await loadPipeline(pipelineRef);
  if (options.json === true && options.chart === true) {
    throw new UsageError('--json and --chart cannot be combined: choose one output');
  }
  const group = parseGroupOption(definition, options.group);
  const fromMs = parseTimeOption('--from', options.from);
  const toMs = parseTimeOption('--to', options.to);
  let metric = options.metric;
  if (metric !== undefined) {
    try {
      assertNumericMetric(definition, metric);
    } catch (error) {
      throw explainQueryFailure(error, { tableName: '' });
    }
  } else if (options.chart === true) {
    metric = numericMetricNames(definition)[0];
    if (metric === undefined) {
      throw new UsageError(`Pipeline "${definition.name}" has no numeric metric to chart`);
    }
  }
  const nowMs = (io.now ?? Date.now)();
  const scans = queryStrategy(definition, group) === 'scan';
  const outcome = await withResultsTable(definition, options, (client, tableName) => {
    if (scans) {
      noticeOf(io)(
        scanNotice(
          definition,
          tableName,
          `query ${definition.name} without every group field (${definition.groupBy.join(', ')})`,
          'a Scan',
          `give every group field with --group (${definition.groupBy.map((field) => `${field}=…`).join(' ')}), or add rankBy to the pipeline`,
        ),
      );
    }
    return queryWindows({
      client,
      tableName,
      definition,
      group,
      nowMs,
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
    });
  });
  return { definition, outcome, metric, nowMs };
};

const describeCost = (outcome: QueryWindowsResult): string => {
  const requests = `${outcome.requests} request(s)`;
  if (outcome.strategy === 'group') return `${requests}: one Query on the group's partition`;
  if (outcome.strategy === 'scan')
    return `${requests}: a Scan of the whole table (the pipeline has no rankBy index)`;
  return `${requests}: one Query per window (${outcome.windowsQueried}) on index ${outcome.indexName}; give every group field with --group for a single Query`;
};

/**
 * A result's status as the CLI shows it: `partial` while its window has not ended (still receiving
 * records), then the stored `open` (late records may still change it) or `final`.
 *
 * @example
 * displayStatus(requestsByIp, result, Date.now()); // 'partial'
 */
export const displayStatus = (definition: PipelineDefinition, result: QueryResult, nowMs: number): string =>
  isComplete(definition.window, Date.parse(result.window.start), nowMs) ? result.status : 'partial';

/**
 * Renders query results as a table: a summary line, then window start, group fields, every metric and
 * the window's status (partial, open or final; see {@link displayStatus}).
 *
 * @example
 * write(renderQueryTable(definition, outcome, Date.now()));
 */
export const renderQueryTable = (
  definition: PipelineDefinition,
  outcome: QueryWindowsResult,
  nowMs: number = Date.now(),
): string => {
  const range = `window starts ${shortIso(new Date(outcome.fromMs).toISOString())} to ${shortIso(new Date(outcome.toMs).toISOString())}`;
  const out: string[] = [];
  if (outcome.results.length === 0) {
    out.push(
      `${definition.name}: no results with ${range} (${describeCost(outcome)}). Is data flowing? Widen the range with --from/--to.`,
    );
  } else {
    out.push(`${definition.name}: ${outcome.results.length} result(s), ${range} (${describeCost(outcome)})`);
    const headers = ['window start', ...definition.groupBy, ...definition.metricNames, 'status', 'written'];
    const rows = outcome.results.map((r) => [
      shortIso(r.window.start),
      ...definition.groupBy.map((field) => r.group[field] ?? ''),
      ...definition.metricNames.map((name) => formatValue(r.metrics[name] ?? null)),
      displayStatus(definition, r, nowMs),
      r.status === 'final' ? '' : writtenAgo(r.updatedAt, nowMs),
    ]);
    out.push('', renderTable(headers, rows));
    if (rows.some((row) => row[row.length - 2] === 'partial')) {
      out.push('', 'partial: the window has not ended and is still receiving records.');
    }
    if (rows.some((row) => row[row.length - 1] !== '')) {
      out.push(
        '',
        `written: when a window that is not final was last written${definition.flushEveryMs > 0 ? `; results are written every ${formatDuration(definition.flushEveryMs)} per shard (flushEvery), so newer records may not be in it yet` : ''}.`,
      );
    }
  }
  if (!outcome.complete) {
    out.push(
      '',
      `Note: index ${outcome.indexName} leaves out groups whose metric is empty; give every group field with --group to read them all.`,
    );
  }
  return out.join('\n');
};

/** The series a chart of `metric` shows, and what it is. */
interface ChartSeries<R extends WindowResult> {
  readonly what: string;
  readonly starts: readonly number[];
  readonly values: readonly (number | null)[];
  /** The results charted (those of the group shown, or all for a total). */
  readonly chosen: readonly R[];
}

const groupText = (definition: PipelineDefinition, group: Readonly<Record<string, string>>): string =>
  definition.groupBy.map((field) => `${field}=${group[field] ?? ''}`).join(' ') || 'all records';

const chartSeries = <R extends WindowResult>(
  definition: PipelineDefinition,
  results: readonly R[],
  metric: string,
  stepMs: number,
): ChartSeries<R> => {
  const first = Date.parse(results[0]?.window.start ?? '');
  const last = Date.parse(results[results.length - 1]?.window.start ?? '');
  const starts = windowStartsBetween({ ...definition.window, advanceMs: stepMs }, first, last);
  const additive = ADDITIVE_KINDS.includes(definition.metrics[metric]?.kind ?? '');
  const groups = new Map<string, { group: Readonly<Record<string, string>>; records: number }>();
  for (const r of results) {
    const key = JSON.stringify(definition.groupBy.map((field) => r.group[field]));
    const entry = groups.get(key) ?? { group: r.group, records: 0 };
    groups.set(key, { group: entry.group, records: entry.records + r.records });
  }
  const perWindow = (chosen: readonly R[]): (number | null)[] => {
    const byStart = new Map<number, number>();
    for (const r of chosen) {
      const value = r.metrics[metric];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const start = Date.parse(r.window.start);
      byStart.set(start, (byStart.get(start) ?? 0) + value);
    }
    return starts.map((s) => byStart.get(s) ?? (additive ? 0 : null));
  };
  if (groups.size > 1 && additive) {
    return { what: `total of ${groups.size} groups`, starts, values: perWindow(results), chosen: results };
  }
  let top: { group: Readonly<Record<string, string>>; records: number } | undefined;
  for (const entry of groups.values()) if (top === undefined || entry.records > top.records) top = entry;
  const chosen = top?.group ?? {};
  const what =
    groups.size > 1
      ? `${groupText(definition, chosen)}, the busiest of ${groups.size} groups (choose one with --group)`
      : groupText(definition, chosen);
  const key = JSON.stringify(definition.groupBy.map((field) => chosen[field]));
  const ofGroup = results.filter(
    (r) => JSON.stringify(definition.groupBy.map((field) => r.group[field])) === key,
  );
  return { what, starts, values: perWindow(ofGroup), chosen: ofGroup };
};

/**
 * Renders one numeric metric over time as a line chart. One group: that group's series. Several groups:
 * for a count or sum, the total per window; for other metrics (a max, a mean… do not add up), the series of
 * the group with the most records. Windows without a result count as 0 for a count or sum, and are gaps
 * otherwise. `stepMs` is the distance between points: the window advance, or a rollup's bucket length.
 * Points whose window (or bucket) has not ended, as `partial` says, are named in the title: their value
 * may still change, so a drop there need not be real.
 *
 * @example
 * write(renderQueryChart(definition, outcome.results, 'requests', 80, definition.window.advanceMs, (r) => displayStatus(definition, r, now) === 'partial'));
 */
export const renderQueryChart = <R extends WindowResult>(
  definition: PipelineDefinition,
  results: readonly R[],
  metric: string,
  width: number,
  stepMs: number = definition.window.advanceMs,
  partial: (result: R) => boolean = () => false,
): string => {
  if (results.length === 0) return `${definition.name}: no results to chart`;
  const series = chartSeries(definition, results, metric, stepMs);
  const unit = stepMs === definition.window.advanceMs ? 'window' : 'bucket';
  const partialPoints = new Set(series.chosen.filter(partial).map((r) => r.window.start)).size;
  const partialNote =
    partialPoints === 0
      ? ''
      : partialPoints === 1
        ? `; the last point is partial: its ${unit} has not ended and is still receiving records`
        : `; the last ${partialPoints} points are partial: their ${unit}s have not ended and are still receiving records`;
  const title = `${definition.name}: ${metric} per ${formatDuration(stepMs)} ${unit}, ${series.what}${partialNote}`;
  const chart = renderLineChart(series.values, {
    width,
    height: CHART_HEIGHT,
    startLabel: shortIso(new Date(series.starts[0] ?? 0).toISOString()),
    ...(series.starts.length > 1
      ? { endLabel: shortIso(new Date(series.starts[series.starts.length - 1] ?? 0).toISOString()) }
      : {}),
  });
  return chart === '' ? `${title}: no values` : `${title}\n\n${chart}`;
};

/**
 * Registers `streamfold query` on the program.
 *
 * @example
 * registerQuery(program);
 */
export const registerQuery = (program: Command, io: CommandIo = {}): void => {
  const write = io.write ?? ((text: string) => void process.stdout.write(text));
  withAwsOptions(
    program
      .command('query')
      .description("Read a pipeline's stored window results over a time range, for one group or all of them")
      .argument(
        '<pipeline>',
        'a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
      )
      .option(
        '--group <field=value...>',
        'only this group; every group-by field given = one Query, some = a filter (default: every group)',
      )
      .option('--from <iso>', 'earliest window start, ISO 8601 (default: one hour before --to)')
      .option('--to <iso>', 'latest window start, ISO 8601 (default: now)')
      .option('--metric <name>', 'numeric metric to chart (default: the first numeric metric)')
      .option(
        '--json',
        'print { pipeline, results } with results shaped as `streamfold fold --json`, plus "partial": true on a result whose window has not ended, and "updatedAt": the latest time a result that is not final was written (absent when all are final)',
      )
      .option(
        '--chart',
        'line chart of --metric over time: one group, or the total (count, sum) or busiest group of several',
      )
      .option('--table <name>', 'results table (default: streamfold-<pipeline>-results)')
      .option(
        '--every <interval>',
        'roll windows up: merge them per group into buckets of 1h, 1d, … (a multiple of the window size) or all for the whole range; --from/--to then bound [from, to), widened to whole buckets (default: one bucket before --to; with all, one hour)',
      )
      .option(
        '--max-queries <n>',
        `with --every: refuse to read more than n Queries (default: ${DEFAULT_MAX_ROLLUP_QUERIES})`,
      )
      .option(
        '--yes',
        'with --every: read however many Queries the range costs, and allow a Scan of the whole table (a pipeline without rankBy)',
      )
      .option('--consistent', 'with --every: strongly consistent reads of the table (twice the read units)'),
  )
    .addHelpText(
      'after',
      [
        '',
        'Rollups (--every): the mergeable state of each window is merged per group and bucket, so counts, sums,',
        'min/max, means and variances are exact, quantiles and distinct counts are those of one sketch of the',
        "bucket's records, and top-k keeps its bound. Given the whole group, a rollup is one Query (a day of",
        'one-minute windows of one group: ~1 MB, ~145 read units); otherwise the groups are first listed with one',
        'Query per window on a rank index, then read with one Query each. Past --max-queries it stops and says',
        'what the range costs (exit 2). A pipeline without rankBy has no index to list its groups: without the',
        'whole group that takes a Scan of the whole table, whose cost grows with the table, not the range, so it',
        'is refused (exit 2, with the size DynamoDB reports) unless --yes is given.',
        'Hopping windows: only those starting at a multiple of the window size',
        '(they tile the bucket) are merged, so no record counts twice. With --json a rollup prints { pipeline,',
        'every, from, to, results, cost }: results as `fold --json` plus windows (merged), open and partial.',
        '',
        'Without every group field, each window of the range costs one Query on a rank index (a day of',
        'one-minute windows is 1,440 Queries; at most 1,440 are read); with the whole group, one Query. A',
        'pipeline without rankBy has no rank index: without the whole group it is read with a Scan of the whole',
        'table (its cost grows with the table, not the range), which query notes on standard error first.',
        'Status: partial (the window has not ended: still receiving records), open (ended; late records, up to',
        'the allowed lateness, may still change it) or final. "written" says when a window that is not final',
        'was last written: with flushEvery, results land once per interval per shard.',
        '',
        'Examples:',
        '  streamfold query requests-by-ip --endpoint http://127.0.0.1:<dynamodb port of streamfold dev>',
        '  streamfold query requests-by-ip --group ip=203.0.113.9 --from 2026-11-21T08:00Z --to 2026-11-21T09:00Z',
        '  streamfold query ohlc --group symbol=ACME --chart --metric close',
        '  streamfold query ohlc --from 2026-11-21T08:30Z --json',
        '  streamfold query requests-by-ip --group ip=203.0.113.9 --every 1h --from 2026-11-21T00:00Z --to 2026-11-22T00:00Z',
        '  streamfold query ohlc --every 1d --from 2026-11-01T00:00Z --json --max-queries 2000',
        '  streamfold query sensor-stats --every all --chart --metric readings',
      ].join('\n'),
    )
    .action(
      async (pipelineRef: string, options: QueryCommandOptions & RollupCliOptions & { every?: string }) => {
        if (options.every !== undefined) {
          const rolled = await runRollupQuery(pipelineRef, { ...options, every: options.every }, io);
          if (options.json === true) {
            write(`${JSON.stringify(rollupDocument(rolled.definition, rolled.outcome), null, 2)}\n`);
          } else if (options.chart === true && rolled.metric !== undefined) {
            write(
              `${renderRollupChart(rolled.definition, rolled.outcome, rolled.metric, chartWidth(io), renderQueryChart)}\n`,
            );
          } else {
            write(`${renderRollupTable(rolled.definition, rolled.outcome)}\n`);
          }
          return;
        }
        if (options.maxQueries !== undefined || options.yes === true || options.consistent === true) {
          throw new UsageError('--max-queries, --yes and --consistent go with --every (a rollup)');
        }
        const { definition, outcome, metric, nowMs } = await runQuery(pipelineRef, options, io);
        if (options.json === true) {
          const results = outcome.results.map((r) =>
            displayStatus(definition, r, nowMs) === 'partial'
              ? { ...toReportResult(r), partial: true }
              : toReportResult(r),
          );
          const written = outcome.results
            .filter((r) => r.status !== 'final' && r.updatedAt !== '')
            .map((r) => r.updatedAt)
            .sort();
          const document = {
            pipeline: definition.name,
            ...(written.length > 0 ? { updatedAt: written[written.length - 1] } : {}),
            results,
          };
          write(`${JSON.stringify(document, null, 2)}\n`);
          return;
        }
        if (options.chart === true && metric !== undefined) {
          write(
            `${renderQueryChart(definition, outcome.results, metric, chartWidth(io), definition.window.advanceMs, (r) => displayStatus(definition, r, nowMs) === 'partial')}\n`,
          );
          return;
        }
        write(`${renderQueryTable(definition, outcome, nowMs)}\n`);
      },
    );
};
