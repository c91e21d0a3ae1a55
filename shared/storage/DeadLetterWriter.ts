import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEAD_LETTER_ATTRIBUTES as D } from './attributes.ts';
import { buildDeadLetterItem, type DeadLetter } from './deadLetterItem.ts';
import { backoff, type RetryOptions, withRetry } from './retry.ts';
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
  /** @default Date.now */
  readonly now?: () => number;
}

/** The result of writing a batch's dead letters. */
export interface DeadLetterOutcome {
  readonly written: number;
  readonly writeUnits: number;
  /** Lowest sequence number among dead letters that could not be written; Lambda must resume there. */
  readonly failedSequence: string | undefined;
  readonly errors: readonly Error[];
}

const BATCH_WRITE_LIMIT = 25;

/**
 * Stores rejected and late records in the dead-letter table with `BatchWriteItem`, 25 at a time, retrying
 * unprocessed items with jittered backoff until the deadline. Keys are deterministic (see
 * `deadLetterSortKey`), so writing the same record twice leaves one item.
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
    let writeUnits = 0;
    let failedSequence: string | undefined;
    const errors: Error[] = [];
    const fail = (sequences: readonly string[], error: Error): void => {
      errors.push(error);
      for (const sequence of sequences) {
        if (failedSequence === undefined || compareSequence(sequence, failedSequence) < 0)
          failedSequence = sequence;
      }
    };
    for (let start = 0; start < entries.length; start += BATCH_WRITE_LIMIT) {
      const chunk = entries.slice(start, start + BATCH_WRITE_LIMIT);
      let pending = chunk.map((e) => e.item);
      let round = 0;
      try {
        while (pending.length > 0) {
          if (round > 0) {
            await backoff(
              round,
              { now: this.now, ...this.options.retry, deadlineMs },
              () => `${pending.length} dead letter(s) unprocessed`,
            );
          }
          round += 1;
          const request = pending;
          const response = await withRetry(
            (abortSignal) =>
              client.send(
                new BatchWriteItemCommand({
                  RequestItems: { [tableName]: request.map((Item) => ({ PutRequest: { Item } })) },
                  ReturnConsumedCapacity: 'TOTAL',
                }),
                { abortSignal },
              ),
            { now: this.now, ...this.options.retry, deadlineMs },
          );
          for (const used of response.ConsumedCapacity ?? []) writeUnits += used.CapacityUnits ?? 0;
          const unprocessed = (response.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
            r.PutRequest?.Item ? [r.PutRequest.Item] : [],
          );
          written += request.length - unprocessed.length;
          pending = unprocessed;
        }
      } catch (error) {
        const left = new Set(pending.map((item) => `${item[D.pk]?.S}\u0000${item[D.sk]?.S}`));
        fail(
          chunk.filter((e) => left.has(`${e.item[D.pk]?.S}\u0000${e.item[D.sk]?.S}`)).map((e) => e.sequence),
          error as Error,
        );
      }
    }
    return { written, writeUnits, failedSequence, errors };
  }
}
