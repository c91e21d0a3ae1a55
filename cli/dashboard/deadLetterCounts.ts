import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DEAD_LETTER_ATTRIBUTES as D } from '../../shared/storage/attributes.ts';

/** Options of {@link deadLetterCounts}. */
export interface DeadLetterCountsOptions {
  readonly client: DynamoDBClient;
  /** The pipeline's dead-letter table (`pipelineResourceNames(definition).deadLetterTable`). */
  readonly tableName: string;
  readonly pipeline: string;
  /**
   * Any time of the UTC day to count, epoch ms.
   * @default Date.now()
   */
  readonly dayMs?: number;
}

/**
 * Dead letters of one pipeline that arrived on one UTC day, counted by reason (`late` included): a
 * Query on the day's partition (`<pipeline>#<YYYY-MM-DD>`), reading only the `reason` attribute, all
 * pages. Redelivered records overwrite their own dead letter, so these counts are exact.
 *
 * @example
 * await deadLetterCounts({ client, tableName: 'streamfold-ohlc-dead-letters', pipeline: 'ohlc' });
 * // { 'invalid-json': 3, late: 1 }
 */
export const deadLetterCounts = async (options: DeadLetterCountsOptions): Promise<Record<string, number>> => {
  const day = new Date(options.dayMs ?? Date.now()).toISOString().slice(0, 10);
  const counts: Record<string, number> = {};
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await options.client.send(
      new QueryCommand({
        TableName: options.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': D.pk, '#reason': 'reason' },
        ExpressionAttributeValues: { ':pk': { S: `${options.pipeline}#${day}` } },
        ProjectionExpression: '#reason',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const reason = item.reason?.S ?? 'unknown';
      counts[reason] = (counts[reason] ?? 0) + 1;
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return counts;
};
