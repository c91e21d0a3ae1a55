import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';

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
