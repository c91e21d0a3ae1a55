import { describe, expect, it } from 'vitest';
import { EXAMPLE_PIPELINES } from '../../shared/examples/index.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import {
  accessLogGenerator,
  csvRowGenerator,
  type GeneratedRecord,
  GeneratorOptionError,
  generatorFor,
  SeededRandom,
  sensorGenerator,
  tradeGenerator,
  UnknownGeneratorError,
  ZipfSampler,
} from '../../shared/producer/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';

const NOW = Date.parse('2026-11-21T08:30:30.000Z');
const now = (): number => NOW;
const PIPELINES = ['requests-by-ip', 'category-averages', 'ohlc', 'sensor-stats'] as const;

const take = (pipeline: string, n: number, options: Parameters<ReturnType<typeof generatorFor>>[0] = {}) => {
  const records = generatorFor(pipeline)({ now, ...options });
  return Array.from({ length: n }, (): GeneratedRecord => records.next().value);
};

const sources = (records: readonly GeneratedRecord[]): SourceRecord[] =>
  records.map((record, i) => ({
    data: Buffer.from(record.data, 'utf8'),
    sequenceNumber: String(i + 1),
    partitionKey: record.partitionKey,
    arrivalMs: NOW,
  }));

describe('Class: SeededRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    // Prepare
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.uint32());
    };

    // Act / Assess
    expect(draw(42)).toStrictEqual(draw(42));
    expect(draw(42)).not.toStrictEqual(draw(43));
  });

  it('draws floats in [0, 1) with a mean close to 1/2', () => {
    // Prepare
    const random = new SeededRandom(7);

    // Act
    const values = Array.from({ length: 20_000 }, () => random.next());

    // Assess
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length - 0.5)).toBeLessThan(0.01);
  });
});

describe('Class: ZipfSampler', () => {
  it('draws low ranks most often, as its probabilities say', () => {
    // Prepare
    const zipf = new ZipfSampler(50, 1.2);
    const random = new SeededRandom(3);
    const counts = new Array<number>(50).fill(0);

    // Act
    for (let i = 0; i < 20_000; i++) {
      const rank = zipf.sample(random);
      counts[rank] = (counts[rank] ?? 0) + 1;
    }

    // Assess
    const total = [...Array(50).keys()].reduce((sum, k) => sum + 1 / (k + 1) ** 1.2, 0);
    expect(zipf.probability(0)).toBeCloseTo(1 / total, 10);
    expect(zipf.probability(9)).toBeCloseTo(1 / 10 ** 1.2 / total, 10);
    for (const rank of [0, 1, 9]) {
      expect(Math.abs((counts[rank] as number) / 20_000 - zipf.probability(rank))).toBeLessThan(0.01);
    }
    expect(counts[0]).toBeGreaterThan(counts[1] as number);
  });
});

describe('Function: generatorFor', () => {
  it.each(PIPELINES)('is deterministic for a seed and a clock (%s)', (pipeline) => {
    // Act
    const first = take(pipeline, 500, { seed: 9 });
    const again = take(pipeline, 500, { seed: 9 });
    const other = take(pipeline, 500, { seed: 10 });

    // Assess
    expect(again).toStrictEqual(first);
    expect(other).not.toStrictEqual(first);
  });

  it.each(PIPELINES)('makes about the requested share of records malformed (%s)', (pipeline) => {
    // Act
    const byDefault = take(pipeline, 10_000).filter((r) => r.malformed).length;
    const fivePercent = take(pipeline, 10_000, { malformedShare: 0.05 }).filter((r) => r.malformed).length;
    const none = take(pipeline, 2_000, { malformedShare: 0 }).filter((r) => r.malformed).length;
    const all = take(pipeline, 2_000, { malformedShare: 1 }).filter((r) => r.malformed).length;

    // Assess: within four standard deviations of the binomial
    expect(Math.abs(byDefault - 100)).toBeLessThanOrEqual(40);
    expect(Math.abs(fivePercent - 500)).toBeLessThanOrEqual(88);
    expect(none).toBe(0);
    expect(all).toBe(2_000);
  });

  it.each(PIPELINES)(
    'makes records its pipeline folds, except exactly the malformed ones (%s)',
    (pipeline) => {
      // Prepare
      const definition = EXAMPLE_PIPELINES.get(pipeline);
      if (definition === undefined) throw new Error(pipeline);
      const records = take(pipeline, 10_000, { seed: 4, malformedShare: 0.05 });

      // Act
      const batch = new BatchFolder(definition).fold(sources(records));

      // Assess
      const malformed = records.flatMap((r, i) => (r.malformed ? [i] : []));
      expect(batch.stats).toMatchObject({ in: 10_000, rejected: malformed.length, late: 0, filtered: 0 });
      expect([...batch.rejectionSources].sort((a, b) => a - b)).toStrictEqual(malformed);
      const defects = new Set(records.flatMap((r) => (r.defect === undefined ? [] : [r.defect])));
      expect(defects.size).toBeGreaterThanOrEqual(4);
    },
  );

  it('throws for a pipeline without a generator, naming those with one', () => {
    // Act / Assess
    expect(() => generatorFor('my-pipeline')).toThrow(UnknownGeneratorError);
    expect(() => generatorFor('my-pipeline')).toThrow(
      /requests-by-ip, category-averages, ohlc, sensor-stats/,
    );
  });

  it.each([-0.1, 1.5, Number.NaN])('refuses a malformed share of %s', (share) => {
    // Act / Assess
    expect(() => tradeGenerator({ malformedShare: share }).next()).toThrow(GeneratorOptionError);
  });

  it('puts event times just before the clock', () => {
    // Act
    const records = take('ohlc', 1_000, { malformedShare: 0 });

    // Assess
    const times = records.map((r) => Date.parse((JSON.parse(r.data) as { time: string }).time));
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.min(...times)).toBeGreaterThan(NOW - 2_001);
  });
});

describe('Generator: access logs', () => {
  const lines = [...Array(10_000)].map(
    (
      (records) => () =>
        records.next().value
    )(accessLogGenerator({ now, seed: 2, malformedShare: 0 })),
  );
  const ips = lines.map((r) => r.partitionKey);

  it('has a few heavy clients, and IPv6 clients too', () => {
    // Prepare
    const counts = new Map<string, number>();
    for (const ip of ips) counts.set(ip, (counts.get(ip) ?? 0) + 1);

    // Act
    const ranked = [...counts.values()].sort((a, b) => b - a);

    // Assess
    expect(ranked.slice(0, 5).reduce((a, b) => a + b, 0)).toBeGreaterThan(0.3 * lines.length);
    expect(counts.size).toBeGreaterThan(50);
    expect(ips.some((ip) => ip.includes(':'))).toBe(true);
    expect(lines.every((r) => r.data.startsWith(`${r.partitionKey} `))).toBe(true);
  });

  it('has about 3 % server errors, some bytes "-", and request times', () => {
    // Act
    const statuses = lines.map((r) => Number(/" (\d{3}) /.exec(r.data)?.[1]));
    const serverErrors = statuses.filter((s) => s >= 500).length / lines.length;
    const noBytes = lines.filter((r) => /" \d{3} - /.test(`${r.data} `)).length;
    const timed = lines.filter((r) => / \d+\.\d{3}$/.test(r.data)).length;

    // Assess
    expect(serverErrors).toBeGreaterThan(0.02);
    expect(serverErrors).toBeLessThan(0.04);
    expect(noBytes).toBeGreaterThan(100);
    expect(timed / lines.length).toBeGreaterThan(0.7);
  });
});

describe('Generators: trades, sensors, CSV rows', () => {
  it('walks trade prices without jumps and keys trades by symbol', () => {
    // Act
    const trades = [...Array(5_000)].map(
      (
        (g) => () =>
          g.next().value
      )(tradeGenerator({ now, malformedShare: 0 })),
    );
    const parsed = trades.map((r) => JSON.parse(r.data) as { symbol: string; price: number; qty: number });

    // Assess
    expect(new Set(parsed.map((t) => t.symbol)).size).toBe(6);
    expect(trades.every((r, i) => r.partitionKey === parsed[i]?.symbol)).toBe(true);
    const acme = parsed.filter((t) => t.symbol === 'ACME').map((t) => t.price);
    const steps = acme.slice(1).map((p, i) => Math.abs(p / (acme[i] as number) - 1));
    expect(Math.max(...steps)).toBeLessThan(0.01);
    expect(parsed.every((t) => Number.isInteger(t.qty) && t.qty >= 1)).toBe(true);
  });

  it('keeps sensor humidity within 0–100', () => {
    // Act
    const readings = [...Array(5_000)].map(
      (
        (g) => () =>
          g.next().value
      )(sensorGenerator({ now, malformedShare: 0 })),
    );

    // Assess
    const humidity = readings.map((r) => (JSON.parse(r.data) as { humidity: number }).humidity);
    expect(humidity.every((h) => h >= 0 && h <= 100)).toBe(true);
    expect(new Set(readings.map((r) => r.partitionKey)).size).toBe(6);
  });

  it('quotes a CSV category that holds a comma', () => {
    // Act
    const rows = [...Array(2_000)].map(
      (
        (g) => () =>
          g.next().value
      )(csvRowGenerator({ now, malformedShare: 0 })),
    );

    // Assess
    expect(rows.some((r) => r.data.includes(',"garden, outdoor",'))).toBe(true);
    expect(rows.every((r) => r.data.split(',').length >= 4)).toBe(true);
  });
});
