import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { DEFAULT_SEARCH_WINDOWS } from '../../shared/query/constants.ts';
import { assertNumericMetric } from '../../shared/query/numericMetrics.ts';
import { DEFAULT_MAX_ROLLUP_QUERIES } from '../../shared/query/rollup.ts';
import { type TopGroupsResult, topGroups } from '../../shared/query/topGroups.ts';
import { toReportResult } from '../../shared/query/toReportResult.ts';
import { windowIndexOf } from '../../shared/query/windowIndex.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import { type AwsCliOptions, withAwsOptions } from '../awsOptions.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { renderBarChart } from '../render/barChart.ts';
import { formatValue } from '../render/formatValue.ts';
import { renderTable } from '../render/table.ts';
import { writtenAgo } from '../render/writtenAgo.ts';
import {
  type CommandIo,
  chartWidth,
  explainQueryFailure,
  noticeOf,
  parseTimeOption,
  shortIso,
  withResultsTable,
} from './queryCommon.ts';
import { scanNotice } from './scanNotice.ts';
import {
  chooseTopRange,
  renderTopRangeChart,
  renderTopRangeTable,
  runTopRange,
  type TopRangeOptions,
  topRangeDocument,
} from './topRange.ts';

/** Options of `streamfold top`. */
export interface TopCommandOptions extends AwsCliOptions {
  readonly metric: string;
  readonly window?: string;
  readonly limit?: string;
  readonly json?: boolean;
  readonly chart?: boolean;
  readonly table?: string;
}

/**
 * Ranks the groups of a window for `streamfold top`: validates the options, then queries.
 *
 * @throws {UsageError} for an unknown pipeline or metric, a non-numeric metric, a bad time or count.
 * @example
 * const { top } = await runTop('requests-by-ip', { metric: 'requests', limit: '5', endpoint });
 */
export const runTop = async (
  pipelineRef: string,
  options: TopCommandOptions,
  io: CommandIo = {},
): Promise<{ definition: PipelineDefinition; top: TopGroupsResult; nowMs: number }> => {
  const definition = await loadPipeline(pipelineRef);
  if (options.json === true && options.chart === true) {
    throw new UsageError('--json and --chart cannot be combined: choose one output');
  }
  try {
    assertNumericMetric(definition, options.metric);
  } catch (error) {
    throw explainQueryFailure(error, { tableName: '' });
  }
  const limitText = options.limit ?? '10';
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1) {
    throw new UsageError(`-n must be a positive whole number of groups (given "${limitText}")`);
  }
  const windowStartMs = parseTimeOption('--window', options.window);
  const nowMs = (io.now ?? Date.now)();
  const top = await withResultsTable(definition, options, (client, tableName) => {
    if (windowIndexOf(definition) === undefined) {
      noticeOf(io)(
        scanNotice(
          definition,
          tableName,
          `top ${definition.name}`,
          windowStartMs === undefined
            ? 'two Scans (one to find the latest window with data, one to read it)'
            : 'a Scan',
          'add rankBy to the pipeline',
        ),
      );
    }
    return topGroups({
      client,
      tableName,
      definition,
      metric: options.metric,
      limit: Number(limitText),
      nowMs,
      ...(windowStartMs !== undefined ? { windowStartMs } : {}),
    });
  });
  return { definition, top, nowMs };
};

const windowText = (top: TopGroupsResult): string =>
  `window ${shortIso(top.window.start)} to ${shortIso(top.window.end)}`;

/** Why this window, and whether it is still filling up. */
const windowNote = (top: TopGroupsResult): string => {
  if (top.windowChoice === 'latest') return ', the latest complete window with data';
  if (top.windowChoice === 'latest-partial') {
    return `, PARTIAL: the window has not ended and is still receiving records (no complete window of the last ${DEFAULT_SEARCH_WINDOWS} has data)`;
  }
  return top.partial ? ', PARTIAL: the window has not ended and is still receiving records' : '';
};

/** The newest `updatedAt` of the results when the window is not final yet (else undefined). */
export const openWindowWrittenAt = (top: TopGroupsResult): string | undefined => {
  if (top.results.every((r) => r.status === 'final')) return undefined;
  return top.results.reduce<string | undefined>(
    (max, r) => (r.updatedAt !== '' && (max === undefined || r.updatedAt > max) ? r.updatedAt : max),
    undefined,
  );
};

const describeTop = (definition: PipelineDefinition, top: TopGroupsResult, nowMs: number): string => {
  const how = top.indexed
    ? `one Query on index ${top.indexName}`
    : `not indexed: every group of the window read${top.indexName === undefined ? ' with a Scan of the whole table' : ''} and sorted here; add "${top.metric}" to rankBy for a one-Query answer`;
  const written = openWindowWrittenAt(top);
  const freshness = written === undefined ? '' : `; not final, last written ${writtenAgo(written, nowMs)}`;
  return `${definition.name}: top ${top.results.length} group(s) by ${top.metric}, ${windowText(top)}${windowNote(top)}${freshness} (${how})`;
};

const noData = (definition: PipelineDefinition, top: TopGroupsResult): string | undefined => {
  if (top.windowChoice === 'none-found') {
    const span = formatDuration(DEFAULT_SEARCH_WINDOWS * definition.window.advanceMs);
    return `${definition.name}: no data in the last ${DEFAULT_SEARCH_WINDOWS} windows (${span}); is the pipeline running? Give --window to rank an older window.`;
  }
  if (top.results.length === 0)
    return `${definition.name}: no ${top.metric} results in the ${windowText(top)}${windowNote(top)}`;
  return undefined;
};

const labelOf = (definition: PipelineDefinition, group: Readonly<Record<string, string>>): string =>
  definition.groupBy.map((field) => group[field] ?? '').join(' ') || '(all)';

/**
 * Renders a top-groups answer as a table: rank, group fields, the ranked metric, then the other metrics.
 *
 * @example
 * write(renderTopTable(definition, top));
 */
export const renderTopTable = (
  definition: PipelineDefinition,
  top: TopGroupsResult,
  nowMs: number = Date.now(),
): string => {
  const empty = noData(definition, top);
  if (empty !== undefined) return empty;
  const metrics = [top.metric, ...definition.metricNames.filter((name) => name !== top.metric)];
  const headers = ['#', ...definition.groupBy, ...metrics];
  const rows = top.results.map((r, i) => [
    String(i + 1),
    ...definition.groupBy.map((field) => r.group[field] ?? ''),
    ...metrics.map((name) => formatValue(r.metrics[name] ?? null)),
  ]);
  return `${describeTop(definition, top, nowMs)}\n\n${renderTable(headers, rows)}`;
};

/**
 * Renders a top-groups answer as a horizontal bar chart of the ranked metric.
 *
 * @example
 * write(renderTopChart(definition, top, 80));
 */
export const renderTopChart = (
  definition: PipelineDefinition,
  top: TopGroupsResult,
  width: number,
  nowMs: number = Date.now(),
): string => {
  const empty = noData(definition, top);
  if (empty !== undefined) return empty;
  const bars = top.results.map((r) => {
    const value = r.metrics[top.metric];
    return { label: labelOf(definition, r.group), value: typeof value === 'number' ? value : 0 };
  });
  return `${describeTop(definition, top, nowMs)}\n\n${renderBarChart(bars, { width })}`;
};

/**
 * Registers `streamfold top` on the program.
 *
 * @example
 * registerTop(program);
 */
export const registerTop = (program: Command, io: CommandIo = {}): void => {
  const write = io.write ?? ((text: string) => void process.stdout.write(text));
  withAwsOptions(
    program
      .command('top')
      .description(
        'Rank the groups of one window, or of a range, by a numeric metric (top client IPs of a minute, of a day, …)',
      )
      .argument(
        '<pipeline>',
        'a pipeline of your config (--config, else streamfold.config.ts here or above, else the built-in examples) or a module path[#name]',
      )
      .requiredOption('--metric <name>', 'numeric metric to rank by (one Query when it is in rankBy)')
      .option(
        '--window <iso>',
        'the window starting at or before this ISO 8601 time (default: the latest complete window with data, see below)',
      )
      .option('-n, --limit <count>', 'how many groups (default: 10)')
      .option(
        '--json',
        'print { pipeline, metric, window: { start, end }, partial, updatedAt (when not final: last written), results } (results as fold --json)',
      )
      .option('--chart', 'bar chart of the metric')
      .option('--table <name>', 'results table (default: streamfold-<pipeline>-results)')
      .option(
        '--from <iso>',
        'rank over a range [--from, --to) by the merged metric of each group (default with --to: one hour before it)',
      )
      .option('--to <iso>', 'end of the range, exclusive (default with --from: now)')
      .option(
        '--max-queries <n>',
        `with a range: refuse to read more than n Queries (default: ${DEFAULT_MAX_ROLLUP_QUERIES})`,
      )
      .option(
        '--yes',
        'with a range: read however many Queries it costs, and allow a Scan of the whole table (a pipeline without rankBy)',
      )
      .option('--consistent', 'with a range: strongly consistent reads of the table (twice the read units)'),
  )
    .addHelpText(
      'after',
      [
        '',
        'Without --window, top ranks the latest complete window: the newest window whose end has passed, so it',
        'no longer receives records on time and holds the bulk of its records (records still in flight and late',
        'ones, up to the allowed lateness, may still add a few), searching up to 60 windows back for one with data.',
        'The current window is partial: just after it starts it holds a few records and ranks by accident. Only',
        'when no complete window has data (a pipeline that just started) is the newest partial one ranked. A',
        'partial window, chosen or given, is marked PARTIAL in the output ("partial": true with --json).',
        'A pipeline without rankBy has no rank index: one window is then read with a Scan of the whole table',
        '(two without --window), which top notes on standard error first.',
        '',
        "With --from/--to, top ranks the groups over a range by their merged metric: each group's windows of",
        'the range are merged (a count or sum is the total, a distinct count counts values once over the range,',
        'a mean is the mean of all records). That lists the groups with one Query per window on a rank index;',
        'by a count, sum, min or max the listed values rank them and only the top groups are read (one Query',
        'each), by other metrics every group is read. Past --max-queries it stops and says what the range costs',
        '(exit 2). A pipeline without rankBy can only be listed with a Scan of the whole table (its cost grows',
        'with the table, not the range): refused (exit 2) unless --yes is given.',
        'A range of one window is ranked by the rank index in one Query, like --window.',
        '',
        'Examples:',
        '  streamfold top requests-by-ip --metric requests --endpoint http://127.0.0.1:<dynamodb port of streamfold dev> --chart',
        '  streamfold top ohlc --metric volume --window 2026-11-21T08:30Z -n 3 --json',
        '  streamfold top requests-by-ip --metric requests --from 2026-11-21T00:00Z --to 2026-11-22T00:00Z --yes',
      ].join('\n'),
    )
    .action(async (pipelineRef: string, rangeOptions: TopCommandOptions & TopRangeOptions) => {
      let options: TopCommandOptions = rangeOptions;
      if (rangeOptions.from !== undefined || rangeOptions.to !== undefined) {
        const definition = await loadPipeline(pipelineRef);
        if (options.json === true && options.chart === true) {
          throw new UsageError('--json and --chart cannot be combined: choose one output');
        }
        const nowMs = (io.now ?? Date.now)();
        const choice = chooseTopRange(definition, rangeOptions, nowMs);
        if (choice.kind === 'range') {
          const top = await runTopRange(definition, rangeOptions, choice, io);
          if (options.json === true) {
            write(`${JSON.stringify(topRangeDocument(definition, top, nowMs), null, 2)}\n`);
          } else if (options.chart === true) {
            write(`${renderTopRangeChart(definition, top, chartWidth(io), nowMs)}\n`);
          } else {
            write(`${renderTopRangeTable(definition, top, nowMs)}\n`);
          }
          return;
        }
        options = { ...options, window: new Date(choice.windowStartMs).toISOString() };
      } else if (
        rangeOptions.maxQueries !== undefined ||
        rangeOptions.yes === true ||
        rangeOptions.consistent === true
      ) {
        throw new UsageError('--max-queries, --yes and --consistent go with a range (--from/--to)');
      }
      const { definition, top, nowMs } = await runTop(pipelineRef, options, io);
      if (options.json === true) {
        const document = {
          pipeline: definition.name,
          metric: top.metric,
          window: top.window,
          partial: top.partial,
          ...(openWindowWrittenAt(top) !== undefined ? { updatedAt: openWindowWrittenAt(top) } : {}),
          results: top.results.map(toReportResult),
        };
        write(`${JSON.stringify(document, null, 2)}\n`);
        return;
      }
      if (options.chart === true) {
        write(`${renderTopChart(definition, top, chartWidth(io), nowMs)}\n`);
        return;
      }
      write(`${renderTopTable(definition, top, nowMs)}\n`);
    });
};
