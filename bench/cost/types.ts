/** How producers spread records over shards. */
export type Partitioning = 'keyed' | 'random';

/** One traffic scenario of the cost figure. */
export interface CostScenario {
  readonly pipeline: string;
  /** Records arriving per second on each shard. */
  readonly ratePerShard: number;
  readonly shards: number;
  /**
   * `keyed`: partition key = group key (what `streamfold produce --generate` does), so each group lives on
   * one shard; `random`: any record on any shard. One shard: the same thing (reported as keyed).
   */
  readonly partitioning: Partitioning;
  readonly minutes: number;
}

/** What a cost run covers and how much of it runs against dynalite. */
export interface CostSettings {
  readonly pipelines: readonly string[];
  readonly rates: readonly number[];
  readonly shardCounts: readonly number[];
  readonly partitionings: readonly Partitioning[];
  /** Simulated minutes per scenario. */
  readonly minutes: number;
  /**
   * How much of each scenario runs against dynalite before the rest is extrapolated: per-batch mode, the
   * invocations (in virtual-time order) whose item writes fit `perBatchItemWrites` (at least one);
   * coalesced mode, the whole minutes (flush intervals) whose records fit `coalescedRecords` (at least one).
   */
  readonly measurement: { readonly perBatchItemWrites: number; readonly coalescedRecords: number };
  /**
   * `flushEvery` (ms, > 0) given to every example for coalesced mode instead of its own: the flush sweep
   * (`npm run bench:flush-sweep`) prices the same traffic at several intervals.
   * @default - each example's own `flushEvery`
   */
  readonly flushEveryMs?: number;
}
