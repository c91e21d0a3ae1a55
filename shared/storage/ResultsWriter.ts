import {
  type AttributeValue,
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { BufferedItem } from '../buffer/ShardBuffer.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { type AggregateState, mergeAggregate } from '../fold/aggregateCodec.ts';
import { aggregateKey } from '../fold/aggregateKey.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import type { FoldedBatch, WindowAggregate } from '../fold/types.ts';
import type { SourceRecord } from '../record/types.ts';
import { RESULT_ATTRIBUTES as A } from './attributes.ts';
import { StorageError } from './errors.ts';
import { itemSizeBytes, MAX_ITEM_BYTES } from './itemSize.ts';
import { mapLimit } from './mapLimit.ts';
import {
  buildResultItem,
  type ResultKey,
  readStoredAggregate,
  resultKey,
  type StoredAggregate,
} from './resultItem.ts';
import { backoff, type RetryOptions, withRetry } from './retry.ts';
import { compareSequence } from './sequence.ts';

/** Options of {@link ResultsWriter}. */
export interface ResultsWriterOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly definition: PipelineDefinition;
  /**
   * Item writes in flight at once.
   * @default 16
   */
  readonly concurrency?: number;
  /**
   * Attempts per item when another writer changed it between our read and our write.
   * @default 8
   */
  readonly maxConflictRetries?: number;
  /** Backoff settings for throttling and 5xx (the deadline comes from each call). */
  readonly retry?: Omit<RetryOptions, 'deadlineMs'>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What happened to one (group, window) of a batch. */
export type ItemOutcome =
  | {
      readonly status: 'written';
      readonly sizeBytes: number;
      readonly writeUnits: number;
      readonly conflicts: number;
    }
  | { readonly status: 'already-applied'; readonly conflicts: number }
  /** The merged item would exceed 400 KB: the records it did not hold yet (`members`) are set aside for this window. */
  | {
      readonly status: 'too-large';
      readonly sizeBytes: number;
      readonly members: readonly number[];
      readonly conflicts: number;
    }
  | { readonly status: 'failed'; readonly error: Error; readonly conflicts: number };

/** Counts of a set of item writes: what a batch write and a flush both report. */
export interface WriteCounts {
  readonly written: number;
  readonly alreadyApplied: number;
  readonly failed: number;
  readonly conflicts: number;
  /** Write units consumed, as DynamoDB reported them (`ReturnConsumedCapacity`). */
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly itemBytes: readonly number[];
  readonly errors: readonly Error[];
}

/** The result of writing one batch. */
export interface WriteOutcome extends WriteCounts {
  /**
   * Lowest sequence number among records whose contribution could not be written: Lambda must resume
   * there. `undefined` when everything landed.
   */
  readonly failedSequence: string | undefined;
  /**
   * Contributions set aside because their item would exceed 400 KB: the source record and the window it
   * could not be folded into. The record's other windows (hopping) are written as usual.
   */
  readonly tooLarge: readonly { readonly sourceIndex: number; readonly windowStartMs: number }[];
}

/** What {@link ResultsWriter.flush} did with a shard's buffered items. */
export interface FlushOutcome extends WriteCounts {
  /** Items whose merged state would exceed 400 KB: left unwritten (the caller dead-letters them). */
  readonly tooLarge: readonly BufferedItem[];
}

/** Sums the outcomes of item writes. */
const countOutcomes = (outcomes: readonly ItemOutcome[], readUnits: number): WriteCounts => {
  let writeUnits = 0;
  let conflicts = 0;
  const itemBytes: number[] = [];
  const errors: Error[] = [];
  for (const outcome of outcomes) {
    conflicts += outcome.conflicts;
    if (outcome.status === 'written') {
      writeUnits += outcome.writeUnits;
      itemBytes.push(outcome.sizeBytes);
    } else if (outcome.status === 'failed') errors.push(outcome.error);
  }
  return {
    written: outcomes.filter((o) => o.status === 'written').length,
    alreadyApplied: outcomes.filter((o) => o.status === 'already-applied').length,
    failed: errors.length,
    conflicts,
    writeUnits,
    readUnits,
    itemBytes,
    errors,
  };
};

/** A contribution to one item, not yet in an item that holds this shard up to some sequence number. */
interface Delta {
  readonly aggregate: AggregateState;
  readonly highestSequence: string;
  /** Source indices of the contributing records (empty for a buffered delta). */
  readonly members: readonly number[];
}

interface Target {
  readonly key: ResultKey;
  readonly groupKey: string;
  readonly group: Readonly<Record<string, string>>;
  readonly windowStartMs: number;
  /** The part of the contribution an item holding this shard up to `applied` lacks; `undefined`: none. */
  readonly unapplied: (applied: string | undefined) => Delta | undefined;
}

const BATCH_GET_LIMIT = 100;

/**
 * Writes the folded aggregates of one Kinesis batch (one shard) to the results table with an
 * exactly-once effect under at-least-once delivery (docs/adr/0001-exactly-once.md):
 *
 * 1. read every touched item (consistent `BatchGetItem`): its state, `version` and `applied[shard]`,
 *    the highest sequence number of this shard already folded into it;
 * 2. per item, keep only this batch's records with a higher sequence number (re-folding that subset when
 *    a redelivered batch overlaps what the item already holds), merge into the stored state;
 * 3. `PutItem` conditioned on the version read (or on absence), setting `applied[shard]` to the highest
 *    sequence folded; on a conflict (another shard wrote the item), read again and redo that item.
 *
 * At most one write per (group, window) per batch in the common path. Throttling and 5xx are retried with
 * jittered backoff until the deadline; whatever could not be written is reported as `failedSequence`.
 *
 * @example
 * const writer = new ResultsWriter({ client, tableName: 'results', definition });
 * const outcome = await writer.write(batch, sources, 'shardId-000000000000', Date.now() + 30_000);
 */
export class ResultsWriter {
  private readonly folder: BatchFolder;
  private readonly now: () => number;

  public constructor(private readonly options: ResultsWriterOptions) {
    this.folder = new BatchFolder(options.definition);
    this.now = options.now ?? Date.now;
  }

  public async write(
    batch: FoldedBatch,
    sources: readonly SourceRecord[],
    shardId: string,
    deadlineMs: number,
    /** Runs beside the reads and must succeed before any item is written (the write-ahead ceiling). */
    beforeWrites?: () => Promise<unknown>,
  ): Promise<WriteOutcome> {
    const { definition } = this.options;
    const aggregates = [...batch.aggregates.values()];
    const targets: Target[] = aggregates.map((aggregate) => ({
      key: resultKey(definition.name, aggregate.groupKey, aggregate.windowStartMs),
      groupKey: aggregate.groupKey,
      group: aggregate.group,
      windowStartMs: aggregate.windowStartMs,
      unapplied: (applied) => this.unapplied(aggregate, applied, sources),
    }));
    const { outcomes, readUnits } = await this.writeTargets(targets, shardId, deadlineMs, beforeWrites);
    let failedSequence: string | undefined;
    const tooLarge: { sourceIndex: number; windowStartMs: number }[] = [];
    outcomes.forEach((outcome, i) => {
      const aggregate = aggregates[i] as WindowAggregate;
      if (outcome.status === 'too-large') {
        for (const sourceIndex of outcome.members)
          tooLarge.push({ sourceIndex, windowStartMs: aggregate.windowStartMs });
      } else if (outcome.status === 'failed') {
        const lowest = sources[aggregate.members[0] as number]?.sequenceNumber as string;
        if (failedSequence === undefined || compareSequence(lowest, failedSequence) < 0)
          failedSequence = lowest;
      }
    });
    return { ...countOutcomes(outcomes, readUnits), failedSequence, tooLarge };
  }

  /**
   * Writes a shard's write-behind buffer (docs/adr/0002-coalesced-writes.md): one conditional write per
   * buffered (group, window), skipping items that already hold this shard up to the item's highest
   * buffered record (a retried flush). Every buffered record lies above the shard's ceiling, so an item
   * holds either none or all of a buffered delta; anything else is reported as an error, never merged.
   *
   * @example
   * const outcome = await writer.flush([...buffer.items.values()], shardId, deadlineMs);
   */
  public async flush(
    items: readonly BufferedItem[],
    shardId: string,
    deadlineMs: number,
  ): Promise<FlushOutcome> {
    const { definition } = this.options;
    const targets: Target[] = items.map((item) => ({
      key: resultKey(definition.name, item.groupKey, item.windowStartMs),
      groupKey: item.groupKey,
      group: item.group,
      windowStartMs: item.windowStartMs,
      unapplied: (applied) => {
        if (applied === undefined || compareSequence(applied, item.lowest) < 0)
          return { aggregate: item.aggregate, highestSequence: item.highest, members: [] };
        if (compareSequence(applied, item.highest) >= 0) return undefined;
        throw new StorageError(
          `Item ${definition.name}#${item.groupKey} / ${new Date(item.windowStartMs).toISOString()} already holds records of ${shardId} up to ${applied}, inside the buffered range ${item.lowest}…${item.highest}: the buffer cannot be applied exactly once (see docs/adr/0002-coalesced-writes.md)`,
        );
      },
    }));
    const { outcomes, readUnits } = await this.writeTargets(targets, shardId, deadlineMs);
    const tooLarge = items.filter((_, i) => outcomes[i]?.status === 'too-large');
    return { ...countOutcomes(outcomes, readUnits), tooLarge };
  }

  /** Reads every target's item (consistent), then writes each with optimistic concurrency. */
  private async writeTargets(
    targets: readonly Target[],
    shardId: string,
    deadlineMs: number,
    beforeWrites?: () => Promise<unknown>,
  ): Promise<{ outcomes: ItemOutcome[]; readUnits: number }> {
    let readUnits = 0;
    let stored = new Map<string, Record<string, AttributeValue>>();
    if (targets.length === 0) return { outcomes: [], readUnits };
    try {
      const [read] = await Promise.all([
        this.readItems(
          targets.map((t) => t.key),
          deadlineMs,
        ),
        beforeWrites?.(),
      ]);
      stored = read.items;
      readUnits = read.readUnits;
    } catch (error) {
      return {
        outcomes: targets.map(() => ({ status: 'failed', error: error as Error, conflicts: 0 })),
        readUnits,
      };
    }
    const settled = await mapLimit(targets, this.options.concurrency ?? 16, (target) =>
      this.writeItem(target, stored.get(keyString(target.key)), shardId, deadlineMs),
    );
    return {
      outcomes: settled.map((s) =>
        s.status === 'fulfilled' ? s.value : { status: 'failed', error: s.reason as Error, conflicts: 0 },
      ),
      readUnits,
    };
  }

  private async writeItem(
    target: Target,
    initial: Record<string, AttributeValue> | undefined,
    shardId: string,
    deadlineMs: number,
  ): Promise<ItemOutcome> {
    const { definition, client, tableName } = this.options;
    let current = initial;
    let conflicts = 0;
    const maxConflicts = this.options.maxConflictRetries ?? 8;
    for (;;) {
      let stored: StoredAggregate | undefined;
      try {
        stored = current ? readStoredAggregate(definition, current) : undefined;
      } catch (error) {
        return { status: 'failed', error: error as Error, conflicts };
      }
      const delta = target.unapplied(stored?.applied[shardId]);
      if (delta === undefined) return { status: 'already-applied', conflicts };
      let aggregate: AggregateState = delta.aggregate;
      if (stored) {
        mergeAggregate(definition, stored.aggregate, delta.aggregate); // stored was decoded just now: ours to mutate
        aggregate = stored.aggregate;
      }
      const nowMs = this.now();
      const item = buildResultItem(definition, {
        groupKey: target.groupKey,
        group: target.group,
        windowStartMs: target.windowStartMs,
        aggregate,
        applied: { ...stored?.applied, [shardId]: delta.highestSequence },
        version: (stored?.version ?? 0) + 1,
        nowMs,
        ...(stored !== undefined && stored.replayed.length > 0 ? { replayed: stored.replayed } : {}),
      });
      const sizeBytes = itemSizeBytes(item);
      if (sizeBytes > MAX_ITEM_BYTES)
        return { status: 'too-large', sizeBytes, members: delta.members, conflicts };
      try {
        const response = await withRetry(
          (abortSignal) =>
            client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: item,
                ReturnConsumedCapacity: 'TOTAL',
                ...(stored
                  ? {
                      ConditionExpression: '#version = :version',
                      ExpressionAttributeNames: { '#version': A.version },
                      ExpressionAttributeValues: { ':version': { N: String(stored.version) } },
                    }
                  : {
                      ConditionExpression: 'attribute_not_exists(#pk)',
                      ExpressionAttributeNames: { '#pk': A.pk },
                    }),
              }),
              { abortSignal },
            ),
          { now: this.now, ...this.options.retry, deadlineMs },
        );
        return {
          status: 'written',
          sizeBytes,
          writeUnits: response.ConsumedCapacity?.CapacityUnits ?? Math.ceil(sizeBytes / 1024),
          conflicts,
        };
      } catch (error) {
        if (
          !(error instanceof ConditionalCheckFailedException) &&
          (error as Error).name !== 'ConditionalCheckFailedException'
        ) {
          return { status: 'failed', error: error as Error, conflicts };
        }
        conflicts += 1;
        if (conflicts > maxConflicts) {
          return {
            status: 'failed',
            error: new StorageError(
              `Item ${target.key.pk} / ${target.key.sk} kept changing under us (${conflicts} conflicting writes)`,
            ),
            conflicts,
          };
        }
        try {
          current = await this.readItem(target.key, deadlineMs);
        } catch (readError) {
          return { status: 'failed', error: readError as Error, conflicts };
        }
      }
    }
  }

  /**
   * This batch's contribution to an item that already holds everything of this shard up to `applied`:
   * the whole batch aggregate in the common case, a re-fold of the newer records when a redelivery
   * overlaps, or `undefined` when the item already holds all of them.
   */
  private unapplied(
    aggregate: WindowAggregate,
    applied: string | undefined,
    sources: readonly SourceRecord[],
  ): Delta | undefined {
    const members = aggregate.members;
    const highestSequence = (sources[members[members.length - 1] as number] as SourceRecord).sequenceNumber;
    if (applied === undefined) return { aggregate, highestSequence, members };
    const newer = members.filter(
      (i) => compareSequence((sources[i] as SourceRecord).sequenceNumber, applied) > 0,
    );
    if (newer.length === 0) return undefined;
    if (newer.length === members.length) return { aggregate, highestSequence, members };
    const refolded = this.folder
      .fold(newer.map((i) => sources[i] as SourceRecord))
      .aggregates.get(aggregateKey(aggregate.windowStartMs, aggregate.groupKey));
    if (refolded === undefined) {
      throw new StorageError(
        `Re-folding records of ${aggregate.groupKey} did not reproduce its window; folding is not deterministic`,
      );
    }
    return { aggregate: refolded, highestSequence, members: newer };
  }

  private async readItems(
    keys: readonly ResultKey[],
    deadlineMs: number,
  ): Promise<{ items: Map<string, Record<string, AttributeValue>>; readUnits: number }> {
    const { client, tableName } = this.options;
    const items = new Map<string, Record<string, AttributeValue>>();
    let readUnits = 0;
    for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
      let pending: Record<string, AttributeValue>[] = keys
        .slice(start, start + BATCH_GET_LIMIT)
        .map((k) => ({ [A.pk]: { S: k.pk }, [A.sk]: { S: k.sk } }));
      let round = 0;
      while (pending.length > 0) {
        if (round > 0) {
          await backoff(
            round,
            { now: this.now, ...this.options.retry, deadlineMs },
            () => `${pending.length} key(s) unprocessed`,
          );
        }
        round += 1;
        const request = pending;
        const response = await withRetry(
          (abortSignal) =>
            client.send(
              new BatchGetItemCommand({
                RequestItems: {
                  [tableName]: { Keys: request, ConsistentRead: true, ...STORED_PROJECTION },
                },
                ReturnConsumedCapacity: 'TOTAL',
              }),
              { abortSignal },
            ),
          { now: this.now, ...this.options.retry, deadlineMs },
        );
        for (const item of response.Responses?.[tableName] ?? []) {
          items.set(`${item[A.pk]?.S}\u0000${item[A.sk]?.S}`, item);
        }
        for (const used of response.ConsumedCapacity ?? []) readUnits += used.CapacityUnits ?? 0;
        pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return { items, readUnits };
  }

  private async readItem(
    key: ResultKey,
    deadlineMs: number,
  ): Promise<Record<string, AttributeValue> | undefined> {
    const { client, tableName } = this.options;
    const response = await withRetry(
      (abortSignal) =>
        client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { [A.pk]: { S: key.pk }, [A.sk]: { S: key.sk } },
            ConsistentRead: true,
            ...STORED_PROJECTION,
          }),
          { abortSignal },
        ),
      { now: this.now, ...this.options.retry, deadlineMs },
    );
    return response.Item;
  }
}

const STORED_PROJECTION = {
  ProjectionExpression: '#pk, #sk, #state, #version, #applied, #replayed',
  ExpressionAttributeNames: {
    '#pk': A.pk,
    '#sk': A.sk,
    '#state': A.state,
    '#version': A.version,
    '#applied': A.applied,
    '#replayed': A.replayed,
  },
} as const;

const keyString = (key: ResultKey): string => `${key.pk}\u0000${key.sk}`;
