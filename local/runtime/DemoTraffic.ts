import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { GENERATORS } from '../../shared/producer/generators/generatorFor.ts';
import type { GeneratedRecord, RecordGenerator } from '../../shared/producer/generators/types.ts';
import { Producer } from '../../shared/producer/Producer.ts';

/** Options of {@link DemoTraffic}. */
export interface DemoTrafficOptions {
  readonly kinesis: KinesisClient;
  readonly pipelines: readonly PipelineDefinition[];
  /**
   * The traffic of each pipeline, by name; pipelines without one get none.
   * @default GENERATORS - the built-in examples' generators
   */
  readonly generators?: ReadonlyMap<string, RecordGenerator>;
  /**
   * Records per second per pipeline.
   * @default 25
   */
  readonly ratePerSecond?: number;
  /**
   * Stop each pipeline's traffic after this many records.
   * @default - run until stopped
   */
  readonly count?: number;
  /**
   * Share of records made malformed on purpose.
   * @default 0.01
   */
  readonly malformedShare?: number;
  /** @default 1 */
  readonly seed?: number;
  /**
   * Pack each pipeline's records into KPL aggregated records (the handler unpacks them). kinesis-local's
   * PutRecords time grows with records put × records the shard already holds, so one Kinesis record per
   * demo record slows it to a stall within minutes (see docs/local-services.md); aggregates of a second's
   * records keep it fast for hours.
   * @default true
   */
  readonly kpl?: boolean;
  /**
   * Longest time a record waits for its aggregate (or PutRecords batch) to fill before it is sent.
   * @default DEMO_LINGER_MS (1 s)
   */
  readonly lingerMs?: number;
  /** Receives every record sent (for tests that compute the expected results). */
  readonly onRecord?: (pipeline: string, record: GeneratedRecord) => void;
}

/** Counts of one pipeline's demo traffic. */
export interface DemoCounts {
  produced: number;
  malformed: number;
  failed: number;
}

/** How long a demo record waits, at most, for its KPL aggregate to fill before it is sent. */
export const DEMO_LINGER_MS = 1_000;

/**
 * Realistic demo traffic for the example pipelines that have a generator (access logs with a few heavy
 * client IPs and some 5xx, trades, sensors, CSV rows, with a small share of malformed records), put on
 * their streams with the real producer, as KPL aggregates of up to a second's records by default.
 *
 * @example
 * const demo = new DemoTraffic({ kinesis, pipelines, ratePerSecond: 50 });
 * demo.start();
 * // ...
 * await demo.stop();
 */
export class DemoTraffic {
  public readonly counts = new Map<string, DemoCounts>();
  private readonly loops: Promise<void>[] = [];
  private stopping = false;

  public constructor(private readonly options: DemoTrafficOptions) {}

  public start(): void {
    for (const [i, definition] of this.options.pipelines.entries()) {
      const generator = (this.options.generators ?? GENERATORS).get(definition.name);
      if (generator === undefined) continue;
      this.loops.push(this.run(definition, generator, (this.options.seed ?? 1) + i));
    }
  }

  /** Resolves when every pipeline has sent its `count` records (never, without a count, until stopped). */
  public async finished(): Promise<void> {
    await Promise.all(this.loops);
  }

  public async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async run(definition: PipelineDefinition, generator: RecordGenerator, seed: number): Promise<void> {
    const counts: DemoCounts = { produced: 0, malformed: 0, failed: 0 };
    this.counts.set(definition.name, counts);
    const producer = new Producer({
      client: this.options.kinesis,
      stream: definition.stream,
      ratePerSecond: this.options.ratePerSecond ?? 25,
      kpl: this.options.kpl ?? true,
      lingerMs: this.options.lingerMs ?? DEMO_LINGER_MS,
    });
    const records = generator({ seed, malformedShare: this.options.malformedShare ?? 0.01 });
    const limit = this.options.count ?? Number.POSITIVE_INFINITY;
    try {
      while (!this.stopping && counts.produced < limit) {
        const record = records.next().value;
        await producer.put({ data: record.data, partitionKey: record.partitionKey });
        this.options.onRecord?.(definition.name, record);
        counts.produced += 1;
        if (record.malformed) counts.malformed += 1;
      }
    } finally {
      const result = await producer.close();
      counts.failed = result.stats.failed;
    }
  }
}
