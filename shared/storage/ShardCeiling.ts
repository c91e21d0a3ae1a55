import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { RESULT_ATTRIBUTES as A, SHARD_CEILING_ATTRIBUTES as C } from './attributes.ts';
import { type RetryOptions, withRetry } from './retry.ts';

/** Kinesis sequence numbers have at most 129 digits; zero-padded to this width they order as strings. */
const PADDED_WIDTH = 130;

/** A shard's ceiling item is kept this long after its last write (closed shards then go away). */
const CEILING_TTL_SECONDS = 400 * 86_400;

const pad = (sequence: string): string => sequence.padStart(PADDED_WIDTH, '0');
const unpad = (padded: string): string => padded.replace(/^0+(?=\d)/, '');

/** The key of a shard's ceiling item in the results table (never a results item's: those have a `#`). */
export const shardCeilingKey = (pipeline: string, shardId: string): { pk: string; sk: string } => ({
  pk: pipeline,
  sk: `${C.skPrefix}${shardId}`,
});

/** Options of {@link ShardCeiling}. */
export interface ShardCeilingOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly pipeline: string;
  readonly retry?: Omit<RetryOptions, 'deadlineMs'>;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Per shard, the highest Kinesis sequence number that may already be folded into any results item
 * (docs/adr/0002-coalesced-writes.md). It is raised before any item write that could fold records above
 * it (write-ahead), so every record above it is folded nowhere yet: such records can be buffered and
 * later written whole. One small item per (pipeline, shard) in the results table.
 *
 * @example
 * const ceiling = new ShardCeiling({ client, tableName, pipeline: 'ohlc' });
 * await ceiling.raise('shardId-000000000000', '4959…', deadlineMs);
 */
export class ShardCeiling {
  private readonly now: () => number;

  public constructor(private readonly options: ShardCeilingOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The shard's ceiling (consistent read), or `''` when no item of this shard was ever written. */
  public async read(shardId: string, deadlineMs: number): Promise<{ ceiling: string; readUnits: number }> {
    const { client, tableName, pipeline } = this.options;
    const key = shardCeilingKey(pipeline, shardId);
    const response = await withRetry(
      (abortSignal) =>
        client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { [A.pk]: { S: key.pk }, [A.sk]: { S: key.sk } },
            ConsistentRead: true,
            ReturnConsumedCapacity: 'TOTAL',
          }),
          { abortSignal },
        ),
      { now: this.now, ...this.options.retry, deadlineMs },
    );
    const padded = response.Item?.[C.ceiling]?.S;
    return {
      ceiling: padded === undefined ? '' : unpad(padded),
      readUnits: response.ConsumedCapacity?.CapacityUnits ?? 1,
    };
  }

  /**
   * Raises the shard's ceiling to `sequence` (never lowers it: the write is conditioned on the stored
   * value being lower). Returns the write units used (0 when it was already that high).
   */
  public async raise(shardId: string, sequence: string, deadlineMs: number): Promise<number> {
    const { client, tableName, pipeline } = this.options;
    const key = shardCeilingKey(pipeline, shardId);
    try {
      const response = await withRetry(
        (abortSignal) =>
          client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: {
                [A.pk]: { S: key.pk },
                [A.sk]: { S: key.sk },
                [C.ceiling]: { S: pad(sequence) },
                [A.updatedAt]: { S: new Date(this.now()).toISOString() },
                [A.expiresAt]: { N: String(Math.floor(this.now() / 1000) + CEILING_TTL_SECONDS) },
              },
              ConditionExpression: 'attribute_not_exists(#c) OR #c < :c',
              ExpressionAttributeNames: { '#c': C.ceiling },
              ExpressionAttributeValues: { ':c': { S: pad(sequence) } },
              ReturnConsumedCapacity: 'TOTAL',
            }),
            { abortSignal },
          ),
        { now: this.now, ...this.options.retry, deadlineMs },
      );
      return response.ConsumedCapacity?.CapacityUnits ?? 1;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      )
        return 0;
      throw error;
    }
  }
}
