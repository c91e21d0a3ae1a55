import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SHARD_CEILING_ATTRIBUTES } from './attributes.ts';

/**
 * Every item of a table: a consistent Scan, all pages. For checks and small local tables, not for
 * production reads (the query library reads by key and index).
 *
 * @example
 * const items = await scanTable(client, 'streamfold-ohlc-results');
 */
export const scanTable = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, AttributeValue>[]> => {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
};

/**
 * Every results item of a results table: {@link scanTable} without the shards' ceiling items
 * (docs/adr/0002-coalesced-writes.md), which share the table but are no (group, window).
 *
 * @example
 * const items = await scanResults(client, 'streamfold-ohlc-results');
 */
export const scanResults = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<Record<string, AttributeValue>[]> =>
  (await scanTable(client, tableName)).filter((item) => item[SHARD_CEILING_ATTRIBUTES.ceiling] === undefined);
