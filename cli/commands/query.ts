import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import {
  AwsAccessError,
  QueryError,
  QueryInputError,
  TableNotFoundError,
} from '../../shared/query/errors.ts';
import { assertNumericMetric, numericMetricNames } from '../../shared/query/numericMetrics.ts';
import { type QueryWindowsResult, queryWindows } from '../../shared/query/queryWindows.ts';
import { selectGroup } from '../../shared/query/selectGroup.ts';
import { toReportResult } from '../../shared/query/toReportResult.ts';
import type { QueryResult } from '../../shared/query/types.ts';
import { windowStartsBetween } from '../../shared/query/windowStarts.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import { parseIsoTimestamp } from '../../shared/time/timestamp.ts';
import { isComplete } from '../../shared/window/lateness.ts';
import { openDynamoDb } from '../awsClients.ts';
import { type AwsCliOptions, withAwsOptions } from '../awsOptions.ts';
import { NO_REGION_MESSAGE, noCredentialsMessage } from '../checkAwsAccess.ts';
import { UsageError } from '../errors.ts';
import { explainAwsError } from '../explainAwsError.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { formatValue } from '../render/formatValue.ts';
import { renderLineChart } from '../render/lineChart.ts';
import { renderTable } from '../render/table.ts';
import { writtenAgo } from '../render/writtenAgo.ts';

/** Where a query command writes, and what it takes from its surroundings (replaceable in tests). */
export interface CommandIo {
  /**
   * Receives the command's output.
   * @default - writes to standard output
   */
  readonly write?: (text: string) => void;
  /**
   * The current time, epoch ms.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Width of charts, in terminal columns.
   * @default - the terminal's width (at most 120), else 80
   */
  readonly columns?: number;
}

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

/** The chart width for a command's surroundings. */
export const chartWidth = (io: CommandIo): number =>
  io.columns ?? Math.min(120, process.stdout.columns > 0 ? process.stdout.columns : 80);

/** A window start as the tables print it: `2026-11-21T08:30:00Z`. */
export const shortIso = (iso: string): string => iso.replace('.000Z', 'Z');

/**
 * Parses an ISO 8601 option value to epoch ms.
 *
 * @throws {UsageError} naming the option and the bad value.
 * @example
 * parseTimeOption('--from', '2026-11-21T08:00:00Z');
 */
export const parseTimeOption = (option: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const ms = parseIsoTimestamp(text);
  if (ms === undefined) {
    throw new UsageError(`${option} must be an ISO 8601 time such as 2026-11-21T08:30:00Z (given "${text}")`);
  }
  return ms;
};

/**
 * Parses `--group field=value` pairs and checks the fields against the pipeline's `groupBy`.
 *
 * @throws {UsageError} for a pair without `=`, a repeated field or a field the pipeline does not group by.
 * @example
 * parseGroupOption(requestsByIp, ['ip=203.0.113.9']); // { ip: '203.0.113.9' }
 */
export const parseGroupOption = (
  definition: PipelineDefinition,
  pairs: readonly string[] = [],
): Record<string, string> => {
  const group: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new UsageError(`--group takes field=value, e.g. --group ip=203.0.113.9 (given "${pair}")`);
    const field = pair.slice(0, at);
    if (Object.hasOwn(group, field)) throw new UsageError(`--group gives field "${field}" twice`);
    group[field] = pair.slice(at + 1);
  }
  try {
    selectGroup(definition, group);
  } catch (error) {
    throw explainQueryFailure(error, { tableName: '' });
  }
  return group;
};

/**
 * Turns a query failure into what the CLI reports: the query's own mistakes become usage errors (exit 2);
 * a missing table, an endpoint that is not DynamoDB, does not answer or cannot be reached, or missing
 * credentials become one line saying what to do (exit 1). Other errors are returned unchanged.
 *
 * @example
 * catch (error) { throw explainQueryFailure(error, { tableName, endpoint: options.endpoint }); }
 */
export const explainQueryFailure = (
  error: unknown,
  where: {
    readonly tableName: string;
    readonly endpoint?: string;
    readonly region?: string;
    readonly profile?: string;
  },
): unknown => {
  if (error instanceof QueryInputError) return new UsageError(error.message, { cause: error });
  const options = { cause: error };
  if (error instanceof TableNotFoundError) {
    return new QueryError(
      `Results table "${error.tableName}" does not exist ${where.endpoint !== undefined ? `at ${where.endpoint}` : 'in this account and region'}: create it by deploying the pipeline (cdk deploy) or run \`streamfold dev\` for a local stack, or name the table with --table`,
      options,
    );
  }
  if (error instanceof AwsAccessError) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    if (cause?.name === 'CredentialsProviderError') {
      return new QueryError(noCredentialsMessage(where.profile), options);
    }
    if (cause?.message === 'Region is missing') {
      return new QueryError(NO_REGION_MESSAGE, options);
    }
    return error;
  }
  // A timeout raised by the reader's own attempt limit, which the client's explanation did not see.
  return explainAwsError(error, {
    service: 'DynamoDB',
    ...(where.endpoint !== undefined ? { endpoint: where.endpoint } : {}),
    ...(where.region !== undefined ? { region: where.region } : {}),
  });
};

/**
 * Opens the results table a command reads: a DynamoDB client for the AWS options ({@link openDynamoDb}:
 * region and credentials checked before any request) and the table name (`--table`, else
 * `streamfold-<pipeline>-results`), then runs `read` and closes the client; failures are explained with
 * {@link explainQueryFailure}.
 *
 * @example
 * const outcome = await withResultsTable(definition, options, (client, tableName) => queryWindows({ client, tableName, definition }));
 */
export const withResultsTable = async <T>(
  definition: PipelineDefinition,
  options: AwsCliOptions & { readonly table?: string },
  read: (client: DynamoDBClient, tableName: string) => Promise<T>,
): Promise<T> => {
  const tableName = options.table ?? pipelineResourceNames(definition).resultsTable;
  const client = await openDynamoDb(options);
  try {
    return await read(client, tableName);
  } catch (error) {
    throw explainQueryFailure(error, {
      tableName,
      region: await client.config.region(),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
    });
  } finally {
    client.destroy();
  }
};

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
  const outcome = await withResultsTable(definition, options, (client, tableName) =>
    queryWindows({
      client,
      tableName,
      definition,
      group,
      nowMs,
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
    }),
  );
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
interface ChartSeries {
  readonly what: string;
  readonly starts: readonly number[];
  readonly values: readonly (number | null)[];
}

const groupText = (definition: PipelineDefinition, group: Readonly<Record<string, string>>): string =>
  definition.groupBy.map((field) => `${field}=${group[field] ?? ''}`).join(' ') || 'all records';

const chartSeries = (
  definition: PipelineDefinition,
  results: readonly QueryResult[],
  metric: string,
): ChartSeries => {
  const first = Date.parse(results[0]?.window.start ?? '');
  const last = Date.parse(results[results.length - 1]?.window.start ?? '');
  const starts = windowStartsBetween(definition.window, first, last);
  const additive = ADDITIVE_KINDS.includes(definition.metrics[metric]?.kind ?? '');
  const groups = new Map<string, { group: Readonly<Record<string, string>>; records: number }>();
  for (const r of results) {
    const key = JSON.stringify(definition.groupBy.map((field) => r.group[field]));
    const entry = groups.get(key) ?? { group: r.group, records: 0 };
    groups.set(key, { group: entry.group, records: entry.records + r.records });
  }
  const perWindow = (chosen: readonly QueryResult[]): (number | null)[] => {
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
    return { what: `total of ${groups.size} groups`, starts, values: perWindow(results) };
  }
  let top: { group: Readonly<Record<string, string>>; records: number } | undefined;
  for (const entry of groups.values()) if (top === undefined || entry.records > top.records) top = entry;
  const chosen = top?.group ?? {};
  const what =
    groups.size > 1
      ? `${groupText(definition, chosen)}, the busiest of ${groups.size} groups (choose one with --group)`
      : groupText(definition, chosen);
  const key = JSON.stringify(definition.groupBy.map((field) => chosen[field]));
  return {
    what,
    starts,
    values: perWindow(
      results.filter((r) => JSON.stringify(definition.groupBy.map((field) => r.group[field])) === key),
    ),
  };
};

/**
 * Renders one numeric metric over time as a line chart. One group: that group's series. Several groups:
 * for a count or sum, the total per window; for other metrics (a max, a mean… do not add up), the series of
 * the group with the most records. Windows without a result count as 0 for a count or sum, and are gaps
 * otherwise.
 *
 * @example
 * write(renderQueryChart(definition, outcome.results, 'requests', 80));
 */
export const renderQueryChart = (
  definition: PipelineDefinition,
  results: readonly QueryResult[],
  metric: string,
  width: number,
): string => {
  if (results.length === 0) return `${definition.name}: no results to chart`;
  const series = chartSeries(definition, results, metric);
  const title = `${definition.name}: ${metric} per ${formatDuration(definition.window.advanceMs)} window, ${series.what}`;
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
        'print { pipeline, results } with results shaped as `streamfold fold --json`, plus "partial": true on a result whose window has not ended, and "updatedAt": when the newest window that is not final was last written',
      )
      .option(
        '--chart',
        'line chart of --metric over time: one group, or the total (count, sum) or busiest group of several',
      )
      .option('--table <name>', 'results table (default: streamfold-<pipeline>-results)'),
  )
    .addHelpText(
      'after',
      [
        '',
        'Without every group field, each window of the range costs one Query on a rank index (a day of',
        'one-minute windows is 1,440 Queries; at most 1,440 are read); with the whole group, one Query.',
        'Status: partial (the window has not ended: still receiving records), open (ended; late records, up to',
        'the allowed lateness, may still change it) or final. "written" says when a window that is not final',
        'was last written: with flushEvery, results land once per interval per shard.',
        '',
        'Examples:',
        '  streamfold query requests-by-ip --endpoint http://127.0.0.1:<dynamodb port of streamfold dev>',
        '  streamfold query requests-by-ip --group ip=203.0.113.9 --from 2026-11-21T08:00Z --to 2026-11-21T09:00Z',
        '  streamfold query ohlc --group symbol=ACME --chart --metric close',
        '  streamfold query ohlc --from 2026-11-21T08:30Z --json',
      ].join('\n'),
    )
    .action(async (pipelineRef: string, options: QueryCommandOptions) => {
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
        write(`${renderQueryChart(definition, outcome.results, metric, chartWidth(io))}\n`);
        return;
      }
      write(`${renderQueryTable(definition, outcome, nowMs)}\n`);
    });
};
