import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { RESULT_ATTRIBUTES as A, OPEN_WINDOWS_INDEX } from './attributes.ts';
import { mapLimit } from './mapLimit.ts';
import { withRetry } from './retry.ts';

/** Options of {@link finalizeWindows}. */
export interface FinalizeOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly pipeline: string;
  readonly nowMs: number;
  /** Stop starting work after this time (epoch ms). */
  readonly deadlineMs: number;
  /**
   * Updates in flight at once.
   * @default 8
   */
  readonly concurrency?: number;
}

/**
 * Marks windows whose end plus allowed lateness has passed as `final`: queries the sparse `open-windows`
 * index (`openPipeline = pipeline AND finalAt < now`) and, per item, sets `status = final`, removes
 * `openPipeline` (so the item leaves the index) and increments `version`, so that a writer holding the
 * item as it was read before fails its version condition and re-reads (docs/adr/0001-exactly-once.md).
 * Run on a schedule; idempotent. Returns how many windows
 * it finalized.
 *
 * @example
 * await finalizeWindows({ client, tableName, pipeline: 'ohlc', nowMs: Date.now(), deadlineMs: Date.now() + 10_000 });
 */
export const finalizeWindows = async (options: FinalizeOptions): Promise<number> => {
  const { client, tableName, pipeline, nowMs, deadlineMs } = options;
  const now = new Date(nowMs).toISOString();
  let finalized = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await withRetry(
      (abortSignal) =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: OPEN_WINDOWS_INDEX,
            KeyConditionExpression: '#open = :pipeline AND #finalAt < :now',
            ExpressionAttributeNames: { '#open': A.openPipeline, '#finalAt': A.finalAt },
            ExpressionAttributeValues: { ':pipeline': { S: pipeline }, ':now': { S: now } },
            ExclusiveStartKey: startKey,
          }),
          { abortSignal },
        ),
      { deadlineMs },
    );
    const results = await mapLimit(page.Items ?? [], options.concurrency ?? 8, async (item) => {
      try {
        await withRetry(
          (abortSignal) =>
            client.send(
              new UpdateItemCommand({
                TableName: tableName,
                Key: { [A.pk]: item[A.pk] as AttributeValue, [A.sk]: item[A.sk] as AttributeValue },
                // The version moves too (every write moves it, docs/table.md): a writer that read the item
                // before this update fails its version condition, re-reads and merges into the final item.
                UpdateExpression: 'SET #status = :final REMOVE #open ADD #version :one',
                ConditionExpression: 'attribute_exists(#open) AND #finalAt < :now',
                ExpressionAttributeNames: {
                  '#status': A.status,
                  '#open': A.openPipeline,
                  '#finalAt': A.finalAt,
                  '#version': A.version,
                },
                ExpressionAttributeValues: {
                  ':final': { S: 'final' },
                  ':now': { S: now },
                  ':one': { N: '1' },
                },
              }),
              { abortSignal },
            ),
          { deadlineMs },
        );
        return true;
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        ) {
          return false; // already final, or rewritten in the meantime
        }
        throw error;
      }
    });
    for (const result of results) {
      if (result.status === 'rejected') throw result.reason;
      if (result.value) finalized += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined && Date.now() < deadlineMs);
  return finalized;
};
