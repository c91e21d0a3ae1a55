import type { PipelineDefinition } from '../definition/types.ts';
import { type AggregateState, mergeAggregate } from '../fold/aggregateCodec.ts';
import { aggregateKey } from '../fold/aggregateKey.ts';
import type { FoldedBatch } from '../fold/types.ts';
import type { SourceRecord } from '../record/types.ts';
import { compareSequence } from '../storage/sequence.ts';

/** One (group, window) held in a shard's buffer: the merged delta of the records it holds. */
export interface BufferedItem {
  readonly groupKey: string;
  readonly group: Readonly<Record<string, string>>;
  readonly windowStartMs: number;
  readonly aggregate: AggregateState;
  /** Lowest and highest sequence number of this shard's records folded into this delta. */
  lowest: string;
  highest: string;
  /** Kinesis records that contributed (for the dead letter when the item cannot be written). */
  kinesisRecords: number;
}

/**
 * The write-behind buffer of one shard, carried between invocations in Lambda's tumbling-window state
 * (docs/adr/0002-coalesced-writes.md).
 *
 * - `ceiling`: the highest sequence number of this shard that may already be folded into some results
 *   item (written ahead of every write). Records at or below it are written through the per-batch,
 *   read-before-write path, never buffered. `''`: none.
 * - `highWater`: the highest sequence number folded into this buffer; records in (`ceiling`, `highWater`]
 *   are in it already (duplicates) and are skipped. `''`: the buffer holds nothing yet.
 */
export interface ShardBuffer {
  ceiling: string;
  highWater: string;
  /** Keyed by {@link aggregateKey}. */
  readonly items: Map<string, BufferedItem>;
}

/** An empty buffer above `ceiling`. */
export const emptyBuffer = (ceiling: string): ShardBuffer => ({ ceiling, highWater: '', items: new Map() });

/** The highest of two sequence numbers, `''` counting as below everything. */
export const maxSequence = (a: string, b: string): string => {
  if (a === '') return b;
  if (b === '') return a;
  return compareSequence(a, b) >= 0 ? a : b;
};

/**
 * Merges a folded batch into the buffer (mutates `buffer`; the batch's states are taken over, not copied).
 * `sources` are the records that batch was folded from; every one must be above the buffer's high-water
 * mark and ceiling.
 *
 * @example
 * absorb(definition, buffer, folder.fold(fresh), fresh);
 */
export const absorb = (
  definition: PipelineDefinition,
  buffer: ShardBuffer,
  batch: FoldedBatch,
  sources: readonly SourceRecord[],
): void => {
  for (const aggregate of batch.aggregates.values()) {
    const key = aggregateKey(aggregate.windowStartMs, aggregate.groupKey);
    const lowest = (sources[aggregate.members[0] as number] as SourceRecord).sequenceNumber;
    const highest = (sources[aggregate.members[aggregate.members.length - 1] as number] as SourceRecord)
      .sequenceNumber;
    const held = buffer.items.get(key);
    if (held === undefined) {
      buffer.items.set(key, {
        groupKey: aggregate.groupKey,
        group: aggregate.group,
        windowStartMs: aggregate.windowStartMs,
        aggregate: { records: aggregate.records, states: aggregate.states },
        lowest,
        highest,
        kinesisRecords: aggregate.members.length,
      });
      continue;
    }
    mergeAggregate(definition, held.aggregate, aggregate);
    if (compareSequence(lowest, held.lowest) < 0) held.lowest = lowest;
    if (compareSequence(highest, held.highest) > 0) held.highest = highest;
    held.kinesisRecords += aggregate.members.length;
  }
  for (const source of sources) buffer.highWater = maxSequence(buffer.highWater, source.sequenceNumber);
};
