import type { ShardStats } from '../../local/esm/types.ts';

/** A pipeline's shards added up, as `dev` shows them. */
export interface ShardTotals {
  /** Kinesis records the event source mapping took from the stream (a KPL aggregate is one). */
  readonly read: number;
  /** Of them, those the handler has not reported yet (in their batching window, or in flight). */
  readonly waiting: number;
  /** Failed invocations. */
  readonly failures: number;
}

/**
 * Adds up a pipeline's shard stats for the terminal view and the plain progress lines alike.
 *
 * @example
 * shardTotals(mapping.stats()); // { read: 502, waiting: 28, failures: 0 }
 */
export const shardTotals = (shards: readonly ShardStats[]): ShardTotals => {
  let read = 0;
  let waiting = 0;
  let failures = 0;
  for (const s of shards) {
    read += s.recordsRead;
    waiting += s.recordsPending;
    failures += s.failures;
  }
  return { read, waiting, failures };
};
