import { describe, expect, it } from 'vitest';
import { DashboardError } from '../../cli/dashboard/errors.ts';
import { RollupSeriesCache } from '../../cli/dashboard/RollupSeriesCache.ts';
import type { WindowResult } from '../../shared/fold/windowResult.ts';

const result = (records: number): WindowResult => ({
  group: { symbol: 'ACME' },
  window: { start: '2026-11-21T09:00:00.000Z', end: '2026-11-21T10:00:00.000Z' },
  records,
  metrics: { trades: records },
});

describe('Class: RollupSeriesCache', () => {
  it('gives a read back until reuseMs has passed since it was made, and not before it was made', () => {
    // Prepare
    const cache = new RollupSeriesCache({ reuseMs: 30_000 });
    cache.set('a', [result(1)], 1_000);

    // Act & Assess
    expect(cache.get('a', 1_000)).toStrictEqual({ readAtMs: 1_000, results: [result(1)] });
    expect(cache.get('a', 30_999)?.readAtMs).toBe(1_000);
    expect(cache.get('a', 500)).toBeUndefined();
    cache.set('a', [result(1)], 1_000);
    expect(cache.get('a', 31_000)).toBeUndefined();
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.get('b', 1_000)).toBeUndefined();
  });

  it('keeps at most maxEntries reads, dropping the oldest', () => {
    // Prepare
    const cache = new RollupSeriesCache({ maxEntries: 2 });

    // Act
    cache.set('a', [result(1)], 0);
    cache.set('b', [result(2)], 0);
    cache.set('c', [result(3)], 0);

    // Assess
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('b', 0)?.results).toStrictEqual([result(2)]);
    expect(cache.get('c', 0)?.results).toStrictEqual([result(3)]);
  });

  it('never reuses with reuseMs 0', () => {
    // Prepare
    const cache = new RollupSeriesCache({ reuseMs: 0 });
    cache.set('a', [result(1)], 0);

    // Act & Assess
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it.each([
    [{ reuseMs: -1 }, 'reuseMs must be a non-negative number of ms (given -1)'],
    [{ maxEntries: 0 }, 'maxEntries must be a positive integer (given 0)'],
  ])('refuses %o', (options, message) => {
    // Act & Assess
    expect(() => new RollupSeriesCache(options)).toThrow(new DashboardError(message));
  });
});
