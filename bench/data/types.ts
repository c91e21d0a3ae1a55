import type { RecordClock } from './clock.ts';

/** One generated Kinesis record payload (UTF-8 text) and its arrival time. */
export interface GeneratedRecord {
  readonly text: string;
  readonly arrivalMs: number;
  /** The record's group-by value (what `streamfold produce --generate` uses as partition key), when known. */
  readonly key?: string;
}

/** Options every batch generator takes. */
export interface GeneratorOptions {
  /** Records in the batch. */
  readonly count: number;
  /**
   * PRNG seed; the same seed gives the same batch.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Arrival time of the first record, epoch ms.
   * @default BATCH_EPOCH_MS (2026-11-21T08:30:00Z)
   */
  readonly startMs?: number;
  /**
   * Seed of the key pools (IPs, paths, symbols and their prices, sensor baselines), so that batches made
   * with different `seed`s share the same groups, as consecutive minutes of one stream do.
   * @default - drawn from the batch's own PRNG (`seed`)
   */
  readonly poolSeed?: number;
  /**
   * Arrival and event time of each record.
   * @default recordTimes - arrivals spread over 4 minutes, nothing late
   */
  readonly times?: RecordClock;
  /**
   * Only group values for which this returns true are drawn (Zipf over the kept values): the records one
   * shard receives when the stream is partitioned by group key.
   * @default - every value of the pool
   */
  readonly keepGroup?: (key: string) => boolean;
}

/** A batch generator: deterministic for a given seed. */
export type BatchGenerator = (options: GeneratorOptions) => GeneratedRecord[];
