/**
 * Map key of a (window, group) inside a batch.
 *
 * @example
 * aggregateKey(1_700_000_000_000, '203.0.113.9');
 */
export const aggregateKey = (windowStartMs: number, groupKey: string): string =>
  `${windowStartMs}\u0000${groupKey}`;
