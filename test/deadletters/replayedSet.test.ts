import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { resultKey } from '../../shared/storage/resultItem.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';

/** The handler's writes carry a results item's `replayed` set forward (ADR 0003): a replay's keys survive them. */
describe('Results items: the replayed set through handler writes', () => {
  let service: LocalService;
  let client: DynamoDBClient;

  beforeAll(async () => {
    service = await startDynalite({});
    client = dynamoDbClient(service.endpoint, { maxAttempts: 1 });
  });

  afterAll(async () => {
    client?.destroy();
    await service?.stop();
  });

  it('keeps the keys a replay added when the handler rewrites the item', async () => {
    // Prepare: one window item written by the handler, then named by a replay in progress
    const tables = await createPipelineTables(client, sensorStats);
    const nowMs = Date.parse('2026-12-06T10:03:30Z');
    const processor = new BatchProcessor({
      definition: sensorStats,
      client,
      resultsTable: tables.resultsTable,
      deadLetterTable: tables.deadLetterTable,
      now: () => nowMs,
    });
    const reading = (n: number) => ({
      data: JSON.stringify({ device: 'd', temperature: 20 + n, humidity: 50, time: '2026-12-06T10:03:00Z' }),
      sequenceNumber: sequenceNumber(n),
      arrivalMs: nowMs,
    });
    await processor.process(kinesisEvent([reading(1)]), { getRemainingTimeInMillis: () => 30_000 });
    const { pk, sk } = resultKey(sensorStats.name, 'd', Date.parse('2026-12-06T10:03:00Z'));
    const key = { pk: { S: pk }, sk: { S: sk } };
    await client.send(
      new UpdateItemCommand({
        TableName: tables.resultsTable,
        Key: key,
        UpdateExpression: 'ADD replayed :k, version :one',
        ExpressionAttributeValues: { ':k': { SS: ['2026-12-06T10:01:00.000Z#s#1##'] }, ':one': { N: '1' } },
      }),
    );

    // Act
    const report = await processor.process(kinesisEvent([reading(2)]), {
      getRemainingTimeInMillis: () => 30_000,
    });

    // Assess
    expect(report.itemsWritten).toBeGreaterThan(0);
    const item = (
      await client.send(
        new GetItemCommand({ TableName: tables.resultsTable, Key: key, ConsistentRead: true }),
      )
    ).Item;
    expect(item?.replayed?.SS).toStrictEqual(['2026-12-06T10:01:00.000Z#s#1##']);
    expect(item?.records?.N).toBe('2');
    expect(item?.version?.N).toBe('3');
    await tables.drop();
  });
});
