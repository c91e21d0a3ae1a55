import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import type { BatchReport } from '../../shared/handler/types.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';
import { kinesisEvent, sequenceNumber } from '../../test/helpers/kinesisEvent.ts';
import { type CpuModel, type CpuSample, fitCpuModel } from './cpuModel.ts';
import { IndexWriteTracker } from './IndexWriteTracker.ts';
import { type BillingModel, billedMs, gbSeconds } from './lambdaBilling.ts';
import type { RequestCounter } from './RequestCounter.ts';
import type { VirtualInvocation } from './ShardBatcher.ts';
import type { StreamRecord } from './ShardRecords.ts';

/** How streamfold writes: every batch (today), or buffered in Lambda's tumbling-window state (issue 11). */
export type CostMode = 'perBatch' | 'coalesced';

/** What the fold says one invocation will do, known before it runs. */
export interface InvocationModel {
  readonly records: number;
  /** Results items it writes (distinct items of its records; for coalesced mode, of the interval at its final invocation). */
  readonly puts: number;
  readonly deadLetters: number;
  /** A tumbling window's final invocation (coalesced mode). */
  readonly final: boolean;
}

/** Thrown when the handler does not answer a tumbling-window event with a state: coalesced writes are not there yet. */
export class CoalescedUnavailable extends Error {
  public constructor() {
    super('BatchProcessor returned no tumbling-window state: coalesced writes are not implemented yet');
    this.name = 'CoalescedUnavailable';
  }
}

/** A one-mode run's totals: measured invocations plus the extrapolated rest. */
export interface ModeResult {
  readonly mode: CostMode;
  readonly invocations: number;
  readonly measuredInvocations: number;
  readonly records: number;
  readonly measuredRecords: number;
  /** Simulated time covered by the measured invocations (from the start of the run). */
  readonly measuredSimulatedSeconds: number;
  /** Items written: measured, what the fold predicted for the measured invocations, and the run's total. */
  readonly measuredPuts: number;
  readonly modelPutsOnMeasured: number;
  readonly puts: number;
  /** Results-table write units (dynalite's, scaled per item write beyond the measured part). */
  readonly resultWriteUnits: number;
  /** Modelled index write units of the items written (per item write beyond the measured part). */
  readonly indexWriteUnits: number;
  readonly deadLetterWriteUnits: number;
  readonly readUnits: number;
  readonly lambdaInvocations: number;
  readonly lambdaBilledMs: number;
  readonly lambdaGbSeconds: number;
  /** Windows Lambda would have ended early because the returned state exceeded 1 MB (coalesced mode). */
  readonly windowsTerminatedEarly: number;
  /**
   * Coalesced mode: item writes in each shard's first interval beyond one per distinct item (the handler
   * flushes once before the interval ends while the shard has no ceiling item yet, then writes those items
   * again): a one-off at a shard's start, counted where measured but left out of the measured ÷ predicted
   * ratio that scales the unmeasured intervals.
   */
  readonly startupPuts: number;
  /** Factors measured on the measured part and used for the rest. */
  readonly perPut: {
    readonly resultWriteUnits: number;
    readonly indexWriteUnits: number;
    readonly readUnits: number;
  };
  /** CPU per record and per DynamoDB request, fitted on the measured invocations. */
  readonly cpu: CpuModel;
  readonly measuredCpuMs: number;
}

/** Options of {@link ModeRunner.open}. */
export interface ModeRunnerOptions {
  readonly mode: CostMode;
  readonly definition: PipelineDefinition;
  readonly client: DynamoDBClient;
  readonly counter: RequestCounter;
  /** Where the counter's `PutItem` observer finds the index tracker of a table. */
  readonly trackers: Map<string, IndexWriteTracker>;
  /** Stop measuring once the measured item writes would exceed this (the first invocation is always measured). */
  readonly putBudget: number;
  /** Stop measuring after this virtual time (invocations at it still run). */
  readonly measureUntilMs: number;
  readonly billing: BillingModel;
  /** Item writes in flight at once (the construct's `writeConcurrency`). */
  readonly concurrency: number;
  /** The function's timeout, for the processor's deadline. */
  readonly timeoutMs: number;
  readonly startMs: number;
}

const STATE_LIMIT_BYTES = 1024 * 1024;
const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/cost';

/** One measured invocation, for the factors applied to the unmeasured ones. */
interface Sample extends CpuSample {
  readonly final: boolean;
  readonly puts: number;
  readonly deadLetters: number;
  readonly roundTrips: number;
}

/** Requests and round trips the item writes and dead letters of an invocation imply by themselves. */
const implied = (puts: number, deadLetters: number, concurrency: number) => {
  const gets = Math.ceil(puts / BATCH_GET_KEYS);
  const writes = Math.ceil(deadLetters / BATCH_WRITE_ITEMS);
  return { requests: gets + puts + writes, roundTrips: gets + Math.ceil(puts / concurrency) + writes };
};

const records = (event: KinesisStreamEvent): number => event.Records?.length ?? 0;

const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

/** The tumbling-window event as Lambda sends it (`@types/aws-lambda` lacks the last two fields). */
type TumblingWindowEvent = KinesisStreamTumblingWindowEvent & {
  readonly shardId: string;
  readonly eventSourceARN: string;
};

let tables = 0;

/**
 * Runs one write mode of one scenario: the real `BatchProcessor` against dynalite for every invocation
 * while the measured item writes fit the budget (a prefix of the run, in virtual-time order), then the
 * fold's exact per-invocation counts priced with the factors measured on that prefix. Fresh tables per run
 * (without GSIs: dynalite bills none, and they only slow it down; index units are modelled).
 *
 * @example
 * const runner = await ModeRunner.open({ mode: 'perBatch', ... });
 * if (runner.measuring(model)) await runner.measure(shard, invocation, records, model);
 * else runner.skip(model);
 */
export class ModeRunner {
  private stillMeasuring = true;
  private readonly states = new Map<number, Record<string, string>>();
  private readonly unmeasured: InvocationModel[] = [];
  private readonly samples: Sample[] = [];
  private invocations = 0;
  private measuredInvocations = 0;
  private records = 0;
  private measuredRecords = 0;
  private measuredUntilMs: number;
  private measuredPuts = 0;
  private modelPutsOnMeasured = 0;
  private resultWriteUnits = 0;
  private deadLetterWriteUnits = 0;
  private deadLettersMeasured = 0;
  private readUnits = 0;
  private cpuMs = 0;
  private billed = 0;
  private terminatedEarly = 0;
  private startupPuts = 0;
  /** Per shard, until its first final invocation: item writes and the distinct items they wrote. */
  private readonly firstInterval = new Map<number, { writes: number; items: Set<string> }>();
  /** Shards that have had their first final invocation. */
  private readonly settled = new Set<number>();
  private now = 0;

  private constructor(
    private readonly options: ModeRunnerOptions,
    private readonly processor: BatchProcessor,
    private readonly tracker: IndexWriteTracker,
    private readonly drop: () => Promise<void>,
  ) {
    this.measuredUntilMs = options.startMs;
  }

  public static async open(options: ModeRunnerOptions): Promise<ModeRunner> {
    const { client, definition } = options;
    tables += 1;
    const resultsTable = `cost-${process.pid}-${tables}-results`;
    const deadLetterTable = `cost-${process.pid}-${tables}-dead-letters`;
    const schema = resultsTableSchema(definition);
    await client.send(new CreateTableCommand(createTableInput(resultsTable, { ...schema, indexes: [] })));
    await client.send(new CreateTableCommand(createTableInput(deadLetterTable, deadLetterTableSchema())));
    const tracker = new IndexWriteTracker(definition);
    options.trackers.set(resultsTable, tracker);
    let runner: ModeRunner | undefined;
    const processor = new BatchProcessor({
      definition,
      client,
      resultsTable,
      deadLetterTable,
      concurrency: options.concurrency,
      now: () => runner?.now ?? 0,
    });
    runner = new ModeRunner(options, processor, tracker, async () => {
      options.trackers.delete(resultsTable);
      await client.send(new DeleteTableCommand({ TableName: resultsTable }));
      await client.send(new DeleteTableCommand({ TableName: deadLetterTable }));
    });
    return runner;
  }

  /**
   * Whether this invocation runs for real: yes until the measuring time is over or the measured item
   * writes, with this one, would exceed the budget; from then on the rest of the run is priced from the fold.
   */
  public measuring(invocation: VirtualInvocation, model: InvocationModel): boolean {
    if (!this.stillMeasuring) return false;
    if (
      invocation.invokeAtMs > this.options.measureUntilMs ||
      (this.measuredInvocations > 0 && this.modelPutsOnMeasured + model.puts > this.options.putBudget)
    ) {
      this.stillMeasuring = false;
    }
    return this.stillMeasuring;
  }

  /** Runs one invocation through the real handler against dynalite. */
  public async measure(
    shard: number,
    invocation: VirtualInvocation,
    records: readonly StreamRecord[],
    model: InvocationModel,
  ): Promise<void> {
    const shardId = `shardId-${String(shard).padStart(12, '0')}`;
    const base = kinesisEvent(
      records.map((r, i) => ({
        data: r.text,
        sequenceNumber: sequenceNumber(invocation.first + i + 1),
        arrivalMs: r.arrivalMs,
        partitionKey: r.partitionKey,
      })),
      shardId,
    );
    await this.invoke(shard, shardId, base, invocation, false, model);
    this.invocations += 1;
    this.measuredInvocations += 1;
    this.records += model.records;
    this.measuredRecords += model.records;
    this.modelPutsOnMeasured += model.puts;
    this.measuredUntilMs = Math.max(this.measuredUntilMs, invocation.invokeAtMs);
  }

  /** Accounts for one invocation from the fold only. */
  public skip(model: InvocationModel): void {
    this.invocations += 1;
    this.records += model.records;
    this.unmeasured.push(model);
  }

  public async close(): Promise<void> {
    await this.drop();
  }

  /** Totals of the run: the measured invocations plus the rest priced with the measured factors. */
  public result(): ModeResult {
    const { billing, concurrency } = this.options;
    const indexUnits = this.tracker.units;
    const perPut = {
      resultWriteUnits: this.measuredPuts > 0 ? this.resultWriteUnits / this.measuredPuts : 1,
      indexWriteUnits: this.measuredPuts > 0 ? indexUnits / this.measuredPuts : 0,
      readUnits: this.measuredPuts > 0 ? this.readUnits / this.measuredPuts : 1,
    };
    const deadLetterUnits =
      this.deadLettersMeasured > 0 ? this.deadLetterWriteUnits / this.deadLettersMeasured : 1;
    let startupPuts = this.startupPuts;
    for (const first of this.firstInterval.values()) startupPuts += first.writes - first.items.size;
    const putsCorrection =
      this.modelPutsOnMeasured > 0 ? (this.measuredPuts - startupPuts) / this.modelPutsOnMeasured : 1;
    const cpu = fitCpuModel(this.samples);
    // Requests and round trips beyond the item writes and dead letters (shard ceiling reads and writes),
    // per invocation of each kind.
    const extra = (final: boolean) => {
      const of = this.samples.filter((x) => x.final === final);
      const base = of.map((x) => implied(x.puts, x.deadLetters, concurrency));
      return {
        requests: Math.max(0, mean(of.map((x, i) => x.requests - (base[i]?.requests ?? 0)))),
        roundTrips: Math.max(0, mean(of.map((x, i) => x.roundTrips - (base[i]?.roundTrips ?? 0)))),
      };
    };
    const extras = { batch: extra(false), final: extra(true) };
    let puts = this.measuredPuts;
    let resultWriteUnits = this.resultWriteUnits;
    let indexWriteUnits = indexUnits;
    let deadLetterWriteUnits = this.deadLetterWriteUnits;
    let readUnits = this.readUnits;
    let billed = this.billed;
    for (const u of this.unmeasured) {
      const p = u.puts * putsCorrection;
      puts += p;
      resultWriteUnits += p * perPut.resultWriteUnits;
      indexWriteUnits += p * perPut.indexWriteUnits;
      readUnits += p * perPut.readUnits;
      deadLetterWriteUnits += u.deadLetters * deadLetterUnits;
      const more = u.final ? extras.final : extras.batch;
      const base = implied(p, u.deadLetters, concurrency);
      const requests = base.requests + more.requests;
      billed += billedMs(
        u.records * cpu.perRecordMs + requests * cpu.perRequestMs,
        base.roundTrips + more.roundTrips,
        billing,
      );
    }
    return {
      mode: this.options.mode,
      invocations: this.invocations,
      measuredInvocations: this.measuredInvocations,
      records: this.records,
      measuredRecords: this.measuredRecords,
      measuredSimulatedSeconds: (this.measuredUntilMs - this.options.startMs) / 1000,
      measuredPuts: this.measuredPuts,
      modelPutsOnMeasured: this.modelPutsOnMeasured,
      puts,
      resultWriteUnits,
      indexWriteUnits,
      deadLetterWriteUnits,
      readUnits,
      lambdaInvocations: this.invocations,
      lambdaBilledMs: billed,
      lambdaGbSeconds: gbSeconds(billed, billing.memoryMb),
      windowsTerminatedEarly: this.terminatedEarly,
      startupPuts,
      perPut,
      cpu,
      measuredCpuMs: this.cpuMs,
    };
  }

  private async invoke(
    shard: number,
    shardId: string,
    base: KinesisStreamEvent,
    invocation: VirtualInvocation,
    terminatedEarly: boolean,
    model: InvocationModel,
  ): Promise<void> {
    const coalesced = this.options.mode === 'coalesced';
    const window = invocation.window;
    let event: KinesisStreamEvent = base;
    if (coalesced && window !== undefined) {
      const windowEvent: TumblingWindowEvent = {
        ...base,
        window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() },
        state: this.states.get(shard) ?? {},
        shardId,
        eventSourceARN: STREAM_ARN,
        isFinalInvokeForWindow: invocation.final || terminatedEarly,
        isWindowTerminatedEarly: terminatedEarly,
      };
      event = windowEvent;
    }
    this.now = invocation.invokeAtMs;
    this.options.counter.take();
    const started = process.cpuUsage();
    const report: BatchReport = await this.processor.process(event, {
      getRemainingTimeInMillis: () => this.options.timeoutMs,
    });
    const used = process.cpuUsage(started);
    const counts = this.options.counter.take();
    if (report.failedSequence !== undefined || report.itemsFailed > 0) {
      throw new Error(`Invocation at ${new Date(invocation.invokeAtMs).toISOString()} on ${shardId} failed`);
    }
    const cpuMs = (used.user + used.system) / 1000;
    const requests =
      counts.batchGetItem + counts.getItem + counts.putItem + counts.deadLetterPut + counts.other;
    const roundTrips =
      counts.batchGetItem +
      counts.getItem +
      Math.ceil(counts.putItem / this.options.concurrency) +
      // Dead letters: 8 puts in flight (DeadLetterWriter's default).
      Math.ceil(counts.deadLetterPut / 8) +
      counts.other;
    this.cpuMs += cpuMs;
    this.billed += billedMs(cpuMs, roundTrips, this.options.billing);
    this.samples.push({
      final: invocation.final || terminatedEarly,
      records: records(base),
      requests,
      roundTrips,
      cpuMs,
      puts: counts.putItemWritten,
      deadLetters: report.deadLettersWritten,
    });
    this.measuredPuts += counts.putItemWritten;
    const final = invocation.final || terminatedEarly;
    const written = this.tracker.takeWritten().filter((key) => key.includes('#'));
    if (coalesced && !this.settled.has(shard)) {
      const first = this.firstInterval.get(shard) ?? { writes: 0, items: new Set<string>() };
      first.writes += written.length;
      for (const key of written) first.items.add(key);
      this.firstInterval.set(shard, first);
      if (final) {
        this.settled.add(shard);
        this.startupPuts += first.writes - first.items.size;
        this.firstInterval.delete(shard);
      }
    }
    this.resultWriteUnits += counts.putWriteUnits;
    this.deadLetterWriteUnits += counts.deadLetterWriteUnits;
    this.deadLettersMeasured += report.deadLettersWritten;
    this.readUnits += counts.readUnits;
    if (!coalesced) return;
    if (report.state === undefined) throw new CoalescedUnavailable();
    this.states.set(shard, final ? {} : { ...report.state });
    if (!final && report.stateBytes > STATE_LIMIT_BYTES) {
      // Lambda ends the window early: one more (final) invocation with the state, then a fresh state.
      this.terminatedEarly += 1;
      this.invocations += 1;
      this.measuredInvocations += 1;
      await this.invoke(shard, shardId, { Records: [] }, invocation, true, { ...model, records: 0 });
    }
  }
}
