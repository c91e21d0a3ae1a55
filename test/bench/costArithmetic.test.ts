import { describe, expect, it } from 'vitest';
import { fitCpuModel } from '../../bench/cost/cpuModel.ts';
import { FLINK_SIZING, flinkSize } from '../../bench/cost/flinkSizing.ts';
import { billedMs, cpuShare, DEFAULT_BILLING, gbSeconds } from '../../bench/cost/lambdaBilling.ts';
import { PRICES, SECONDS_PER_MONTH } from '../../bench/cost/prices.ts';
import { addUsage, NO_USAGE, priceKinesis, priceUsage } from '../../bench/cost/priceUsage.ts';

describe('Cost arithmetic', () => {
  it('prices a million write units, read units and Lambda requests at list price', () => {
    // Act
    const dollars = priceUsage({
      ...NO_USAGE,
      dynamoWriteUnits: 1e6,
      dynamoReadUnits: 1e6,
      lambdaInvocations: 1e6,
      lambdaGbSeconds: 1e6,
    });

    // Assess
    expect(dollars.dynamoWrites).toBeCloseTo(0.625, 10);
    expect(dollars.dynamoReads).toBeCloseTo(0.125, 10);
    expect(dollars.lambda).toBeCloseTo(0.2 + 13.3334, 6);
    expect(dollars.total).toBeCloseTo(0.625 + 0.125 + 0.2 + 13.3334, 6);
  });

  it('prices one KPU plus the orchestration KPU for a month at about $161', () => {
    // Prepare
    const hours = SECONDS_PER_MONTH / 3600;
    const size = flinkSize(1_000);

    // Act
    const dollars = priceUsage({ ...NO_USAGE, flinkKpuHours: size.total * hours });

    // Assess
    expect(size).toEqual({ processing: 1, orchestration: 1, total: 2 });
    expect(dollars.flink).toBeCloseTo(160.6, 6);
  });

  it('sizes Flink by the assumed records per KPU, never below one KPU', () => {
    // Act & Assess
    expect(flinkSize(0).processing).toBe(1);
    expect(flinkSize(FLINK_SIZING.recordsPerSecondPerKpu).processing).toBe(1);
    expect(flinkSize(FLINK_SIZING.recordsPerSecondPerKpu + 1).processing).toBe(2);
    expect(flinkSize(20_000, 5_000).total).toBe(5);
  });

  it('bills Lambda CPU stretched to the memory’s vCPU share, plus round trips, rounded up to 1 ms', () => {
    // Act & Assess
    expect(cpuShare(1769)).toBe(1);
    expect(cpuShare(3008)).toBe(1);
    expect(billedMs(100, 0, { memoryMb: 1769, requestLatencyMs: 5 })).toBe(100);
    expect(billedMs(100, 4, { memoryMb: 1769, requestLatencyMs: 5 })).toBe(120);
    expect(billedMs(0.2, 0, DEFAULT_BILLING)).toBe(1);
    expect(billedMs(120, 18, DEFAULT_BILLING)).toBe(Math.ceil(120 / (1024 / 1769) + 90));
    expect(gbSeconds(1000, 1024)).toBe(1);
    expect(gbSeconds(500, 2048)).toBe(1);
  });

  it('prices the stream by stream-hour and GiB in and out', () => {
    // Act
    const dollars = priceKinesis({ streamHours: 730, gibIn: 100, gibOut: 100 });

    // Assess
    expect(dollars).toBeCloseTo(730 * 0.04 + 100 * 0.08 + 100 * 0.04, 10);
  });

  it('adds usages field by field', () => {
    // Act
    const sum = addUsage(
      { ...NO_USAGE, dynamoWriteUnits: 2, lambdaInvocations: 1 },
      { ...NO_USAGE, dynamoWriteUnits: 3, flinkKpuHours: 4 },
    );

    // Assess
    expect(sum).toEqual({ ...NO_USAGE, dynamoWriteUnits: 5, lambdaInvocations: 1, flinkKpuHours: 4 });
  });

  it('cites a source and a reading date for every price', () => {
    // Act & Assess
    for (const price of Object.values(PRICES)) {
      expect(price.source).toMatch(/^https:\/\//);
      expect(price.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(price.usd).toBeGreaterThan(0);
    }
  });
});

describe('Function: fitCpuModel', () => {
  it('recovers per-record and per-request CPU from invocations that mix them', () => {
    // Prepare
    const samples = [
      { records: 1000, requests: 10, cpuMs: 1000 * 0.02 + 10 * 1.5 },
      { records: 0, requests: 200, cpuMs: 200 * 1.5 },
      { records: 500, requests: 40, cpuMs: 500 * 0.02 + 40 * 1.5 },
    ];

    // Act
    const model = fitCpuModel(samples);

    // Assess
    expect(model.perRecordMs).toBeCloseTo(0.02, 6);
    expect(model.perRequestMs).toBeCloseTo(1.5, 6);
  });

  it('never returns a negative factor', () => {
    // Act
    const model = fitCpuModel([
      { records: 1000, requests: 100, cpuMs: 50 },
      { records: 1000, requests: 300, cpuMs: 40 },
    ]);

    // Assess
    expect(model.perRecordMs).toBeGreaterThanOrEqual(0);
    expect(model.perRequestMs).toBeGreaterThanOrEqual(0);
    expect(fitCpuModel([])).toEqual({ perRecordMs: 0, perRequestMs: 0 });
  });
});
