import type { PipelineDefinition } from '../../shared/definition/types.ts';
import type { RollupResult } from '../../shared/query/mergeWindowItems.ts';
import { assertNumericMetric, numericMetricNames } from '../../shared/query/numericMetrics.ts';
import { type RollupOutcome, rollup } from '../../shared/query/rollup.ts';
import type { RollupEvery } from '../../shared/query/rollupPlan.ts';
import { toReportResult } from '../../shared/query/toReportResult.ts';
import { formatDuration } from '../../shared/time/duration.ts';
import type { AwsCliOptions } from '../awsOptions.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline } from '../loadPipeline.ts';
import { renderBarChart } from '../render/barChart.ts';
import { formatValue } from '../render/formatValue.ts';
import { renderTable } from '../render/table.ts';
import {
  type CommandIo,
  explainQueryFailure,
  parseGroupOption,
  parseTimeOption,
  progressOf,
  shortIso,
  withResultsTable,
} from './queryCommon.ts';
import {
  describeRollupCost,
  parseEvery,
  parseMaxQueries,
  type RollupCliOptions,
  rollupProgress,
} from './rollupOptions.ts';

/** Options of `streamfold query --every`. */
export interface RollupQueryOptions extends AwsCliOptions, RollupCliOptions {
  readonly every: string;
  readonly group?: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly metric?: string;
  readonly json?: boolean;
  readonly chart?: boolean;
  readonly table?: string;
}

/** Default range of a rollup without `--from`: one bucket before `--to` (one hour for `all`). */
const DEFAULT_ALL_RANGE_MS = 3_600_000;

/**
 * Rolls a pipeline's stored windows up for `streamfold query --every`: validates the options, then
 * merges the windows of the range per group and bucket ({@link rollup}).
 *
 * @throws {UsageError} for a bad interval, time, group, metric or `--max-queries`, an empty range, a
 * range that costs more Queries than allowed, or one that needs a Scan of the whole table without `--yes`.
 * @example
 * const { outcome } = await runRollupQuery('requests-by-ip', { every: '1h', group: ['ip=203.0.113.9'], endpoint });
 */
export const runRollupQuery = async (
  pipelineRef: string,
  options: RollupQueryOptions,
  io: CommandIo = {},
): Promise<{
  definition: PipelineDefinition;
  outcome: RollupOutcome;
  every: RollupEvery;
  metric: string | undefined;
  nowMs: number;
}> => {
  const definition = await loadPipeline(pipelineRef);
  if (options.json === true && options.chart === true) {
    throw new UsageError('--json and --chart cannot be combined: choose one output');
  }
  const every = parseEvery(options.every);
  const group = parseGroupOption(definition, options.group);
  const maxQueries = parseMaxQueries(options);
  let metric = options.metric;
  if (metric !== undefined) {
    try {
      assertNumericMetric(definition, metric);
    } catch (error) {
      throw explainQueryFailure(error, { tableName: '' });
    }
  } else if (options.chart === true) {
    metric = numericMetricNames(definition)[0];
    if (metric === undefined)
      throw new UsageError(`Pipeline "${definition.name}" has no numeric metric to chart`);
  }
  const nowMs = (io.now ?? Date.now)();
  const toMs = parseTimeOption('--to', options.to) ?? nowMs;
  const fromMs =
    parseTimeOption('--from', options.from) ?? toMs - (every === 'all' ? DEFAULT_ALL_RANGE_MS : every);
  const progress = progressOf(io);
  try {
    const outcome = await withResultsTable(definition, options, (client, tableName) =>
      rollup({
        client,
        tableName,
        definition,
        fromMs,
        toMs,
        every,
        nowMs,
        maxQueries,
        ...(options.yes === true ? { allowScan: true } : {}),
        ...(Object.keys(group).length > 0 ? { groups: [group] } : {}),
        ...(options.consistent === true ? { consistentRead: true } : {}),
        onProgress: rollupProgress(progress),
      }),
    );
    return { definition, outcome, every, metric, nowMs };
  } finally {
    progress('');
  }
};

/**
 * A rollup result's status: `partial` (the bucket has not ended), `open` (a merged window is not final) or `final`.
 *
 * @example
 * rollupStatus(outcome.results[0]); // 'open'
 */
export const rollupStatus = (result: RollupResult): 'partial' | 'open' | 'final' =>
  result.partial ? 'partial' : result.open ? 'open' : 'final';

const everyText = (every: RollupEvery): string => (every === 'all' ? 'all' : formatDuration(every));

/**
 * Renders a rollup as a table: a summary line (buckets, range, what it cost), then bucket start, group
 * fields, every metric, the windows merged and the status.
 *
 * @example
 * write(renderRollupTable(definition, outcome));
 */
export const renderRollupTable = (definition: PipelineDefinition, outcome: RollupOutcome): string => {
  const buckets = outcome.every === 'all' ? 'the whole range' : `buckets of ${formatDuration(outcome.every)}`;
  const range = `${shortIso(new Date(outcome.fromMs).toISOString())} to ${shortIso(new Date(outcome.toMs).toISOString())}`;
  const cost = describeRollupCost(definition, outcome);
  const out: string[] = [];
  if (outcome.results.length === 0) {
    out.push(
      `${definition.name}: no windows with data from ${range} (${cost}). Widen the range with --from/--to.`,
    );
  } else {
    out.push(
      `${definition.name}: ${outcome.results.length} result(s), ${buckets}, ${range}, ${outcome.windowsMerged} windows merged (${cost})`,
    );
    const headers = [
      outcome.every === 'all' ? 'from' : 'bucket start',
      ...definition.groupBy,
      ...definition.metricNames,
      'windows',
      'status',
    ];
    const rows = outcome.results.map((r) => [
      shortIso(r.window.start),
      ...definition.groupBy.map((field) => r.group[field] ?? ''),
      ...definition.metricNames.map((name) => formatValue(r.metrics[name] ?? null)),
      String(r.windows),
      rollupStatus(r),
    ]);
    out.push('', renderTable(headers, rows));
    out.push(
      '',
      `windows: ${formatDuration(definition.window.sizeMs)} windows merged (those with data). status: partial (the bucket has not ended), open (a merged window may still change), final.`,
    );
  }
  if (outcome.windowsSkipped > 0) {
    out.push(
      '',
      `Hopping windows: only the windows that start at a multiple of ${formatDuration(definition.window.sizeMs)} (they tile each bucket) were merged; ${outcome.windowsSkipped} overlapping ones were read and left out, so that no record counts twice.`,
    );
  }
  if (!outcome.complete) {
    out.push(
      '',
      `Note: index ${outcome.indexName} leaves out groups whose metric is empty; give every group field with --group to read them all.`,
    );
  }
  return out.join('\n');
};

/**
 * The `--json` document of a rollup: `{ pipeline, every, from, to, results, cost }`, each result shaped
 * as `streamfold fold --json` results plus `windows`, `open` and `partial`.
 *
 * @example
 * write(JSON.stringify(rollupDocument(definition, outcome), null, 2));
 */
export const rollupDocument = (definition: PipelineDefinition, outcome: RollupOutcome) => ({
  pipeline: definition.name,
  every: everyText(outcome.every),
  from: new Date(outcome.fromMs).toISOString(),
  to: new Date(outcome.toMs).toISOString(),
  results: outcome.results.map(rollupJsonResult),
  cost: { queries: outcome.queries, requests: outcome.requests, readUnits: outcome.readUnits },
});

/**
 * A rollup result as `--json` prints it: the `fold --json` shape plus `windows`, `open` and `partial`.
 *
 * @example
 * outcome.results.map(rollupJsonResult);
 */
export const rollupJsonResult = (r: RollupResult) => ({
  ...toReportResult(r),
  windows: r.windows,
  open: r.open,
  partial: r.partial,
});

/**
 * Renders a rollup as a chart: a line chart of `metric` per bucket (one group, or the total or busiest of
 * several), or for `--every all`, a bar chart of the groups.
 *
 * @example
 * write(renderRollupChart(definition, outcome, 'requests', 80, renderQueryChart));
 */
export const renderRollupChart = (
  definition: PipelineDefinition,
  outcome: RollupOutcome,
  metric: string,
  width: number,
  lineChart: (
    definition: PipelineDefinition,
    results: readonly RollupResult[],
    metric: string,
    width: number,
    stepMs: number,
    partial: (result: RollupResult) => boolean,
  ) => string,
): string => {
  if (outcome.every !== 'all') {
    return lineChart(definition, outcome.results, metric, width, outcome.every, (r) => r.partial);
  }
  if (outcome.results.length === 0) return `${definition.name}: no results to chart`;
  const bars = outcome.results.map((r) => {
    const value = r.metrics[metric];
    return {
      label: definition.groupBy.map((field) => r.group[field] ?? '').join(' ') || '(all)',
      value: typeof value === 'number' && Number.isFinite(value) ? value : 0,
    };
  });
  const range = `${shortIso(new Date(outcome.fromMs).toISOString())} to ${shortIso(new Date(outcome.toMs).toISOString())}`;
  const partial = outcome.results.some((r) => r.partial)
    ? '; partial: the range has not ended and is still receiving records'
    : '';
  return `${definition.name}: ${metric} from ${range}, per group${partial}\n\n${renderBarChart(bars, { width })}`;
};
