/** One generated Kinesis record payload (UTF-8 text) and its arrival time. */
export interface GeneratedRecord {
  readonly text: string;
  readonly arrivalMs: number;
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
}

/** A batch generator: deterministic for a given seed. */
export type BatchGenerator = (options: GeneratorOptions) => GeneratedRecord[];
