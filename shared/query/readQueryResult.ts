import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import type { AnyMetric, MetricResult } from '../metrics/types.ts';
import { readWindowResult } from '../storage/resultItem.ts';
import type { QueryResult } from './types.ts';

const keyOrders = new WeakMap<PipelineDefinition, ReadonlyMap<string, readonly string[]>>();

/** The key order of each map-valued metric result (quantiles), taken from the result of an empty state. */
const mapKeyOrders = (definition: PipelineDefinition): ReadonlyMap<string, readonly string[]> => {
  let orders = keyOrders.get(definition);
  if (orders === undefined) {
    const found = new Map<string, readonly string[]>();
    for (const name of definition.metricNames) {
      const metric = definition.metrics[name] as AnyMetric;
      const empty = metric.result(metric.empty());
      if (empty !== null && typeof empty === 'object' && !Array.isArray(empty)) {
        found.set(name, Object.keys(empty));
      }
    }
    orders = found;
    keyOrders.set(definition, orders);
  }
  return orders;
};

const reorder = (value: MetricResult, order: readonly string[] | undefined): MetricResult => {
  if (order === undefined || value === null || typeof value !== 'object' || Array.isArray(value))
    return value;
  const map = value as Readonly<Record<string, number | null>>;
  const out: Record<string, number | null> = {};
  for (const key of order) if (key in map) out[key] = map[key] as number | null;
  for (const [key, entry] of Object.entries(map)) if (!(key in out)) out[key] = entry;
  return out;
};

/**
 * Reads a results item (or an index projection of one) into the query library's result: the readable
 * attributes of `readWindowResult`, with group fields in `groupBy` order and percentile maps in the
 * metric's own key order (DynamoDB keeps no map order), so `JSON.stringify` of a query result is
 * byte-identical to `streamfold fold --json` for the same data.
 *
 * @example
 * const result = readQueryResult(requestsByIp, item); // { group: { ip }, window, records, metrics, status, updatedAt }
 */
export const readQueryResult = (
  definition: PipelineDefinition,
  item: Readonly<Record<string, AttributeValue>>,
): QueryResult => {
  const stored = readWindowResult(definition, item);
  const group: Record<string, string> = {};
  for (const field of definition.groupBy) group[field] = stored.group[field] ?? '';
  const orders = mapKeyOrders(definition);
  const metrics: Record<string, MetricResult> = {};
  for (const name of definition.metricNames) {
    metrics[name] = reorder(stored.metrics[name] ?? null, orders.get(name));
  }
  return { ...stored, group, metrics };
};
