import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import { type AggregateState, decodeAggregate } from '../fold/aggregateCodec.ts';
import { compareResults, type WindowResult } from '../fold/windowResult.ts';
import type { AnyMetric, MetricResult } from '../metrics/types.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { QueryError } from './errors.ts';
import type { RollupPlan } from './rollupPlan.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

type Item = Readonly<Record<string, AttributeValue>>;

/** One (group, bucket) of a rollup: the shape of `streamfold fold --json` results plus what was merged. */
export interface RollupResult extends WindowResult {
  /** Windows merged into the bucket (those with data). */
  readonly windows: number;
  /** At least one merged window is not final yet (late records may still change it), or the bucket is partial. */
  readonly open: boolean;
  /** The bucket has not ended at `nowMs`: it is still receiving records. */
  readonly partial: boolean;
  /** The newest `updatedAt` of the merged windows. */
  readonly updatedAt: string;
}

/** What {@link mergeWindowItems} made of the items. */
export interface MergedWindows {
  /** Sorted by bucket start, then group. */
  readonly results: RollupResult[];
  /** Stored windows merged. */
  readonly windowsMerged: number;
  /** Hopping windows not merged: they overlap the windows that tile the buckets. */
  readonly windowsSkipped: number;
}

interface Bucket {
  readonly group: Readonly<Record<string, string>>;
  readonly groupKey: string;
  readonly startMs: number;
  readonly states: unknown[];
  records: number;
  windows: number;
  open: boolean;
  updatedAt: string;
}

/** Attributes a rollup reads of each stored window: the readable bookkeeping and the mergeable state. */
export const ROLLUP_ATTRIBUTES: readonly string[] = [
  A.pk,
  A.group,
  A.groupKey,
  A.windowStart,
  A.status,
  A.updatedAt,
  A.state,
];

/**
 * The group of a stored item (or index entry), fields in `groupBy` order.
 *
 * @example
 * groupOf(requestsByIp, item); // { ip: '203.0.113.9' }
 */
export const groupOf = (definition: PipelineDefinition, item: Item): Record<string, string> => {
  const stored = item[A.group]?.M ?? {};
  const group: Record<string, string> = {};
  for (const field of definition.groupBy) group[field] = stored[field]?.S ?? '';
  return group;
};

const decodeState = (definition: PipelineDefinition, item: Item): AggregateState => {
  const state = item[A.state]?.B;
  const where = `${item[A.pk]?.S ?? '?'} / ${item[A.windowStart]?.S ?? '?'}`;
  if (state === undefined) {
    throw new QueryError(`Results item ${where} has no state to merge; was it written by streamfold?`);
  }
  try {
    return decodeAggregate(definition, state);
  } catch (error) {
    throw new QueryError(
      `Results item ${where} has a state that cannot be merged: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
};

/**
 * Merges stored results items (with their `state`) into the buckets of a {@link RollupPlan}: per group
 * and bucket, the states of the windows that tile the bucket are merged with each metric's `mergeInto`,
 * as the fold merges batches; items outside the plan's range are ignored and overlapping hopping windows
 * are counted in `windowsSkipped`. The results read like `streamfold fold --json` results of the bucket.
 *
 * @throws {QueryError} when an item has no state or one written by another definition of the metrics.
 * @example
 * const { results } = mergeWindowItems(requestsByIp, rollupPlan(requestsByIp, from, to, 3_600_000), items, Date.now());
 */
export const mergeWindowItems = (
  definition: PipelineDefinition,
  plan: RollupPlan,
  items: readonly Item[],
  nowMs: number,
): MergedWindows => {
  const metrics = definition.metricNames.map((name) => definition.metrics[name] as AnyMetric);
  const buckets = new Map<string, Bucket>();
  let windowsMerged = 0;
  let windowsSkipped = 0;
  for (const item of items) {
    const startMs = Date.parse(item[A.windowStart]?.S ?? '');
    if (!Number.isFinite(startMs) || startMs < plan.fromMs || startMs >= plan.toMs) continue;
    if ((startMs - plan.fromMs) % plan.tileMs !== 0) {
      windowsSkipped += 1;
      continue;
    }
    const bucketStart = plan.fromMs + Math.floor((startMs - plan.fromMs) / plan.bucketMs) * plan.bucketMs;
    const groupKey = item[A.groupKey]?.S ?? '';
    const key = `${bucketStart}\u0000${groupKey}`;
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = {
        group: groupOf(definition, item),
        groupKey,
        startMs: bucketStart,
        states: metrics.map((metric) => metric.empty()),
        records: 0,
        windows: 0,
        open: false,
        updatedAt: '',
      };
      buckets.set(key, bucket);
    }
    const aggregate = decodeState(definition, item);
    metrics.forEach((metric, i) => {
      metric.mergeInto(bucket.states[i], aggregate.states[i]);
    });
    bucket.records += aggregate.records;
    bucket.windows += 1;
    if (item[A.status]?.S !== 'final') bucket.open = true;
    const updatedAt = item[A.updatedAt]?.S ?? '';
    if (updatedAt > bucket.updatedAt) bucket.updatedAt = updatedAt;
    windowsMerged += 1;
  }

  const results: RollupResult[] = [...buckets.values()].map((bucket) => {
    const endMs = bucket.startMs + plan.bucketMs;
    const values: Record<string, MetricResult> = {};
    definition.metricNames.forEach((name, i) => {
      values[name] = (metrics[i] as AnyMetric).result(bucket.states[i]);
    });
    const partial = endMs > nowMs;
    return {
      group: bucket.group,
      window: { start: iso(bucket.startMs), end: iso(endMs) },
      records: bucket.records,
      metrics: values,
      windows: bucket.windows,
      open: bucket.open || partial,
      partial,
      updatedAt: bucket.updatedAt,
    };
  });
  return { results: results.sort(compareResults(definition)), windowsMerged, windowsSkipped };
};
