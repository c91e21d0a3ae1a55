import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnyMetric,
  count,
  distinct,
  first,
  last,
  max,
  mean,
  min,
  quantiles,
  stddev,
  sum,
  topK,
  variance,
  weightedMean,
} from '../../shared/metrics/index.ts';
import {
  decodeMetric,
  encodeMetric,
  foldMetric,
  mergeMetric,
  sameState,
  type TimedRecord,
} from '../helpers/metricLaws.ts';

const number = fc.oneof(
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 0.1, 1e-300, 1e15),
);
const word = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', '/index.html', '/api', 'ü', '');
const record: fc.Arbitrary<TimedRecord> = fc.record({
  fields: fc.record({
    x: fc.oneof({ weight: 10, arbitrary: number }, { weight: 1, arbitrary: fc.constant(null) }),
    w: fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    s: word,
  }),
  eventMs: fc.integer({ min: 0, max: 10 }),
});
const records = fc.array(record, { maxLength: 40 });

const METRICS: readonly (readonly [string, AnyMetric])[] = [
  ['count', count()],
  ['count(where)', count({ where: (r) => typeof r.x === 'number' && r.x > 0 })],
  ['sum', sum('x', { missing: 'skip' })],
  ['min', min('x', { missing: 'skip' })],
  ['max', max('x', { missing: 'skip' })],
  ['mean', mean('x', { missing: 'skip' })],
  ['variance', variance('x', { missing: 'skip' })],
  ['stddev(sample)', stddev('x', { missing: 'skip', sample: true })],
  ['first', first('x', { missing: 'skip' })],
  ['last', last('x', { missing: 'skip' })],
  ['weightedMean', weightedMean('x', 'w', { missing: 'skip' })],
  ['distinct', distinct('s')],
  ['quantiles', quantiles('x', { missing: 'skip' })],
  ['topK', topK('s', 3)],
];

describe.each(METRICS)('Metric: %s (algebra)', (_name, metric) => {
  it('merge is associative', () => {
    fc.assert(
      fc.property(records, records, records, (a, b, c) => {
        const [sa, sb, sc] = [a, b, c].map((r) => foldMetric(metric, r));
        const left = mergeMetric(metric, mergeMetric(metric, sa, sb), sc);
        const right = mergeMetric(metric, sa, mergeMetric(metric, sb, sc));
        expect(sameState(metric, left, right)).toBe(true);
      }),
    );
  });

  it('merge is commutative', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        const [sa, sb] = [a, b].map((r) => foldMetric(metric, r));
        expect(sameState(metric, mergeMetric(metric, sa, sb), mergeMetric(metric, sb, sa))).toBe(true);
      }),
    );
  });

  it('empty is the identity of merge', () => {
    fc.assert(
      fc.property(records, (a) => {
        const sa = foldMetric(metric, a);
        expect(sameState(metric, mergeMetric(metric, metric.empty(), sa), sa)).toBe(true);
        expect(sameState(metric, mergeMetric(metric, sa, metric.empty()), sa)).toBe(true);
      }),
    );
  });

  it('fold(A ++ B) = merge(fold(A), fold(B))', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        const whole = foldMetric(metric, [...a, ...b]);
        const merged = mergeMetric(metric, foldMetric(metric, a), foldMetric(metric, b));
        expect(sameState(metric, whole, merged)).toBe(true);
      }),
    );
  });

  it('decode(encode(s)) = s', () => {
    fc.assert(
      fc.property(records, (a) => {
        const state = foldMetric(metric, a);
        expect(sameState(metric, decodeMetric(metric, encodeMetric(metric, state)), state)).toBe(true);
      }),
    );
  });

  it('merge leaves its source unchanged', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        const [sa, sb] = [a, b].map((r) => foldMetric(metric, r));
        const before = encodeMetric(metric, sb);
        mergeMetric(metric, sa, sb);
        expect(encodeMetric(metric, sb)).toStrictEqual(before);
      }),
    );
  });
});
