import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { type AggregateState, mergeAggregate } from '../../shared/fold/aggregateCodec.ts';
import { aggregateKey } from '../../shared/fold/aggregateKey.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { RESULT_ATTRIBUTES as A } from '../../shared/storage/attributes.ts';
import { itemSizeBytes } from '../../shared/storage/itemSize.ts';
import { buildResultItem } from '../../shared/storage/resultItem.ts';
import { indexUpdateUnits } from '../dynamo/indexUpdateUnits.ts';

/** What the fold of one shard's minute of records says about each record. */
export interface ChunkFold {
  readonly records: number;
  /** Item ids per record: `itemIds[i * stride + k]` for `k < itemCounts[i]`. */
  readonly stride: number;
  readonly itemIds: Int32Array;
  readonly itemCounts: Uint8Array;
  /** 1 for a record that is dead-lettered (late for every window, or rejected). */
  readonly deadLetter: Uint8Array;
  /** Distinct groups in the chunk: Lambda's native tumbling window writes one item per group. */
  readonly groups: number;
}

/** One (group, window) item of the whole run, with every record of every shard folded in. */
interface RunItem {
  readonly groupKey: string;
  readonly group: Readonly<Record<string, string>>;
  readonly windowStartMs: number;
  aggregate: AggregateState;
  /** Shard index → highest sequence folded (for the item's `applied` map). */
  readonly applied: Map<number, string>;
}

/** Write and read units computed from the run's items at their final size. */
export interface FinalItemsCost {
  readonly items: number;
  /** Σ ceil(final item bytes / 1 KB): one write of each item, once. */
  readonly lowerBoundTableWriteUnits: number;
  /** Index writes of that one write of the final item (ranking indexes; a final item is not in open-windows). */
  readonly lowerBoundIndexWriteUnits: number;
  /** The finalizer's `UpdateItem` per item (status → final, out of open-windows). */
  readonly finalizerTableWriteUnits: number;
  readonly finalizerIndexWriteUnits: number;
  /** Its `Query` of the keys-only open-windows index (eventually consistent: 0.5 unit per 4 KB). */
  readonly finalizerReadUnits: number;
  readonly finalItemBytesMedian: number;
  readonly finalItemBytesMax: number;
}

/** Native windows write at the interval's end, when the arrival-time window is complete: items are final. */
const NATIVE_WRITE_DELAY_MS = 3_600_000;

const shardId = (shard: number): string => `shardId-${String(shard).padStart(12, '0')}`;

/**
 * The fold side of the cost figure: folds each shard's minute of records with the pipeline's own
 * `BatchFolder` (timed), maps every record to the (group, window) items it lands in, merges everything
 * into the run's items (for the lower bound and the finalizer), and prices Lambda's native tumbling
 * windows: one write per group per shard per minute of our item (and its ranking-index entries) for
 * those records — the largest of the group's event-time windows in that minute stands for the
 * arrival-time window.
 *
 * @example
 * const fold = new ScenarioFold(requestsByIp);
 * const chunk = fold.foldChunk(0, sources, minuteEndMs);
 */
export class ScenarioFold {
  private readonly folder: BatchFolder;
  private readonly ids = new Map<string, number>();
  private readonly items: RunItem[] = [];
  private readonly stride: number;
  /** CPU time spent in `BatchFolder.fold` and records folded: the handler's fold cost per record. */
  public foldCpuMs = 0;
  public foldedRecords = 0;
  /** Lambda native tumbling windows: item writes and their write units. */
  public nativeWrites = 0;
  public nativeWriteUnits = 0;
  /** Their index write units: the same ranking indexes as ours, each entry written once. */
  public nativeIndexWriteUnits = 0;

  public constructor(private readonly definition: PipelineDefinition) {
    this.folder = new BatchFolder(definition);
    this.stride = Math.ceil(definition.window.sizeMs / definition.window.advanceMs);
  }

  /** Distinct (group, window) items seen so far. */
  public get itemCount(): number {
    return this.items.length;
  }

  /** Folds one shard's records of one minute (in arrival order) and returns what each record touched. */
  public foldChunk(shard: number, sources: readonly SourceRecord[], minuteEndMs: number): ChunkFold {
    const started = process.cpuUsage();
    const batch = this.folder.fold(sources);
    const used = process.cpuUsage(started);
    this.foldCpuMs += (used.user + used.system) / 1000;
    this.foldedRecords += sources.length;

    const n = sources.length;
    const stride = this.stride;
    const itemIds = new Int32Array(n * stride).fill(-1);
    const itemCounts = new Uint8Array(n);
    const deadLetter = new Uint8Array(n);
    const nativeItems = new Map<string, { bytes: number; indexUnits: number }>();
    for (const aggregate of batch.aggregates.values()) {
      const key = aggregateKey(aggregate.windowStartMs, aggregate.groupKey);
      let id = this.ids.get(key);
      const lastSequence = (
        sources[aggregate.members[aggregate.members.length - 1] as number] as SourceRecord
      ).sequenceNumber;
      // Lambda's native tumbling window writes this shard's minute of the group once, final.
      const native = buildResultItem(this.definition, {
        groupKey: aggregate.groupKey,
        group: aggregate.group,
        windowStartMs: aggregate.windowStartMs,
        aggregate,
        applied: { [shardId(shard)]: lastSequence },
        version: 1,
        nowMs: minuteEndMs + NATIVE_WRITE_DELAY_MS,
      });
      const bytes = itemSizeBytes(native);
      if (bytes > (nativeItems.get(aggregate.groupKey)?.bytes ?? -1)) {
        nativeItems.set(aggregate.groupKey, {
          bytes,
          indexUnits: indexUpdateUnits(this.definition, undefined, native),
        });
      }
      if (id === undefined) {
        id = this.items.length;
        this.ids.set(key, id);
        this.items.push({
          groupKey: aggregate.groupKey,
          group: aggregate.group,
          windowStartMs: aggregate.windowStartMs,
          aggregate: { records: aggregate.records, states: aggregate.states },
          applied: new Map([[shard, lastSequence]]),
        });
      } else {
        const item = this.items[id] as RunItem;
        mergeAggregate(this.definition, item.aggregate, aggregate);
        item.applied.set(shard, lastSequence);
      }
      for (const member of aggregate.members) {
        itemIds[member * stride + (itemCounts[member] as number)] = id;
        itemCounts[member] = (itemCounts[member] as number) + 1;
      }
    }
    for (const i of batch.lateSources) deadLetter[i] = 1;
    for (const i of batch.rejectionSources) deadLetter[i] = 1;
    for (const { bytes, indexUnits } of nativeItems.values()) {
      this.nativeWrites += 1;
      this.nativeWriteUnits += Math.ceil(bytes / 1024);
      this.nativeIndexWriteUnits += indexUnits;
    }
    return { records: n, stride, itemIds, itemCounts, deadLetter, groups: nativeItems.size };
  }

  /**
   * Prices the run's items at their final size: the lower bound (one write of each, final) and the
   * finalizer's status update of each.
   */
  public finalItems(): FinalItemsCost {
    const { definition } = this;
    const { window } = definition;
    let lowerTable = 0;
    let lowerIndex = 0;
    let finalizerTable = 0;
    let finalizerIndex = 0;
    let keysBytes = 0;
    const sizes: number[] = [];
    for (const item of this.items) {
      const applied: Record<string, string> = {};
      for (const [shard, sequence] of item.applied) applied[shardId(shard)] = sequence;
      const finalAtMs = item.windowStartMs + window.sizeMs + window.allowedLatenessMs;
      const open = buildResultItem(definition, {
        groupKey: item.groupKey,
        group: item.group,
        windowStartMs: item.windowStartMs,
        aggregate: item.aggregate,
        applied,
        version: 1,
        nowMs: finalAtMs,
      });
      const final: Record<string, AttributeValue> = { ...open, [A.status]: { S: 'final' } };
      delete final[A.openPipeline];
      const openBytes = itemSizeBytes(open);
      const finalBytes = itemSizeBytes(final);
      sizes.push(finalBytes);
      lowerTable += Math.ceil(finalBytes / 1024);
      lowerIndex += indexUpdateUnits(definition, undefined, final);
      finalizerTable += Math.ceil(Math.max(openBytes, finalBytes) / 1024);
      finalizerIndex += indexUpdateUnits(definition, open, final);
      keysBytes += itemSizeBytes({
        [A.pk]: open[A.pk] as AttributeValue,
        [A.sk]: open[A.sk] as AttributeValue,
        [A.openPipeline]: open[A.openPipeline] as AttributeValue,
        [A.finalAt]: open[A.finalAt] as AttributeValue,
      });
    }
    sizes.sort((a, b) => a - b);
    return {
      items: this.items.length,
      lowerBoundTableWriteUnits: lowerTable,
      lowerBoundIndexWriteUnits: lowerIndex,
      finalizerTableWriteUnits: finalizerTable,
      finalizerIndexWriteUnits: finalizerIndex,
      finalizerReadUnits: (keysBytes / 4096) * 0.5,
      finalItemBytesMedian: sizes[Math.floor(sizes.length / 2)] ?? 0,
      finalItemBytesMax: sizes[sizes.length - 1] ?? 0,
    };
  }
}
