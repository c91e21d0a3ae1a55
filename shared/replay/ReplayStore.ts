import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import { type AggregateState, emptyAggregate, mergeAggregate } from '../fold/aggregateCodec.ts';
import type { WindowAggregate } from '../fold/types.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { ItemTooLargeError } from '../storage/errors.ts';
import { itemSizeBytes, MAX_ITEM_BYTES } from '../storage/itemSize.ts';
import { mapLimit } from '../storage/mapLimit.ts';
import { buildResultItem, type ResultKey, readStoredAggregate } from '../storage/resultItem.ts';
import { withRetry } from '../storage/retry.ts';

/** Options of {@link ReplayStore}. */
export interface ReplayStoreOptions {
  readonly definition: PipelineDefinition;
  readonly client: DynamoDBClient;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
  /** @default 8 */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Called before every write (the replay lock's fence, {@link ReplayLock.ensure}); a throw stops the write.
   * @default - no check
   */
  readonly beforeWrite?: () => Promise<void>;
}

/** The contributions of some letters to one results item. */
export interface ItemTarget {
  readonly key: ResultKey;
  /** One of the contributions: the item's group and window. */
  readonly aggregate: WindowAggregate;
  readonly contributions: { readonly sk: string; readonly aggregate: WindowAggregate }[];
}

/** What writing an item did: added contributions, or found them all held already. */
export type ItemResult = 'written' | 'held';

/** A letter to mark replayed, with the results items whose `replayed` set names it. */
export interface LetterMark {
  readonly pk: string;
  readonly sk: string;
  readonly outcome: string;
  /** {@link itemId}s. */
  readonly items: readonly string[];
}

/**
 * The identity of a results item in a letter's `replayPending` set.
 *
 * @example
 * itemId({ pk: 'ohlc#ACME', sk: '2026-12-06T10:00:00.000Z' }); // '["ohlc#ACME","2026-12-06T10:00:00.000Z"]'
 */
export const itemId = (key: ResultKey): string => JSON.stringify([key.pk, key.sk]);

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/** DynamoDB's refusal of an item over 400 KB (a ValidationException saying so). */
const isSizeRefusal = (error: unknown): boolean =>
  error instanceof Error &&
  error.name === 'ValidationException' &&
  /item size (to update )?has exceeded the maximum allowed size/i.test(error.message);

const MAX_CONFLICTS = 8;
const CALL_DEADLINE_MS = 30_000;

/**
 * The three writes of a replay (docs/adr/0003-dead-letter-replay.md): a results item with the letters'
 * contributions and keys (conditioned on its version), the conditional mark on a letter, and the clean-up
 * of the keys once their letters are marked.
 *
 * @example
 * const store = new ReplayStore({ definition, client, resultsTable, deadLetterTable });
 * if ((await store.writeItem(target)) === 'written') ...
 */
export class ReplayStore {
  private readonly now: () => number;

  public constructor(private readonly options: ReplayStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Adds the contributions the item does not hold yet, and their letters' keys, in one conditional write.
   *
   * @throws {ItemTooLargeError} when the item would exceed 400 KB with them, by our count or DynamoDB's
   *   (nothing is written).
   */
  public async writeItem(target: ItemTarget): Promise<ItemResult> {
    const { definition, client, resultsTable } = this.options;
    for (let conflicts = 0; ; conflicts++) {
      const read = await withRetry(
        (abortSignal) =>
          client.send(
            new GetItemCommand({
              TableName: resultsTable,
              Key: { [A.pk]: { S: target.key.pk }, [A.sk]: { S: target.key.sk } },
              ConsistentRead: true,
              ProjectionExpression: '#state, #version, #applied, #replayed, #pk, #sk',
              ExpressionAttributeNames: {
                '#state': A.state,
                '#version': A.version,
                '#applied': A.applied,
                '#replayed': A.replayed,
                '#pk': A.pk,
                '#sk': A.sk,
              },
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
      );
      const stored = read.Item ? readStoredAggregate(definition, read.Item) : undefined;
      const held = new Set(stored?.replayed ?? []);
      const fresh = target.contributions.filter((c) => !held.has(c.sk));
      if (fresh.length === 0) return 'held';
      // Decoded just now (or new): ours to mutate; the letters' aggregates stay untouched for a retry.
      const aggregate: AggregateState = stored?.aggregate ?? emptyAggregate(definition);
      for (const c of fresh) mergeAggregate(definition, aggregate, c.aggregate);
      const item = buildResultItem(definition, {
        groupKey: target.aggregate.groupKey,
        group: target.aggregate.group,
        windowStartMs: target.aggregate.windowStartMs,
        aggregate,
        applied: stored?.applied ?? {},
        version: (stored?.version ?? 0) + 1,
        nowMs: this.now(),
        replayed: [...held, ...fresh.map((c) => c.sk)],
      });
      const sizeBytes = itemSizeBytes(item);
      if (sizeBytes > MAX_ITEM_BYTES) {
        throw new ItemTooLargeError(
          `replaying ${fresh.length} letter(s) into ${target.key.pk} / ${target.key.sk} would make the item ${sizeBytes} bytes, over DynamoDB’s 400 KB item limit`,
          sizeBytes,
        );
      }
      await this.options.beforeWrite?.();
      try {
        await withRetry(
          (abortSignal) =>
            client.send(
              new PutItemCommand({
                TableName: resultsTable,
                Item: item,
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
          { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
        );
        return 'written';
      } catch (error) {
        // DynamoDB counts sizes a little differently from itemSizeBytes: its refusal means the same.
        if (isSizeRefusal(error)) {
          throw new ItemTooLargeError(
            `replaying ${fresh.length} letter(s) into ${target.key.pk} / ${target.key.sk} would make the item exceed DynamoDB’s 400 KB item limit (DynamoDB refused ${sizeBytes} bytes as counted here: ${(error as Error).message})`,
            sizeBytes,
          );
        }
        if (!isConditionFailure(error) || conflicts >= MAX_CONFLICTS) throw error;
      }
    }
  }

  /** Marks a letter replayed; false when another run had marked it. */
  public async mark(m: LetterMark): Promise<boolean> {
    const values: Record<string, AttributeValue> = {
      ':now': { S: new Date(this.now()).toISOString() },
      ':outcome': { S: m.outcome },
    };
    if (m.items.length > 0) values[':items'] = { SS: [...new Set(m.items)] };
    await this.options.beforeWrite?.();
    try {
      await withRetry(
        (abortSignal) =>
          this.options.client.send(
            new UpdateItemCommand({
              TableName: this.options.deadLetterTable,
              Key: { pk: { S: m.pk }, sk: { S: m.sk } },
              UpdateExpression: `SET replayedAt = :now, replayOutcome = :outcome${m.items.length > 0 ? ', replayPending = :items' : ''}`,
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(replayedAt)',
              ExpressionAttributeValues: values,
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Removes marked letters' keys from their items' `replayed` sets, then `replayPending` from the letters. */
  public async cleanUp(
    letters: readonly { pk: string; sk: string; items: readonly string[] }[],
  ): Promise<string[]> {
    const errors: string[] = [];
    if (letters.length === 0) return errors;
    const byItem = new Map<string, Set<string>>();
    for (const letter of letters) {
      for (const id of letter.items) {
        const keys = byItem.get(id) ?? new Set<string>();
        keys.add(letter.sk);
        byItem.set(id, keys);
      }
    }
    const items = [...byItem.entries()];
    const settled = await mapLimit(items, this.options.concurrency ?? 8, async ([id, keys]) => {
      const [pk, sk] = JSON.parse(id) as [string, string];
      await this.options.beforeWrite?.();
      try {
        await withRetry(
          (abortSignal) =>
            this.options.client.send(
              new UpdateItemCommand({
                TableName: this.options.resultsTable,
                Key: { [A.pk]: { S: pk }, [A.sk]: { S: sk } },
                // The version moves too, so a handler write that read the set before this fails its condition.
                UpdateExpression: 'DELETE #replayed :keys ADD #version :one',
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: { '#replayed': A.replayed, '#version': A.version, '#pk': A.pk },
                ExpressionAttributeValues: { ':keys': { SS: [...keys] }, ':one': { N: '1' } },
              }),
              { abortSignal },
            ),
          { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      return keys;
    });
    const unclean = new Set<string>();
    settled.forEach((result, i) => {
      if (result.status === 'rejected') {
        const [, keys] = items[i] as [string, Set<string>];
        for (const key of keys) unclean.add(key);
        errors.push(`cleaning up ${items[i]?.[0]}: ${(result.reason as Error).message}`);
      }
    });
    const done = letters.filter((l) => !unclean.has(l.sk));
    const removed = await mapLimit(done, this.options.concurrency ?? 8, async (letter) => {
      await this.options.beforeWrite?.();
      return withRetry(
        (abortSignal) =>
          this.options.client.send(
            new UpdateItemCommand({
              TableName: this.options.deadLetterTable,
              Key: { pk: { S: letter.pk }, sk: { S: letter.sk } },
              UpdateExpression: 'REMOVE replayPending',
              ConditionExpression: 'attribute_exists(pk)',
            }),
            { abortSignal },
          ),
        { now: this.now, deadlineMs: this.now() + CALL_DEADLINE_MS },
      );
    });
    removed.forEach((result, i) => {
      if (result.status === 'rejected')
        errors.push(`cleaning up letter ${done[i]?.sk}: ${(result.reason as Error).message}`);
    });
    return errors;
  }
}
