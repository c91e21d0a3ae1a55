import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SourceRecord } from '../../shared/record/types.ts';
import { sequenceNumber } from '../../test/helpers/kinesisEvent.ts';
import { EXAMPLE_BATCHES } from '../data/exampleBatches.ts';
import type { IndexWriteTracker } from './IndexWriteTracker.ts';
import type { BillingModel } from './lambdaBilling.ts';
import {
  CoalescedUnavailable,
  type CostMode,
  type InvocationModel,
  type ModeResult,
  ModeRunner,
} from './ModeRunner.ts';
import type { RequestCounter } from './RequestCounter.ts';
import { type FinalItemsCost, ScenarioFold } from './ScenarioFold.ts';
import { type BatcherSettings, ShardBatcher, type VirtualInvocation } from './ShardBatcher.ts';
import { ShardRecords, type StreamRecord } from './ShardRecords.ts';
import { keysOfShard } from './shardOfKey.ts';
import { trafficClock } from './trafficClock.ts';
import type { CostScenario, CostSettings } from './types.ts';

/** Start of every scenario's traffic: 2026-12-01T00:00:00Z (minute-aligned, so minutes are intervals). */
export const COST_EPOCH_MS = Date.UTC(2026, 11, 1, 0, 0, 0);

const MINUTE_MS = 60_000;
/** JSON bytes of one event record besides its base64 data and partition key (as the local ESM counts). */
const RECORD_ENVELOPE_BYTES = 600;

/** Everything a scenario run needs that outlives it. */
export interface ScenarioEnvironment {
  readonly client: DynamoDBClient;
  readonly counter: RequestCounter;
  readonly trackers: Map<string, IndexWriteTracker>;
  /** The mapping's batching (batch size, window, payload); the interval is set per mode. */
  readonly batching: Omit<BatcherSettings, 'intervalMs'>;
  readonly billing: BillingModel;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** `flushEvery` of coalesced mode when the definition writes every batch (`flushEveryMs` 0). */
  readonly coalescedIntervalMs: number;
  /** `flushEvery` (ms) every example gets instead of its own (the flush sweep); undefined: its own. */
  readonly flushEveryMs?: number;
  readonly measurement: CostSettings['measurement'];
  /** Whether the handler supports coalesced writes; set to false the first time it turns out not to. */
  coalescedAvailable: boolean;
}

/** Per-invocation counts of the options priced from the fold. */
export interface ModelInvocations {
  /** Per-batch mapping's invocations: records and (record, window) contributions (per-record writer). */
  readonly perBatch: readonly { readonly records: number; readonly contributions: number }[];
  /** Native tumbling windows (interval = the window's advance): records, or item writes at the final invocation. */
  readonly native: readonly { readonly records: number; readonly writes: number }[];
  readonly coalesced: number;
}

/** What one scenario run measured and counted, before pricing. */
export interface ScenarioRun {
  readonly scenario: CostScenario;
  readonly events: number;
  /** Σ ceil(record bytes / 1 KiB): what Kinesis on-demand bills in and out. */
  readonly kinesisKib: number;
  readonly payloadBytes: number;
  readonly simulatedSeconds: number;
  readonly foldCpuMsPerRecord: number;
  readonly finalItems: FinalItemsCost;
  readonly nativeWrites: number;
  readonly nativeWriteUnits: number;
  readonly nativeIndexWriteUnits: number;
  readonly invocations: ModelInvocations;
  readonly perBatch: ModeResult;
  readonly coalesced: ModeResult | undefined;
  readonly wallSeconds: number;
}

interface Due {
  readonly shard: number;
  readonly invocation: VirtualInvocation;
}

const encoder = new TextEncoder();

/** The records as the fold reads them: UTF-8 payloads (views into one buffer per chunk), sequence numbers. */
const toSources = (records: readonly StreamRecord[], first: number): SourceRecord[] => {
  let capacity = 0;
  for (const r of records) capacity += r.text.length * 3;
  const bytes = new Uint8Array(capacity);
  let offset = 0;
  return records.map((r, i) => {
    const { written } = encoder.encodeInto(r.text, bytes.subarray(offset));
    const data = bytes.subarray(offset, offset + written);
    offset += written;
    return {
      data,
      sequenceNumber: sequenceNumber(first + i + 1),
      partitionKey: r.partitionKey,
      arrivalMs: r.arrivalMs,
    };
  });
};

const byTime = (a: Due, b: Due): number =>
  a.invocation.invokeAtMs - b.invocation.invokeAtMs || a.shard - b.shard;

/**
 * Runs one scenario on the virtual clock: generates each shard's records minute by minute (the bench's
 * deterministic generators, {@link trafficClock} times, keyed or random partitioning), folds them (model),
 * replays the event source mapping per shard for each write mode, and runs the real `BatchProcessor`
 * against dynalite for the measured prefix of each mode (see {@link ModeRunner}).
 *
 * @example
 * const run = await runScenario({ pipeline: 'ohlc', ratePerShard: 100, shards: 4, partitioning: 'keyed', minutes: 10 }, env);
 */
export const runScenario = async (scenario: CostScenario, env: ScenarioEnvironment): Promise<ScenarioRun> => {
  const wallStarted = performance.now();
  const pipelineIndex = EXAMPLE_BATCHES.findIndex((e) => e.definition.name === scenario.pipeline);
  const example = EXAMPLE_BATCHES[pipelineIndex];
  if (example === undefined) throw new Error(`Unknown example pipeline ${scenario.pipeline}`);
  const definition =
    env.flushEveryMs === undefined
      ? example.definition
      : Object.freeze({ ...example.definition, flushEveryMs: env.flushEveryMs });
  const shards = Array.from({ length: scenario.shards }, (_, s) => s);
  const startMs = COST_EPOCH_MS;
  const fold = new ScenarioFold(definition);
  const batchers = (intervalMs: number): ShardBatcher[] =>
    shards.map(() => new ShardBatcher({ ...env.batching, intervalMs }));
  const perBatchEsm = batchers(0);
  const coalescedIntervalMs = definition.flushEveryMs > 0 ? definition.flushEveryMs : env.coalescedIntervalMs;
  const coalescedEsm = batchers(coalescedIntervalMs);
  const nativeEsm = batchers(definition.window.advanceMs);
  const store = shards.map(() => new ShardRecords(3));
  const positions = shards.map(() => 0);
  const keep = shards.map((s) =>
    scenario.partitioning === 'keyed' && scenario.shards > 1 ? keysOfShard(s, scenario.shards) : undefined,
  );
  const groupsByMinute = shards.map(() => new Map<number, number>());
  const intervalItems = shards.map(() => new Set<number>());
  const perBatchModel: { records: number; contributions: number }[] = [];
  const nativeModel: { records: number; writes: number }[] = [];
  let coalescedInvocations = 0;
  let events = 0;
  let kinesisKib = 0;
  let payloadBytes = 0;

  const recordsPerMinute = scenario.ratePerShard * scenario.shards * 60;
  const coalescedMinutes = Math.min(
    scenario.minutes,
    Math.max(1, Math.floor(env.measurement.coalescedRecords / recordsPerMinute)),
  );
  const runnerOptions = (mode: CostMode) => ({
    mode,
    definition,
    client: env.client,
    counter: env.counter,
    trackers: env.trackers,
    putBudget: mode === 'perBatch' ? env.measurement.perBatchItemWrites : Number.POSITIVE_INFINITY,
    measureUntilMs: mode === 'perBatch' ? Number.POSITIVE_INFINITY : startMs + coalescedMinutes * MINUTE_MS,
    billing: env.billing,
    concurrency: env.concurrency,
    timeoutMs: env.timeoutMs,
    startMs,
  });
  const perBatch = await ModeRunner.open(runnerOptions('perBatch'));
  let coalesced = env.coalescedAvailable ? await ModeRunner.open(runnerOptions('coalesced')) : undefined;

  /** Runs (or prices) one invocation of a write mode. */
  const run = async (
    runner: ModeRunner,
    due: Due,
    model: InvocationModel,
    records: readonly StreamRecord[],
  ): Promise<void> => {
    if (runner.measuring(due.invocation, model))
      await runner.measure(due.shard, due.invocation, records, model);
    else runner.skip(model);
  };

  const processPerBatch = async (list: Due[]): Promise<void> => {
    for (const due of list.sort(byTime)) {
      const { first, count } = due.invocation;
      const items = new Set<number>();
      const records: StreamRecord[] = [];
      let deadLetters = 0;
      let contributions = 0;
      (store[due.shard] as ShardRecords).forEach(first, count, (chunk, i, record) => {
        records.push(record);
        deadLetters += chunk.deadLetter[i] as number;
        const n = chunk.itemCounts[i] as number;
        contributions += n;
        for (let k = 0; k < n; k++) items.add(chunk.itemIds[i * chunk.stride + k] as number);
      });
      perBatchModel.push({ records: count, contributions });
      await run(perBatch, due, { records: count, puts: items.size, deadLetters, final: false }, records);
    }
  };

  const processCoalesced = async (list: Due[]): Promise<void> => {
    for (const due of list.sort(byTime)) {
      coalescedInvocations += 1;
      const { first, count, final } = due.invocation;
      const interval = intervalItems[due.shard] as Set<number>;
      const records: StreamRecord[] = [];
      let deadLetters = 0;
      (store[due.shard] as ShardRecords).forEach(first, count, (chunk, i, record) => {
        records.push(record);
        deadLetters += chunk.deadLetter[i] as number;
        const n = chunk.itemCounts[i] as number;
        for (let k = 0; k < n; k++) interval.add(chunk.itemIds[i * chunk.stride + k] as number);
      });
      const model = { records: count, puts: final ? interval.size : 0, deadLetters, final };
      if (final) interval.clear();
      if (coalesced === undefined) continue;
      try {
        await run(coalesced, due, model, records);
      } catch (error) {
        if (!(error instanceof CoalescedUnavailable)) throw error;
        env.coalescedAvailable = false;
        await coalesced.close();
        coalesced = undefined;
      }
    }
  };

  const processNative = (list: Due[]): void => {
    for (const { shard, invocation } of list) {
      const writes =
        invocation.final && invocation.window !== undefined
          ? ((groupsByMinute[shard] as Map<number, number>).get(invocation.window.startMs) ?? 0)
          : 0;
      nativeModel.push({ records: invocation.count, writes });
    }
  };

  const drain = async (dues: { perBatch: Due[]; coalesced: Due[]; native: Due[] }): Promise<void> => {
    await processPerBatch(dues.perBatch);
    await processCoalesced(dues.coalesced);
    processNative(dues.native);
  };

  try {
    for (let minute = 0; minute < scenario.minutes; minute++) {
      const minuteStartMs = startMs + minute * MINUTE_MS;
      const minuteEndMs = minuteStartMs + MINUTE_MS;
      const dues = { perBatch: [] as Due[], coalesced: [] as Due[], native: [] as Due[] };
      for (const s of shards) {
        const generated = example.realistic({
          count: Math.round(scenario.ratePerShard * 60),
          seed:
            1 +
            pipelineIndex * 100_003 +
            s * 1_009 +
            minute * 7_919 +
            (scenario.partitioning === 'random' ? 500_000 : 0),
          startMs: minuteStartMs,
          poolSeed: 1,
          times: trafficClock(MINUTE_MS),
          keepGroup: keep[s],
        });
        const first = positions[s] as number;
        const records: StreamRecord[] = generated.map((g, i) => ({
          text: g.text,
          arrivalMs: g.arrivalMs,
          partitionKey: scenario.partitioning === 'keyed' ? (g.key ?? 'none') : `${minute}-${s}-${i}`,
        }));
        const sources = toSources(records, first);
        const chunk = fold.foldChunk(s, sources, minuteEndMs);
        (groupsByMinute[s] as Map<number, number>).set(minuteStartMs, chunk.groups);
        (store[s] as ShardRecords).add(records, chunk);
        positions[s] = first + records.length;
        for (let i = 0; i < records.length; i++) {
          const record = records[i] as StreamRecord;
          const bytes = (sources[i] as SourceRecord).data.length;
          events += 1;
          kinesisKib += Math.ceil(bytes / 1024);
          payloadBytes += bytes;
          const eventBytes = Math.ceil(bytes / 3) * 4 + record.partitionKey.length + RECORD_ENVELOPE_BYTES;
          for (const inv of (perBatchEsm[s] as ShardBatcher).push(record.arrivalMs, eventBytes))
            dues.perBatch.push({ shard: s, invocation: inv });
          for (const inv of (coalescedEsm[s] as ShardBatcher).push(record.arrivalMs, eventBytes))
            dues.coalesced.push({ shard: s, invocation: inv });
          for (const inv of (nativeEsm[s] as ShardBatcher).push(record.arrivalMs, eventBytes))
            dues.native.push({ shard: s, invocation: inv });
        }
      }
      const last = minute === scenario.minutes - 1;
      const untilMs = last ? Number.MAX_SAFE_INTEGER : minuteEndMs;
      for (const s of shards) {
        for (const inv of (perBatchEsm[s] as ShardBatcher).advanceTo(untilMs))
          dues.perBatch.push({ shard: s, invocation: inv });
        for (const inv of (coalescedEsm[s] as ShardBatcher).advanceTo(untilMs))
          dues.coalesced.push({ shard: s, invocation: inv });
        for (const inv of (nativeEsm[s] as ShardBatcher).advanceTo(untilMs))
          dues.native.push({ shard: s, invocation: inv });
      }
      await drain(dues);
    }
    const foldCpuMsPerRecord = fold.foldedRecords > 0 ? fold.foldCpuMs / fold.foldedRecords : 0;
    return {
      scenario,
      events,
      kinesisKib,
      payloadBytes,
      simulatedSeconds: scenario.minutes * 60,
      foldCpuMsPerRecord,
      finalItems: fold.finalItems(),
      nativeWrites: fold.nativeWrites,
      nativeWriteUnits: fold.nativeWriteUnits,
      nativeIndexWriteUnits: fold.nativeIndexWriteUnits,
      invocations: { perBatch: perBatchModel, native: nativeModel, coalesced: coalescedInvocations },
      perBatch: perBatch.result(),
      coalesced: coalesced?.result(),
      wallSeconds: (performance.now() - wallStarted) / 1000,
    };
  } finally {
    await perBatch.close();
    await coalesced?.close();
  }
};
