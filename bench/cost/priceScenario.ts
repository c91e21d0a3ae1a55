import { FINALIZER_SETTINGS } from '../../infra/constructs/defaults.ts';
import { round } from '../harness/stats.ts';
import { FLINK_SIZING, type FlinkSize, flinkSize } from './flinkSizing.ts';
import { type BillingModel, billedMs, gbSeconds } from './lambdaBilling.ts';
import type { ModeResult } from './ModeRunner.ts';
import { PRICES, type PriceTable, SECONDS_PER_MONTH } from './prices.ts';
import {
  addUsage,
  type KinesisUsage,
  NO_USAGE,
  type OptionDollars,
  type OptionUsage,
  priceKinesis,
  priceUsage,
} from './priceUsage.ts';
import type { ScenarioRun } from './runScenario.ts';
import type { CostScenario } from './types.ts';

/** The designs compared, from the same traffic. */
export const COST_OPTIONS = [
  'perRecord',
  'perBatch',
  'coalesced',
  'lambdaTumbling',
  'flink',
  'lowerBound',
] as const;
export type CostOption = (typeof COST_OPTIONS)[number];

/** How each option is shown. */
export const OPTION_LABELS: Readonly<Record<CostOption, string>> = {
  perRecord: '(a) per-record UpdateItem',
  perBatch: '(b) streamfold, write every batch',
  coalesced: '(c) streamfold, coalesced writes',
  lambdaTumbling: '(d) Lambda tumbling windows',
  flink: '(e) Managed Flink',
  lowerBound: '(f) lower bound: each item once',
};

/** Where an option's figures come from. */
export type CostBasis = 'measured' | 'measured prefix + extrapolated' | 'model';

/** One option's cost in one scenario (Kinesis excluded: see {@link ScenarioCost.kinesis}). */
export interface OptionCost {
  readonly basis: CostBasis;
  readonly usage: OptionUsage;
  /** Write units by what they write. */
  readonly writeUnits: {
    readonly table: number;
    readonly index: number;
    readonly finalizer: number;
    readonly deadLetters: number;
    readonly total: number;
  };
  readonly dollars: OptionDollars;
  readonly perMillionEvents: number;
  readonly perMonth: number;
}

/** One scenario, every option priced. */
export interface ScenarioCost {
  readonly scenario: CostScenario;
  readonly events: number;
  readonly simulatedSeconds: number;
  readonly meanRecordBytes: number;
  readonly kinesis: {
    readonly usage: KinesisUsage;
    readonly dollars: number;
    readonly perMillionEvents: number;
    readonly perMonth: number;
  };
  readonly flinkSize: FlinkSize;
  readonly items: number;
  readonly finalItemBytes: { readonly median: number; readonly max: number };
  readonly options: Partial<Record<CostOption, OptionCost>>;
  /** How the streamfold modes were run: measured invocations against dynalite, and the factors used beyond. */
  readonly measurement: {
    readonly perBatch: MeasurementSummary;
    readonly coalesced: MeasurementSummary | undefined;
  };
  readonly foldCpuMsPerRecord: number;
  readonly wallSeconds: number;
}

/** What part of a mode ran for real, and the per-item-write factors applied to the rest. */
export interface MeasurementSummary {
  readonly invocations: number;
  readonly measuredInvocations: number;
  readonly measuredSimulatedSeconds: number;
  readonly measuredItemWrites: number;
  /** What the fold predicted for the measured invocations (checks the model: should equal the line above). */
  readonly modelItemWritesOnMeasured: number;
  readonly itemWrites: number;
  readonly itemWritesPerInvocation: number;
  readonly perItemWrite: {
    readonly tableWriteUnits: number;
    readonly indexWriteUnits: number;
    readonly readUnits: number;
  };
  /** CPU per record and per DynamoDB request fitted on the measured invocations (ms, this machine). */
  readonly cpu: { readonly perRecordMs: number; readonly perRequestMs: number };
  readonly windowsTerminatedEarly: number;
  /** Item writes of flushes before a shard's first interval ended: one-offs, not scaled (see bench/README.md). */
  readonly startupItemWrites: number;
}

const GIB_IN_KIB = 1024 * 1024;
/** The finalizer's memory (`FINALIZER_SETTINGS.memorySize`) and updates in flight (`finalizeWindows`). */
const FINALIZER = { memoryMb: FINALIZER_SETTINGS.memorySize, concurrency: 8 } as const;

const summary = (r: ModeResult): MeasurementSummary => ({
  invocations: r.invocations,
  measuredInvocations: r.measuredInvocations,
  measuredSimulatedSeconds: round(r.measuredSimulatedSeconds, 4),
  measuredItemWrites: r.measuredPuts,
  modelItemWritesOnMeasured: r.modelPutsOnMeasured,
  itemWrites: Math.round(r.puts),
  itemWritesPerInvocation: round(r.puts / Math.max(1, r.invocations), 4),
  perItemWrite: {
    tableWriteUnits: round(r.perPut.resultWriteUnits, 4),
    indexWriteUnits: round(r.perPut.indexWriteUnits, 4),
    readUnits: round(r.perPut.readUnits, 4),
  },
  cpu: { perRecordMs: round(r.cpu.perRecordMs, 3), perRequestMs: round(r.cpu.perRequestMs, 3) },
  windowsTerminatedEarly: r.windowsTerminatedEarly,
  startupItemWrites: r.startupPuts,
});

/**
 * Prices a scenario run: every option's usage (DynamoDB write and read units, Lambda invocations and
 * GB-seconds, Flink KPU-hours and storage) in dollars, per million events and per month, and the stream's
 * own cost beside them.
 *
 * @example
 * const cost = priceScenario(run, DEFAULT_BILLING);
 */
export const priceScenario = (
  run: ScenarioRun,
  billing: BillingModel,
  prices: PriceTable = PRICES,
): ScenarioCost => {
  const { scenario, events, simulatedSeconds, finalItems } = run;
  const cpuMsPerRequest = run.perBatch.cpu.perRequestMs;
  const perEvents = (dollars: number): number => (events > 0 ? (dollars / events) * 1e6 : 0);
  const perMonth = (dollars: number): number => (dollars / simulatedSeconds) * SECONDS_PER_MONTH;
  const option = (
    basis: CostBasis,
    usage: OptionUsage,
    writeUnits: Omit<OptionCost['writeUnits'], 'total'>,
  ): OptionCost => {
    const dollars = priceUsage(usage, prices);
    return {
      basis,
      usage,
      writeUnits: {
        ...writeUnits,
        total: writeUnits.table + writeUnits.index + writeUnits.finalizer + writeUnits.deadLetters,
      },
      dollars,
      perMillionEvents: perEvents(dollars.total),
      perMonth: perMonth(dollars.total),
    };
  };

  // The finalizer: one run a minute; each item updated once (status → final, out of open-windows).
  const minutes = simulatedSeconds / 60;
  const updatesPerRun = finalItems.items / minutes;
  const finalizerRunMs = billedMs(
    (updatesPerRun + 1) * cpuMsPerRequest,
    1 + Math.ceil(updatesPerRun / FINALIZER.concurrency),
    { ...billing, memoryMb: FINALIZER.memoryMb },
  );
  const finalizer: OptionUsage = {
    ...NO_USAGE,
    dynamoWriteUnits: finalItems.finalizerTableWriteUnits + finalItems.finalizerIndexWriteUnits,
    dynamoReadUnits: finalItems.finalizerReadUnits,
    lambdaInvocations: minutes,
    lambdaGbSeconds: gbSeconds(finalizerRunMs * minutes, FINALIZER.memoryMb),
  };
  const finalizerUnits = finalItems.finalizerTableWriteUnits + finalItems.finalizerIndexWriteUnits;
  const streamfold = (r: ModeResult): OptionCost =>
    option(
      r.measuredInvocations === r.invocations ? 'measured' : 'measured prefix + extrapolated',
      addUsage(finalizer, {
        ...NO_USAGE,
        dynamoWriteUnits: r.resultWriteUnits + r.indexWriteUnits + r.deadLetterWriteUnits,
        dynamoReadUnits: r.readUnits,
        lambdaInvocations: r.lambdaInvocations,
        lambdaGbSeconds: r.lambdaGbSeconds,
      }),
      {
        table: r.resultWriteUnits,
        index: r.indexWriteUnits,
        finalizer: finalizerUnits,
        deadLetters: r.deadLetterWriteUnits,
      },
    );

  // (a) one UpdateItem ADD per record and window, minimal item (1 WU), same invocations as (b).
  let contributions = 0;
  let perRecordMs = 0;
  for (const inv of run.invocations.perBatch) {
    contributions += inv.contributions;
    perRecordMs += billedMs(
      inv.records * run.foldCpuMsPerRecord + inv.contributions * cpuMsPerRequest,
      Math.ceil(inv.contributions / 16),
      billing,
    );
  }
  // (d) native tumbling windows: batches fold, the final invocation writes one item per group.
  let nativeMs = 0;
  for (const inv of run.invocations.native) {
    nativeMs += billedMs(
      inv.records * run.foldCpuMsPerRecord + inv.writes * cpuMsPerRequest,
      Math.ceil(inv.writes / 16),
      billing,
    );
  }
  const lowerUnits = finalItems.lowerBoundTableWriteUnits + finalItems.lowerBoundIndexWriteUnits;
  const size = flinkSize(scenario.ratePerShard * scenario.shards);
  const hours = simulatedSeconds / 3600;
  const options: Partial<Record<CostOption, OptionCost>> = {
    perRecord: option(
      'model',
      {
        ...NO_USAGE,
        dynamoWriteUnits: contributions,
        lambdaInvocations: run.invocations.perBatch.length,
        lambdaGbSeconds: gbSeconds(perRecordMs, billing.memoryMb),
      },
      { table: contributions, index: 0, finalizer: 0, deadLetters: 0 },
    ),
    perBatch: streamfold(run.perBatch),
    ...(run.coalesced !== undefined ? { coalesced: streamfold(run.coalesced) } : {}),
    lambdaTumbling: option(
      'model',
      {
        ...NO_USAGE,
        dynamoWriteUnits: run.nativeWriteUnits + run.nativeIndexWriteUnits,
        lambdaInvocations: run.invocations.native.length,
        lambdaGbSeconds: gbSeconds(nativeMs, billing.memoryMb),
      },
      { table: run.nativeWriteUnits, index: run.nativeIndexWriteUnits, finalizer: 0, deadLetters: 0 },
    ),
    flink: option(
      'model',
      {
        ...NO_USAGE,
        dynamoWriteUnits: lowerUnits,
        flinkKpuHours: size.total * hours,
        flinkStorageGbMonths:
          size.processing * FLINK_SIZING.storageGbPerKpu * (simulatedSeconds / SECONDS_PER_MONTH),
      },
      {
        table: finalItems.lowerBoundTableWriteUnits,
        index: finalItems.lowerBoundIndexWriteUnits,
        finalizer: 0,
        deadLetters: 0,
      },
    ),
    lowerBound: option(
      'model',
      { ...NO_USAGE, dynamoWriteUnits: lowerUnits },
      {
        table: finalItems.lowerBoundTableWriteUnits,
        index: finalItems.lowerBoundIndexWriteUnits,
        finalizer: 0,
        deadLetters: 0,
      },
    ),
  };
  const kinesisUsage: KinesisUsage = {
    streamHours: hours,
    gibIn: run.kinesisKib / GIB_IN_KIB,
    gibOut: run.kinesisKib / GIB_IN_KIB,
  };
  const kinesisDollars = priceKinesis(kinesisUsage, prices);
  return {
    scenario,
    events,
    simulatedSeconds,
    meanRecordBytes: round(run.payloadBytes / Math.max(1, events), 4),
    kinesis: {
      usage: kinesisUsage,
      dollars: kinesisDollars,
      perMillionEvents: perEvents(kinesisDollars),
      perMonth: perMonth(kinesisDollars),
    },
    flinkSize: size,
    items: finalItems.items,
    finalItemBytes: { median: finalItems.finalItemBytesMedian, max: finalItems.finalItemBytesMax },
    options,
    measurement: {
      perBatch: summary(run.perBatch),
      coalesced: run.coalesced && summary(run.coalesced),
    },
    foldCpuMsPerRecord: round(run.foldCpuMsPerRecord, 4),
    wallSeconds: round(run.wallSeconds),
  };
};
