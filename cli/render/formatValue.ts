import type { MetricResult } from '../../shared/metrics/types.ts';

/** A number for humans: integers as they are, others with up to 4 decimals. */
export const formatNumber = (value: number): string =>
  Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));

/**
 * One metric result as compact text for tables: numbers, `p50=… p99=…`, `a:3 b:2`, `-` for null.
 *
 * @example
 * formatValue({ p50: 12, p99: 80 }); // 'p50=12 p99=80'
 */
export const formatValue = (value: MetricResult): string => {
  if (value === null) return '-';
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return value.map((e) => `${e.value}:${e.count}`).join(' ') || '-';
  return Object.entries(value as Record<string, number | null>)
    .map(([k, v]) => `${k}=${v === null ? '-' : formatNumber(v)}`)
    .join(' ');
};
