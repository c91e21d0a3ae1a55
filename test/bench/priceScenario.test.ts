import { describe, expect, it } from 'vitest';
import { coalescedVsPerBatch, costRatios } from '../../bench/cost/costRatios.ts';
import { DEFAULT_BILLING } from '../../bench/cost/lambdaBilling.ts';
import type { ModeResult } from '../../bench/cost/ModeRunner.ts';
import { priceScenario } from '../../bench/cost/priceScenario.ts';
import { PRICES, SECONDS_PER_MONTH } from '../../bench/cost/prices.ts';
import type { ScenarioRun } from '../../bench/cost/runScenario.ts';
import type { CostScenario } from '../../bench/cost/types.ts';

const mode = (over: Partial<ModeResult>): ModeResult => ({
  mode: 'perBatch',
  invocations: 10,
  measuredInvocations: 10,
  records: 10_000,
  measuredRecords: 10_000,
  measuredSimulatedSeconds: 600,
  measuredPuts: 1_000,
  modelPutsOnMeasured: 1_000,
  puts: 1_000,
  resultWriteUnits: 1_000,
  indexWriteUnits: 2_000,
  deadLetterWriteUnits: 0,
  readUnits: 1_000,
  lambdaInvocations: 10,
  lambdaBilledMs: 1_000,
  lambdaGbSeconds: 1,
  windowsTerminatedEarly: 0,
  startupPuts: 0,
  perPut: { resultWriteUnits: 1, indexWriteUnits: 2, readUnits: 1 },
  cpu: { perRecordMs: 0, perRequestMs: 0 },
  measuredCpuMs: 0,
  ...over,
});

const run = (scenario: Partial<CostScenario>, coalescedUnits: number): ScenarioRun => ({
  scenario: {
    pipeline: 'ohlc',
    ratePerShard: 1_000,
    shards: 1,
    partitioning: 'keyed',
    minutes: 10,
    ...scenario,
  },
  events: 600_000,
  kinesisKib: 600_000,
  payloadBytes: 600_000 * 200,
  simulatedSeconds: 600,
  foldCpuMsPerRecord: 0,
  finalItems: {
    items: 100,
    lowerBoundTableWriteUnits: 100,
    lowerBoundIndexWriteUnits: 200,
    finalizerTableWriteUnits: 100,
    finalizerIndexWriteUnits: 300,
    finalizerReadUnits: 0,
    finalItemBytesMedian: 500,
    finalItemBytesMax: 600,
  },
  nativeWrites: 100,
  nativeWriteUnits: 100,
  nativeIndexWriteUnits: 200,
  invocations: { perBatch: [{ records: 600_000, contributions: 600_000 }], native: [], coalesced: 10 },
  perBatch: mode({}),
  coalesced: mode({ mode: 'coalesced', resultWriteUnits: coalescedUnits, indexWriteUnits: 0 }),
  wallSeconds: 1,
});

describe('Function: priceScenario', () => {
  it('prices Managed Flink as the KPUs for the rate plus orchestration, plus each item written once', () => {
    // Act
    const cost = priceScenario(run({}, 100), DEFAULT_BILLING);
    const flink = cost.options.flink;

    // Assess
    const hours = 600 / 3600;
    const storage = 50 * (600 / SECONDS_PER_MONTH) * PRICES.flinkRunningStorageGbMonth.usd;
    expect(cost.flinkSize.total).toBe(2);
    expect(flink?.dollars.flink).toBeCloseTo(2 * hours * 0.11 + storage, 10);
    expect(flink?.writeUnits.total).toBe(300);
    expect(flink?.dollars.dynamoWrites).toBeCloseTo(300 * PRICES.dynamoWriteRequestUnit.usd, 12);
    expect(flink?.perMonth).toBeCloseTo((flink?.dollars.total ?? 0) * (SECONDS_PER_MONTH / 600), 8);
  });

  it('adds the finalizer to streamfold’s writes and keeps Kinesis apart', () => {
    // Act
    const cost = priceScenario(run({}, 100), DEFAULT_BILLING);

    // Assess
    expect(cost.options.perBatch?.writeUnits).toEqual({
      table: 1_000,
      index: 2_000,
      finalizer: 400,
      deadLetters: 0,
      total: 3_400,
    });
    expect(cost.options.perRecord?.writeUnits.total).toBe(600_000);
    expect(cost.kinesis.usage.gibIn).toBeCloseTo(600_000 / 1024 / 1024, 12);
    expect(cost.kinesis.perMillionEvents).toBeCloseTo((cost.kinesis.dollars / 600_000) * 1e6, 10);
  });
});

describe('Function: costRatios', () => {
  it('takes the worst example at the top rate, keyed partitioning only', () => {
    // Prepare
    const scenarios = [
      priceScenario(run({}, 100), DEFAULT_BILLING),
      priceScenario(run({ pipeline: 'requests-by-ip' }, 300), DEFAULT_BILLING),
      priceScenario(run({ partitioning: 'random', shards: 4 }, 100_000), DEFAULT_BILLING),
      priceScenario(run({ ratePerShard: 10 }, 100), DEFAULT_BILLING),
    ];

    // Act
    const ratios = costRatios(scenarios, 'coalesced');

    // Assess: requests-by-ip coalesced writes 300 + finalizer 400 over the bound's 300.
    expect(ratios.writeUnitsVsWindowLowerBound).toBeCloseTo(700 / 300, 3);
    expect(ratios.tableWriteUnitsVsWindowLowerBound).toBeCloseTo(3, 3);
    expect(Object.keys(ratios.costVsFlinkByExample).sort()).toEqual(['ohlc', 'requests-by-ip']);
    expect(coalescedVsPerBatch(scenarios, 'requests-by-ip')).toBeCloseTo(700 / 3_400, 3);
  });
});
