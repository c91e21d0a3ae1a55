import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { ScanNotAllowedError } from '../../shared/query/errors.ts';
import { assertNumericMetric } from '../../shared/query/numericMetrics.ts';
import { type RollupPlan, rollupPlan } from '../../shared/query/rollupPlan.ts';
import { type TopGroupsOverRangeResult, topGroupsOverRange } from '../../shared/query/topGroupsOverRange.ts';
import type { AwsCliOptions } from '../awsOptions.ts';
import { UsageError } from '../errors.ts';
import { renderBarChart } from '../render/barChart.ts';
import { formatValue } from '../render/formatValue.ts';
import { renderTable } from '../render/table.ts';
import {
  type CommandIo,
  explainQueryFailure,
  parseTimeOption,
  progressOf,
  shortIso,
  withResultsTable,
} from './queryCommon.ts';
import { rollupJsonResult, rollupStatus } from './queryRollup.ts';
import {
  describeRollupCost,
  describeSpent,
  parseMaxQueries,
  type RollupCliOptions,
  rollupProgress,
} from './rollupOptions.ts';

/** Options of `streamfold top --from/--to`. */
export interface TopRangeOptions extends AwsCliOptions, RollupCliOptions {
  readonly metric: string;
  readonly from?: string;
  readonly to?: string;
  readonly window?: string;
  readonly limit?: string;
  readonly json?: boolean;
  readonly chart?: boolean;
  readonly table?: string;
}

/** Range of `top --to` without `--from`: the hour before it. */
const DEFAULT_RANGE_MS = 3_600_000;

/** What `top --from/--to` decided: a range of one window is ranked by that window's index. */
export type TopRangeChoice =
  | { readonly kind: 'window'; readonly windowStartMs: number }
  | { readonly kind: 'range'; readonly fromMs: number; readonly toMs: number };

/**
 * Validates the range options of `streamfold top` and says how to answer: a range that covers one
 * window (after widening to whole windows) is that window, ranked by its rank index in one Query;
 * a longer one is merged per group.
 *
 * @throws {UsageError} for `--window` given with a range, a bad time or an empty range.
 * @example
 * chooseTopRange(requestsByIp, { metric: 'requests', from: '2026-11-21T08:30Z', to: '2026-11-21T08:31Z' }, now); // { kind: 'window', … }
 */
export const chooseTopRange = (
  definition: PipelineDefinition,
  options: TopRangeOptions,
  nowMs: number,
): TopRangeChoice => {
  if (options.window !== undefined) {
    throw new UsageError('--window ranks one window and --from/--to a range: give one or the other');
  }
  const toMs = parseTimeOption('--to', options.to) ?? nowMs;
  const fromMs = parseTimeOption('--from', options.from) ?? toMs - DEFAULT_RANGE_MS;
  let plan: RollupPlan;
  try {
    plan = rollupPlan(definition, fromMs, toMs, 'all');
  } catch (error) {
    throw explainQueryFailure(error, { tableName: '' });
  }
  if (plan.windowCount === 1) return { kind: 'window', windowStartMs: plan.fromMs };
  return { kind: 'range', fromMs, toMs };
};

/**
 * Ranks the groups over a range for `streamfold top --from/--to` ({@link topGroupsOverRange}).
 *
 * @throws {UsageError} for a bad metric, count, time or `--max-queries`, a range that costs more Queries
 * than allowed, or one that needs a Scan of the whole table without `--yes`.
 * @example
 * const top = await runTopRange(requestsByIp, { metric: 'requests', from: '2026-11-21T00:00Z', to: '2026-11-22T00:00Z' }, range, io);
 */
export const runTopRange = async (
  definition: PipelineDefinition,
  options: TopRangeOptions,
  range: { readonly fromMs: number; readonly toMs: number },
  io: CommandIo = {},
): Promise<TopGroupsOverRangeResult> => {
  try {
    assertNumericMetric(definition, options.metric);
  } catch (error) {
    throw explainQueryFailure(error, { tableName: '' });
  }
  const limitText = options.limit ?? '10';
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1) {
    throw new UsageError(`-n must be a positive whole number of groups (given "${limitText}")`);
  }
  const maxQueries = parseMaxQueries(options);
  const nowMs = (io.now ?? Date.now)();
  const progress = progressOf(io);
  try {
    return await withResultsTable(definition, options, (client, tableName) =>
      topGroupsOverRange({
        client,
        tableName,
        definition,
        metric: options.metric,
        limit: Number(limitText),
        fromMs: range.fromMs,
        toMs: range.toMs,
        nowMs,
        maxQueries,
        ...(options.yes === true ? { allowScan: true } : {}),
        ...(options.consistent === true ? { consistentRead: true } : {}),
        onProgress: rollupProgress(progress),
      }),
    );
  } catch (error) {
    // top has no --group: its advice is rankBy or --yes, not the whole group that query's refusal offers.
    if (error instanceof UsageError && error.cause instanceof ScanNotAllowedError) {
      throw new UsageError(
        `${error.cause.cost}. --max-queries does not bound a Scan: add rankBy to the pipeline, or pass --yes to scan it`,
        { cause: error.cause },
      );
    }
    throw error;
  } finally {
    progress('');
  }
};

const rangeText = (top: TopGroupsOverRangeResult): string =>
  `${shortIso(new Date(top.fromMs).toISOString())} to ${shortIso(new Date(top.toMs).toISOString())}`;

/** What a range ranking read: for a count, sum, min or max, only the top groups were merged. */
const describeTopCost = (definition: PipelineDefinition, top: TopGroupsOverRangeResult): string => {
  // top has no --group: its summary does not offer one.
  if (top.ranking === 'merged') return describeRollupCost(definition, top, false);
  const windows = (top.toMs - top.fromMs) / definition.window.sizeMs;
  return `${describeSpent(top)}: ${windows} on index ${top.indexName} to list the groups with their ${top.metric} per window, then one per top group`;
};

const describeTopRange = (
  definition: PipelineDefinition,
  top: TopGroupsOverRangeResult,
  nowMs: number,
): string => {
  const partial = top.toMs > nowMs ? ', PARTIAL: the range has not ended and is still receiving records' : '';
  return `${definition.name}: top ${top.results.length} of ${top.groupsRanked} group(s) by ${top.metric} over ${rangeText(top)}, ${top.windowsMerged} windows merged${partial} (${describeTopCost(definition, top)})`;
};

/**
 * Renders a range ranking as a table: rank, group fields, the ranked metric, the other metrics, the
 * windows merged per group and the status.
 *
 * @example
 * write(renderTopRangeTable(definition, top, Date.now()));
 */
export const renderTopRangeTable = (
  definition: PipelineDefinition,
  top: TopGroupsOverRangeResult,
  nowMs: number,
): string => {
  if (top.results.length === 0) {
    return `${definition.name}: no ${top.metric} results over ${rangeText(top)} (${describeTopCost(definition, top)}); widen the range with --from/--to`;
  }
  const metrics = [top.metric, ...definition.metricNames.filter((name) => name !== top.metric)];
  const headers = ['#', ...definition.groupBy, ...metrics, 'windows', 'status'];
  const rows = top.results.map((r, i) => [
    String(i + 1),
    ...definition.groupBy.map((field) => r.group[field] ?? ''),
    ...metrics.map((name) => formatValue(r.metrics[name] ?? null)),
    String(r.windows),
    rollupStatus(r),
  ]);
  const notes = top.complete
    ? ''
    : `\n\nNote: index ${top.indexName} leaves out groups whose metric is empty, so they were not ranked.`;
  return `${describeTopRange(definition, top, nowMs)}\n\n${renderTable(headers, rows)}${notes}`;
};

/**
 * Renders a range ranking as a bar chart of the ranked metric.
 *
 * @example
 * write(renderTopRangeChart(definition, top, 80, Date.now()));
 */
export const renderTopRangeChart = (
  definition: PipelineDefinition,
  top: TopGroupsOverRangeResult,
  width: number,
  nowMs: number,
): string => {
  if (top.results.length === 0) return renderTopRangeTable(definition, top, nowMs);
  const bars = top.results.map((r) => {
    const value = r.metrics[top.metric];
    return {
      label: definition.groupBy.map((field) => r.group[field] ?? '').join(' ') || '(all)',
      value: typeof value === 'number' ? value : 0,
    };
  });
  return `${describeTopRange(definition, top, nowMs)}\n\n${renderBarChart(bars, { width })}`;
};

/**
 * The `--json` document of a range ranking: `{ pipeline, metric, from, to, partial, ranking, results, cost }`,
 * results shaped as `fold --json` results plus `windows`, `open` and `partial`.
 *
 * @example
 * write(JSON.stringify(topRangeDocument(definition, top, Date.now()), null, 2));
 */
export const topRangeDocument = (
  definition: PipelineDefinition,
  top: TopGroupsOverRangeResult,
  nowMs: number,
) => ({
  pipeline: definition.name,
  metric: top.metric,
  from: new Date(top.fromMs).toISOString(),
  to: new Date(top.toMs).toISOString(),
  partial: top.toMs > nowMs,
  ranking: top.ranking,
  results: top.results.map(rollupJsonResult),
  cost: { queries: top.queries, requests: top.requests, readUnits: top.readUnits },
});
