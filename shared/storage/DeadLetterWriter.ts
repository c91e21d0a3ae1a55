import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DEAD_LETTER_ATTRIBUTES as D } from './attributes.ts';
import { buildDeadLetterItem, type DeadLetter } from './deadLetterItem.ts';
import { itemSizeBytes } from './itemSize.ts';
import { mapLimit } from './mapLimit.ts';
import { type RetryOptions, withRetry } from './retry.ts';
import { compareSequence } from './sequence.ts';

/** Options of {@link DeadLetterWriter}. */
export interface DeadLetterWriterOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly pipeline: string;
  /**
   * How long dead letters are kept (DynamoDB TTL).
   * @default 14 days
   */
  readonly retentionMs?: number;
  readonly retry?: Omit<RetryOptions, 'deadlineMs'>;
  /**
   * Letters written at once (one `PutItem` each).
   * @default 8
   */
  readonly concurrency?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The result of writing a batch's dead letters. */
export interface DeadLetterOutcome {
  readonly written: number;
  /** Letters found marked by a replay already: kept as they are (their mark is what keeps them counted once). */
  readonly alreadyReplayed: number;
  readonly writeUnits: number;
  /** Lowest sequence number among dead letters that could not be written; Lambda must resume there. */
  readonly failedSequence: string | undefined;
  readonly errors: readonly Error[];
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/** Write units of a put of `bytes` (1 per KB, rounded up), which a failed condition consumes as well. */
const putUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/**
 * Stores rejected and late records in the dead-letter table, one `PutItem` per letter (a few in flight),
 * retrying with jittered backoff until the deadline. Keys are deterministic (see `deadLetterSortKey`), so
 * writing the same record twice leaves one item.
 *
 * A rewrite never drops a replay's mark (docs/adr/0003-dead-letter-replay.md): the put is conditioned on
 * `attribute_not_exists(replayedAt)`, so a redelivered record rejected again leaves a letter a replay has
 * applied as it is (a put without condition would replace the whole item, wipe `replayedAt`, and the
 * next replay would fold the record a second time). `BatchWriteItem` takes no conditions, hence one call
 * per letter; the write units are the same (1 per KB of letter, also when the condition fails).
 *
 * @example
 * const outcome = await new DeadLetterWriter({ client, tableName, pipeline: 'ohlc' }).write(letters, shardId, deadline);
 */
export class DeadLetterWriter {
  private readonly now: () => number;

  public constructor(private readonly options: DeadLetterWriterOptions) {
    this.now = options.now ?? Date.now;
  }

  public async write(
    letters: readonly DeadLetter[],
    shardId: string,
    deadlineMs: number,
  ): Promise<DeadLetterOutcome> {
    const { client, tableName, pipeline } = this.options;
    const retentionMs = this.options.retentionMs ?? 14 * 86_400_000;
    const nowMs = this.now();
    // One item per key: a KPL aggregate rejected whole yields one letter per payload, not duplicates.
    const unique = new Map<string, { item: Record<string, AttributeValue>; sequence: string }>();
    for (const letter of letters) {
      const item = buildDeadLetterItem(pipeline, shardId, letter, retentionMs, nowMs);
      unique.set(`${item[D.pk]?.S}\u0000${item[D.sk]?.S}`, { item, sequence: letter.origin.sequenceNumber });
    }
    const entries = [...unique.values()];
    let written = 0;
    let alreadyReplayed = 0;
    let writeUnits = 0;
    let failedSequence: string | undefined;
    const errors: Error[] = [];
    const settled = await mapLimit(entries, this.options.concurrency ?? 8, async ({ item }) => {
      try {
        const response = await withRetry(
          (abortSignal) =>
            client.send(
              new PutItemCommand({
                TableName: tableName,
                Item: item,
                ConditionExpression: 'attribute_not_exists(#replayedAt)',
                ExpressionAttributeNames: { '#replayedAt': 'replayedAt' },
                ReturnConsumedCapacity: 'TOTAL',
              }),
              { abortSignal },
            ),
          { now: this.now, ...this.options.retry, deadlineMs },
        );
        writeUnits += response.ConsumedCapacity?.CapacityUnits ?? 0;
        return 'written' as const;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        writeUnits += putUnits(itemSizeBytes(item));
        return 'replayed' as const;
      }
    });
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        if (result.value === 'written') written += 1;
        else alreadyReplayed += 1;
        return;
      }
      errors.push(result.reason as Error);
      const sequence = (entries[i] as { sequence: string }).sequence;
      if (failedSequence === undefined || compareSequence(sequence, failedSequence) < 0)
        failedSequence = sequence;
    });
    return { written, alreadyReplayed, writeUnits, failedSequence, errors };
  }
}
