import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { MetricResult } from '../metrics/types.ts';

/**
 * A readable metric result as a DynamoDB attribute value: numbers as `N`, percentile maps as `M` (a null
 * percentile as `NULL`), top-k lists as `L` of `{ value, count }` maps. Returns `undefined` for a null,
 * non-finite or out-of-range result: the attribute is then left out of the item (an index key cannot be `NULL`).
 *
 * @example
 * metricAttribute({ p50: 12, p99: null }); // { M: { p50: { N: '12' }, p99: { NULL: true } } }
 */
/**
 * Whether DynamoDB can store the number: its `N` type holds magnitudes from 1e-130 to just under 1e126.
 * A value outside that range (a sum that overflowed it, say) stays exact in the binary state but is not
 * written as a readable attribute, or every write of the item would fail with a ValidationException.
 */
export const fitsDynamoDbNumber = (value: number): boolean =>
  Number.isFinite(value) && (value === 0 || (Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126));

export const metricAttribute = (value: MetricResult): AttributeValue | undefined => {
  if (value === null) return undefined;
  if (typeof value === 'number') return fitsDynamoDbNumber(value) ? { N: String(value) } : undefined;
  if (Array.isArray(value)) {
    return { L: value.map((e) => ({ M: { value: { S: e.value }, count: { N: String(e.count) } } })) };
  }
  const map: Record<string, AttributeValue> = {};
  for (const [key, entry] of Object.entries(value as Record<string, number | null>)) {
    map[key] = entry === null || !fitsDynamoDbNumber(entry) ? { NULL: true } : { N: String(entry) };
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
