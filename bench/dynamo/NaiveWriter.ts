import { type DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { FoldedBatch } from '../../shared/fold/types.ts';
import { mapLimit } from '../../shared/storage/mapLimit.ts';
import { resultKey } from '../../shared/storage/resultItem.ts';

/** What the naive writer did. */
export interface NaiveOutcome {
  readonly requests: number;
  readonly writeUnits: number;
}

/**
 * The naive writer of sample code: one `UpdateItem ... ADD #n :one` per record and window, on a minimal
 * item (key + one counter, far below 1 KB). It has no exactly-once protection and no sketches, so this is
 * the cheapest any per-record writer can be: one request and at least one write unit per contribution.
 *
 * @example
 * const outcome = await new NaiveWriter(client, table, 'ohlc').write(batch);
 */
export class NaiveWriter {
  public constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly pipeline: string,
    private readonly concurrency = 16,
  ) {}

  public async write(batch: FoldedBatch): Promise<NaiveOutcome> {
    const updates: { pk: string; sk: string }[] = [];
    for (const aggregate of batch.aggregates.values()) {
      const key = resultKey(`naive#${this.pipeline}`, aggregate.groupKey, aggregate.windowStartMs);
      for (let i = 0; i < aggregate.records; i++) updates.push(key);
    }
    let writeUnits = 0;
    const settled = await mapLimit(updates, this.concurrency, async (key) => {
      const response = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          UpdateExpression: 'ADD #n :one',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':one': { N: '1' } },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      writeUnits += response.ConsumedCapacity?.CapacityUnits ?? 0;
    });
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    return { requests: updates.length, writeUnits };
  }
}
