import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  count,
  first,
  last,
  MetricProblem,
  max,
  mean,
  min,
  SKIP,
  stddev,
  sum,
  variance,
  weightedMean,
} from '../../shared/metrics/index.ts';
import { foldMetric, type TimedRecord } from '../helpers/metricLaws.ts';

// Integers keep the naive reference exact, so exact metrics must match it to the last bit.
const int = fc.integer({ min: -1_000_000, max: 1_000_000 });
const rows = fc.array(
  fc.record({ x: int, w: fc.integer({ min: 0, max: 1000 }), t: fc.integer({ min: 0, max: 20 }) }),
  { maxLength: 60 },
);
const timed = (data: readonly { x: number; w: number; t: number }[]): TimedRecord[] =>
  data.map((d) => ({ fields: { x: d.x, w: d.w }, eventMs: d.t }));

describe('Metrics: exact metrics equal a naive reference fold', () => {
  it('count, sum, min, max, mean, first, last, weightedMean', () => {
    fc.assert(
      fc.property(rows, (data) => {
        const records = timed(data);
        const xs = data.map((d) => d.x);
        const result = <R>(metric: { result(s: never): R }, folded: unknown): R =>
          metric.result(folded as never);
        const m = {
          count: count(),
          sum: sum('x'),
          min: min('x'),
          max: max('x'),
          mean: mean('x'),
          first: first('x'),
          last: last('x'),
          vwap: weightedMean('x', 'w'),
        };
        expect(result(m.count, foldMetric(m.count, records))).toBe(xs.length);
        expect(result(m.sum, foldMetric(m.sum, records))).toBe(xs.reduce((a, b) => a + b, 0));
        expect(result(m.min, foldMetric(m.min, records))).toBe(xs.length ? Math.min(...xs) : null);
        expect(result(m.max, foldMetric(m.max, records))).toBe(xs.length ? Math.max(...xs) : null);
        expect(result(m.mean, foldMetric(m.mean, records))).toBe(
          xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null,
        );
        const byFirst = [...data].sort((a, b) => a.t - b.t || a.x - b.x);
        expect(result(m.first, foldMetric(m.first, records))).toBe(byFirst[0]?.x ?? null);
        const byLast = [...data].sort((a, b) => b.t - a.t || b.x - a.x);
        expect(result(m.last, foldMetric(m.last, records))).toBe(byLast[0]?.x ?? null);
        const weights = data.reduce((a, d) => a + d.w, 0);
        const products = data.reduce((a, d) => a + d.x * d.w, 0);
        expect(result(m.vwap, foldMetric(m.vwap, records))).toBe(weights === 0 ? null : products / weights);
      }),
    );
  });

  it('variance and stddev match an exact BigInt reference (population and sample)', () => {
    fc.assert(
      fc.property(rows, (data) => {
        const records = timed(data);
        const xs = data.map((d) => BigInt(d.x));
        const n = BigInt(xs.length);
        // n²·variance = n·Σx² − (Σx)², exact in integers
        const scaled = n * xs.reduce((a, x) => a + x * x, 0n) - xs.reduce((a, x) => a + x, 0n) ** 2n;
        const pop = variance('x');
        const smp = stddev('x', { sample: true });
        const popResult = pop.result(foldMetric(pop, records) as never);
        const smpResult = smp.result(foldMetric(smp, records) as never);
        const close = (actual: number | null, expected: number): void => {
          expect(actual).not.toBeNull();
          expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
            1e-12 * Math.max(1, Math.abs(expected)),
          );
        };
        if (n === 0n) expect(popResult).toBeNull();
        else close(popResult, Number(scaled) / Number(n * n));
        if (n < 2n) expect(smpResult).toBeNull();
        else close(smpResult, Math.sqrt(Number(scaled) / Number(n * (n - 1n))));
      }),
    );
  });

  it('variance stays exact for large values with a small spread (no cancellation)', () => {
    // Prepare: epoch-millisecond-sized values whose true population variance is 2/3
    const base = 1_700_000_000_000;
    const records = [base - 1, base, base + 1].map((x) => ({ fields: { x }, eventMs: 0 }));
    const metric = variance('x');

    // Act
    const result = metric.result(foldMetric(metric, records) as never);

    // Assess
    expect(result).toBe(2 / 3);
  });

  it('sum is exact and order-independent where naive addition is not', () => {
    const metric = sum('x');
    const values = [1e100, 1, -1e100, 0.1, 0.2, 0.3];
    const forward = metric.result(
      foldMetric(
        metric,
        values.map((x) => ({ fields: { x }, eventMs: 0 })),
      ) as never,
    );
    const backward = metric.result(
      foldMetric(
        metric,
        [...values].reverse().map((x) => ({ fields: { x }, eventMs: 0 })),
      ) as never,
    );
    expect(forward).toBe(1.6);
    expect(backward).toBe(1.6);
  });
});

describe('Metrics: inputs', () => {
  it.each([
    [{ x: 1 }, 1],
    [{ x: Number.NaN }, new MetricProblem('invalid-number', 'Field "x" is not a finite number (NaN)')],
    [
      { x: Number.POSITIVE_INFINITY },
      new MetricProblem('invalid-number', 'Field "x" is not a finite number (Infinity)'),
    ],
    [{ x: '12.5' }, new MetricProblem('invalid-field-type', 'Field "x" must be a number, got string "12.5"')],
    [{ x: [1] }, new MetricProblem('invalid-field-type', 'Field "x" must be a number, got array [1]')],
    [{}, new MetricProblem('missing-field', 'Field "x" is missing')],
    [{ x: null }, new MetricProblem('missing-field', 'Field "x" is null')],
  ])('sum reads %j as %j', (fields, expected) => {
    expect(sum('x').input(fields, 0)).toStrictEqual(expected);
  });

  it('skips missing values with missing: skip, and non-matching records with where', () => {
    expect(sum('x', { missing: 'skip' }).input({}, 0)).toBe(SKIP);
    expect(sum('x', { where: (r) => r.ok === true }).input({ x: 1, ok: false }, 0)).toBe(SKIP);
    expect(count({ where: (r) => r.ok === true }).input({ ok: true }, 0)).toBe(true);
  });

  it('reads nested fields by dotted path', () => {
    expect(sum('a.b').input({ a: { b: 4 } }, 0)).toBe(4);
    expect(sum('a.b').input({ a: 4 }, 0)).toStrictEqual(
      new MetricProblem('missing-field', 'Field "a.b" is missing'),
    );
  });

  it('rejects negative weights', () => {
    expect(weightedMean('p', 'q').input({ p: 1, q: -2 }, 0)).toStrictEqual(
      new MetricProblem('invalid-number', 'Field "q" is a negative weight (-2)'),
    );
  });
});
