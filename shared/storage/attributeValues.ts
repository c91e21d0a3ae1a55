import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { MetricResult } from '../metrics/types.ts';

/**
 * A readable metric result as a DynamoDB attribute value: numbers as `N`, percentile maps as `M` (a null
 * percentile as `NULL`), top-k lists as `L` of `{ value, count }` maps. Returns `undefined` for a null or
 * non-finite result: the attribute is then left out of the item (an index key cannot be `NULL`).
 *
 * @example
 * metricAttribute({ p50: 12, p99: null }); // { M: { p50: { N: '12' }, p99: { NULL: true } } }
 */
export const metricAttribute = (value: MetricResult): AttributeValue | undefined => {
  if (value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? { N: String(value) } : undefined;
  if (Array.isArray(value)) {
    return { L: value.map((e) => ({ M: { value: { S: e.value }, count: { N: String(e.count) } } })) };
  }
  const map: Record<string, AttributeValue> = {};
  for (const [key, entry] of Object.entries(value as Record<string, number | null>)) {
    map[key] = entry === null || !Number.isFinite(entry) ? { NULL: true } : { N: String(entry) };
  }
  return { M: map };
};

/**
 * Reads back what {@link metricAttribute} wrote; an absent attribute is `null`.
 *
 * @example
 * readMetricAttribute({ N: '3' }); // 3
 */
export const readMetricAttribute = (value: AttributeValue | undefined): MetricResult => {
  if (value === undefined || value.NULL === true) return null;
  if (value.N !== undefined) return Number(value.N);
  if (value.L !== undefined) {
    return value.L.map((entry) => ({
      value: entry.M?.value?.S ?? '',
      count: Number(entry.M?.count?.N ?? 0),
    }));
  }
  if (value.M !== undefined) {
    const map: Record<string, number | null> = {};
    for (const [key, entry] of Object.entries(value.M))
      map[key] = entry.N === undefined ? null : Number(entry.N);
    return map;
  }
  return null;
};
