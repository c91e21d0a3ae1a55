import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../shared/codec/ByteWriter.ts';
import { json } from '../../shared/decode/json.ts';
import { DefinitionError, definePipeline, type PipelineInput } from '../../shared/definition/index.ts';
import { categoryAverages, ohlc, requestsByIp, sensorStats } from '../../shared/examples/index.ts';
import {
  type AnyMetric,
  count,
  distinct,
  first,
  last,
  MetricOptionsError,
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
import { tumbling } from '../../shared/window/index.ts';

/** Builds a metric from arguments a type checker would refuse (a JavaScript config, or a cast). */
const loose = <A extends unknown[]>(factory: (...args: never[]) => AnyMetric, ...args: A): AnyMetric =>
  (factory as unknown as (...a: A) => AnyMetric)(...args);

const pipeline = (metrics: Record<string, AnyMetric>): PipelineInput => ({
  name: 'orders',
  stream: 'orders',
  decode: json(),
  groupBy: ['shop'],
  eventTime: 'time',
  window: tumbling('1m'),
  metrics,
  retention: '1d',
  rankBy: [],
});

const problemsOf = (metric: AnyMetric): readonly string[] => {
  try {
    definePipeline(pipeline({ m: metric }));
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems;
  }
  throw new Error('definePipeline accepted a metric with bad options');
};

const problemsOfMetrics = (metrics: Record<string, AnyMetric>): readonly string[] => {
  try {
    definePipeline(pipeline(metrics));
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems;
  }
  return [];
};

const FIELD = "must be a field name or dotted path such as 'bytes' or 'request.path'";

describe('Metric options: checked when the pipeline is defined', () => {
  it.each<[string, () => AnyMetric, string]>([
    // count
    [
      'count: options not an object',
      () => loose(count, 'status'),
      `m.options: must be an object of options such as { where: (r) => Number(r.status) >= 500 } (given "status")`,
    ],
    [
      'count: where not a function',
      () => loose(count, { where: 'status >= 500' }),
      'm.where: must be a function (record) => boolean (given "status >= 500")',
    ],
    [
      'count: unknown option',
      () => loose(count, { missing: 'skip' }),
      'm.missing: is not an option of count() (its options: where) (given "skip")',
    ],
    // sum, mean, min, max, first, last: field and the field options
    ['sum: empty field', () => sum(''), `m.field: ${FIELD} (given "")`],
    ['sum: field not text', () => loose(sum, 42), `m.field: ${FIELD} (given 42)`],
    [
      'sum: missing policy',
      () => loose(sum, 'bytes', { missing: 'ignore' }),
      `m.missing: must be 'reject' or 'skip' (given "ignore")`,
    ],
    [
      'sum: misspelt option',
      () => loose(sum, 'bytes', { mising: 'skip' }),
      'm.mising: is not an option of sum() (its options: where, missing) (given "skip")',
    ],
    ['mean: bad field path', () => mean('price..usd'), `m.field: ${FIELD} (given "price..usd")`],
    [
      'mean: where not a function',
      () => loose(mean, 'price', { where: true }),
      'm.where: must be a function (record) => boolean (given true)',
    ],
    ['min: no field', () => loose(min), `m.field: ${FIELD} (given nothing)`],
    [
      'max: options null',
      () => loose(max, 'price', null),
      `m.options: must be an object of options such as { missing: 'skip' } (given null)`,
    ],
    [
      'first: unknown option',
      () => loose(first, 'price', { orderBy: 'time' }),
      'm.orderBy: is not an option of first() (its options: where, missing) (given "time")',
    ],
    [
      'last: missing policy',
      () => loose(last, 'price', { missing: true }),
      `m.missing: must be 'reject' or 'skip' (given true)`,
    ],
    // variance, stddev
    [
      'variance: sample not boolean',
      () => loose(variance, 'temp', { sample: 'yes' }),
      'm.sample: must be true (sample variance, divides by n − 1) or false (population, divides by n) (given "yes")',
    ],
    [
      'stddev: unknown option',
      () => loose(stddev, 'temp', { population: true }),
      'm.population: is not an option of stddev() (its options: where, missing, sample) (given true)',
    ],
    // weightedMean
    [
      'weightedMean: no weight field',
      () => loose(weightedMean, 'price'),
      `m.weightField: ${FIELD} (given nothing)`,
    ],
    ['weightedMean: bad value field', () => weightedMean('', 'qty'), `m.valueField: ${FIELD} (given "")`],
    // distinct
    [
      'distinct: precision too high',
      () => distinct('user', { precision: 20 }),
      'm.precision: must be a whole number from 4 to 18 (HyperLogLog precision: 14 gives ≈ 0.81 % standard error) (given 20)',
    ],
    [
      'distinct: precision not whole',
      () => distinct('user', { precision: 12.5 }),
      'm.precision: must be a whole number from 4 to 18 (HyperLogLog precision: 14 gives ≈ 0.81 % standard error) (given 12.5)',
    ],
    // quantiles
    [
      'quantiles: a percentile as a name',
      () => loose(quantiles, 'ms', { percentiles: ['p95'] }),
      'm.percentiles.0: must be a number: write 95 for p95, 99.9 for p99_9 (given "p95")',
    ],
    [
      'quantiles: a percentile as a fraction',
      () => quantiles('ms', { percentiles: [50, 0.95] }),
      'm.percentiles.1: is a fraction; percentiles are written as in the result key: 95 for p95, 99.9 for p99_9 (given 0.95)',
    ],
    [
      'quantiles: percentile 100',
      () => quantiles('ms', { percentiles: [100] }),
      'm.percentiles.0: must be a number from 1 to below 100, as in the result key: 95 for p95, 99.9 for p99_9 (given 100)',
    ],
    [
      'quantiles: percentile NaN',
      () => quantiles('ms', { percentiles: [Number.NaN] }),
      'm.percentiles.0: must be a number from 1 to below 100, as in the result key: 95 for p95, 99.9 for p99_9 (given NaN)',
    ],
    [
      'quantiles: repeated percentile',
      () => quantiles('ms', { percentiles: [95, 99, 95] }),
      'm.percentiles.2: repeats a percentile (each is one result key, here p95) (given 95)',
    ],
    [
      'quantiles: no percentiles',
      () => quantiles('ms', { percentiles: [] }),
      'm.percentiles: must list at least one percentile, such as [50, 95, 99] (given [])',
    ],
    [
      'quantiles: percentiles not an array',
      () => loose(quantiles, 'ms', { percentiles: 95 }),
      'm.percentiles: must be an array of percentiles written as in the result key (95 for p95, 99.9 for p99_9), such as [50, 95, 99.9] (given 95)',
    ],
    [
      'quantiles: accuracy too coarse',
      () => quantiles('ms', { accuracy: 1 }),
      'm.accuracy: must be a relative accuracy from 0.0001 to 0.5 (0.01 = within 1 %) (given 1)',
    ],
    [
      'quantiles: accuracy as percent text',
      () => loose(quantiles, 'ms', { accuracy: '1%' }),
      'm.accuracy: must be a relative accuracy from 0.0001 to 0.5 (0.01 = within 1 %) (given "1%")',
    ],
    [
      'quantiles: misspelt option',
      () => loose(quantiles, 'ms', { percentile: [95] }),
      'm.percentile: is not an option of quantiles() (its options: where, missing, accuracy, percentiles) (given [95])',
    ],
    // topK
    [
      'topK: no k',
      () => loose(topK, 'path'),
      'm.k: must be a whole number of at least 1 (how many values to report) (given nothing)',
    ],
    [
      'topK: k zero',
      () => topK('path', 0),
      'm.k: must be a whole number of at least 1 (how many values to report) (given 0)',
    ],
    [
      'topK: k not whole',
      () => topK('path', 2.5),
      'm.k: must be a whole number of at least 1 (how many values to report) (given 2.5)',
    ],
    [
      'topK: capacity below k',
      () => topK('path', 10, { capacity: 5 }),
      'm.capacity: must be at least k (10) (given 5)',
    ],
    [
      'topK: capacity not whole',
      () => topK('path', 5, { capacity: 8.5 }),
      'm.capacity: must be a whole number of at least k (given 8.5)',
    ],
  ])('%s', (_, build, expected) => {
    // Act
    const problems = problemsOf(build());

    // Assess
    expect(problems).toContain(`metrics.${expected}`);
  });

  it('lists every problem of every metric at once, with the pipeline’s other problems', () => {
    // Prepare
    const input: PipelineInput = {
      ...pipeline({
        latency: loose(quantiles, 'ms', { percentiles: ['p95', 0.99], accuracy: 0 }),
        top: topK('', 0),
        users: distinct('user', { precision: 3 }),
        ok: count(),
      }),
      stream: 'no spaces allowed',
      rankBy: ['latency'],
    };

    // Act
    let error: unknown;
    try {
      definePipeline(input);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(DefinitionError);
    const { details, message } = error as DefinitionError;
    expect(details.map((p) => [p.path, p.given])).toStrictEqual([
      ['stream', '"no spaces allowed"'],
      ['metrics.latency.accuracy', '0'],
      ['metrics.latency.percentiles.0', '"p95"'],
      ['metrics.latency.percentiles.1', '0.99'],
      ['metrics.top.field', '""'],
      ['metrics.top.k', '0'],
      ['metrics.users.precision', '3'],
      ['rankBy.0', '"latency"'],
    ]);
    expect(message.split('\n')).toHaveLength(1 + details.length);
    expect(message).toMatch(/^Pipeline "orders" is invalid:\n {2}- stream: /);
  });

  it('never reaches the fold: a metric with problems throws MetricOptionsError if used on its own', () => {
    // Prepare
    const metric = loose(quantiles, 'ms', { percentiles: ['p95'] });

    // Act & Assess
    expect(metric.problems).toHaveLength(1);
    expect(() => metric.empty()).toThrow(MetricOptionsError);
    expect(() => metric.empty()).toThrow(
      'quantiles(ms) is invalid:\n  - percentiles.0: must be a number: write 95 for p95, 99.9 for p99_9 (given "p95")',
    );
  });

  it.each<[string, AnyMetric]>([
    ['count with where', count({ where: (r) => r.status === 500 })],
    ['sum with missing skip', sum('bytes', { missing: 'skip' })],
    ['weightedMean on nested fields', weightedMean('trade.price', 'trade.qty')],
    ['variance sample', variance('temp', { sample: true })],
    ['distinct at both precision bounds', distinct('user', { precision: 4 })],
    ['distinct at the top bound', distinct('user', { precision: 18 })],
    ['quantiles at the accuracy bounds', quantiles('ms', { accuracy: 0.0001, percentiles: [1, 99.99] })],
    ['quantiles coarse', quantiles('ms', { accuracy: 0.5 })],
    ['topK with capacity = k', topK('path', 5, { capacity: 5 })],
  ])('accepts %s', (_, metric) => {
    // Act & Assess
    expect(metric.problems ?? []).toStrictEqual([]);
    expect(() => definePipeline(pipeline({ m: metric }))).not.toThrow();
  });

  it('writes each accepted percentile as its result key', () => {
    // Prepare
    const metric = quantiles('ms', { percentiles: [50, 95, 99.9] });
    const state = metric.empty();
    for (let v = 1; v <= 1000; v += 1) metric.add(state, v);

    // Act
    const result = metric.result(state) as Record<string, number | null>;

    // Assess
    expect(Object.keys(result)).toStrictEqual(['p50', 'p95', 'p99_9']);
  });

  it('accepts a percentile exactly when it is a number from 1 to below 100', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: false }),
          fc.integer({ min: -5, max: 105 }),
          fc.constantFrom(1, 100, 0.95),
        ),
        (p) => {
          const accepted = (quantiles('ms', { percentiles: [p] }).problems ?? []).length === 0;
          expect(accepted).toBe(p >= 1 && p < 100);
        },
      ),
    );
  });

  it('rejects distinct states that cannot fit a DynamoDB item together, and accepts those that can', () => {
    // Act
    const tooLarge = problemsOfMetrics({
      a: distinct('user', { precision: 18 }),
      b: distinct('ip', { precision: 18 }),
    });
    const fits = problemsOfMetrics({
      a: distinct('user', { precision: 18 }),
      b: distinct('ip', { precision: 17 }),
    });

    // Assess
    expect(tooLarge).toStrictEqual([
      "metrics: their states can grow to 393226 bytes (a: 196613, b: 196613), which leaves less than 16 KiB of DynamoDB's 400 KiB item for keys, results and bookkeeping; lower a distinct precision (each step down halves its state)",
    ]);
    expect(fits).toStrictEqual([]);
  });

  it.each([4, 10, 14])('bounds the encoded state of distinct at precision %i', (precision) => {
    // Prepare: enough values to turn the sketch dense
    const metric = distinct('user', { precision });
    const state = metric.empty();
    for (let i = 0; i < 20 * 2 ** precision; i += 1) metric.add(state, `user-${i}`);
    const out = new ByteWriter(64);

    // Act
    metric.encode(state, out);

    // Assess
    expect(out.finish().length).toBeLessThanOrEqual(metric.maxStateBytes ?? 0);
    expect(out.finish().length).toBeGreaterThan((metric.maxStateBytes ?? 0) - 5);
  });

  it('defines every example pipeline without a problem', () => {
    for (const example of [requestsByIp, categoryAverages, ohlc, sensorStats]) {
      for (const metric of Object.values(example.metrics)) expect(metric.problems ?? []).toStrictEqual([]);
    }
  });
});
