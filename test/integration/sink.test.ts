import { readFileSync } from 'node:fs';
import { type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { isJavaAvailable, startDynamoDbLocal } from '../../local/services/startDynamoDbLocal.ts';
import type { LocalService } from '../../local/services/types.ts';
import { requestsByIp } from '../../shared/examples/index.ts';
import { BatchProcessor } from '../../shared/handler/index.ts';
import { finalizeWindows, rankIndexName, readWindowResult } from '../../shared/storage/index.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import { scanAll, scanResults } from '../helpers/scanAll.ts';

const ARRIVAL = Date.parse('2026-11-21T08:32:00Z');
const SHARD = 'shardId-000000000000';

const eventFromLines = (lines: readonly string[], arrivalMs: number): KinesisStreamEvent => ({
  Records: lines.map((line, i) => {
    const sequenceNumber = `49590338271490256608559692538361571095921575989136${String(i + 1).padStart(6, '0')}`;
    return {
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/streamfold',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/access-logs',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: `p${i}`,
        sequenceNumber,
        data: Buffer.from(line).toString('base64'),
        approximateArrivalTimestamp: arrivalMs / 1000,
      },
    };
  }),
});

const accessLog = readFileSync(new URL('../../samples/access.log', import.meta.url), 'utf8')
  .trimEnd()
  .split('\n');

const backends: { name: string; start: () => Promise<LocalService>; enabled: () => Promise<boolean> }[] = [
  { name: 'dynalite', start: () => startDynalite(), enabled: async () => true },
  { name: 'DynamoDB Local', start: () => startDynamoDbLocal(), enabled: isJavaAvailable },
];

for (const backend of backends) {
  describe(`Integration: BatchProcessor on ${backend.name}`, async () => {
    const enabled = await backend.enabled();
    let service: LocalService | undefined;
    let client: DynamoDBClient;
    let tables: Awaited<ReturnType<typeof createPipelineTables>>;
    let nowMs = ARRIVAL;

    beforeAll(async () => {
      if (!enabled) return;
      service = await backend.start();
      client = dynamoDbClient(service.endpoint);
      tables = await createPipelineTables(client, requestsByIp);
    }, 300_000);

    afterAll(async () => {
      await service?.stop();
    });

    const processor = () =>
      new BatchProcessor({
        definition: requestsByIp,
        client,
        resultsTable: tables.resultsTable,
        deadLetterTable: tables.deadLetterTable,
        now: () => nowMs,
      });

    it.runIf(enabled)(
      'writes one readable item per (ip, minute), and the same batch twice changes nothing',
      async () => {
        // Act
        const first = await processor().process(eventFromLines(accessLog, ARRIVAL), {
          getRemainingTimeInMillis: () => 60_000,
        });
        const again = await processor().process(eventFromLines(accessLog, ARRIVAL), {
          getRemainingTimeInMillis: () => 60_000,
        });

        // Assess
        expect(first).toMatchObject({
          recordsIn: 8,
          folded: 7,
          rejected: 1,
          itemsWritten: 5,
          deadLettersWritten: 1,
        });
        expect(first.failedSequence).toBeUndefined();
        expect(first.writeUnits).toBeGreaterThanOrEqual(6);
        expect(again).toMatchObject({ itemsWritten: 0, itemsAlreadyApplied: 5 });
        const items = await scanResults(client, tables.resultsTable);
        expect(items).toHaveLength(5);
        const heavy = items.find(
          (i) => i.pk?.S === 'requests-by-ip#203.0.113.9' && i.sk?.S === '2026-11-21T08:30:00.000Z',
        );
        expect(heavy).toMatchObject({
          pipeline: { S: 'requests-by-ip' },
          group: { M: { ip: { S: '203.0.113.9' } } },
          windowStart: { S: '2026-11-21T08:30:00.000Z' },
          windowEnd: { S: '2026-11-21T08:31:00.000Z' },
          windowKey: { S: 'requests-by-ip#2026-11-21T08:30:00.000Z' },
          status: { S: 'open' },
          openPipeline: { S: 'requests-by-ip' },
          finalAt: { S: '2026-11-21T08:37:00.000Z' },
          records: { N: '3' },
          requests: { N: '3' },
          errors: { N: '1' },
          bytes: { N: '1555' },
          paths: { N: '2' },
          topPaths: {
            L: [
              { M: { value: { S: '/api/items' }, count: { N: '2' } } },
              { M: { value: { S: '/index.html' }, count: { N: '1' } } },
            ],
          },
          version: { N: '1' },
          expiresAt: { N: String(Date.parse('2026-11-21T08:31:00Z') / 1000 + 30 * 86_400) },
        });
        expect(Object.keys(heavy?.latency?.M ?? {}).sort()).toStrictEqual(['p50', 'p90', 'p95', 'p99']); // map order is not kept
        expect(readWindowResult(requestsByIp, heavy ?? {}).metrics.requests).toBe(3);
      },
    );

    it.runIf(enabled)('stores the rejected line as a dead letter with its reason and payload', async () => {
      const letters = await scanAll(client, tables.deadLetterTable);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        pk: { S: 'requests-by-ip#2026-11-21' },
        kind: { S: 'rejected' },
        reason: { S: 'access-log-syntax' },
        pipeline: { S: 'requests-by-ip' },
        shardId: { S: SHARD },
        excerpt: { S: 'this is not an access log line' },
      });
      expect(Buffer.from(letters[0]?.payload?.B ?? []).toString()).toBe('this is not an access log line');
    });

    it.runIf(enabled)(
      'answers "top groups of a window by a metric" with one Query on the rank index',
      async () => {
        // Act
        const response = await client.send(
          new QueryCommand({
            TableName: tables.resultsTable,
            IndexName: rankIndexName('requests'),
            KeyConditionExpression: 'windowKey = :w',
            ExpressionAttributeValues: { ':w': { S: 'requests-by-ip#2026-11-21T08:30:00.000Z' } },
            ScanIndexForward: false,
            Limit: 2,
          }),
        );

        // Assess
        expect(response.Items?.map((i) => [i.groupKey?.S, i.requests?.N])).toStrictEqual([
          ['203.0.113.9', '3'],
          [expect.any(String), '1'],
        ]);
        expect(response.Items?.[0]?.topPaths?.L).toHaveLength(2); // readable attributes are projected
      },
    );

    it.runIf(enabled)(
      'marks windows final once their end plus lateness and flushEvery have passed',
      async () => {
        // Act
        nowMs = Date.parse('2026-11-21T08:37:30Z');
        const finalized = await finalizeWindows({
          client,
          tableName: tables.resultsTable,
          pipeline: requestsByIp.name,
          nowMs,
          deadlineMs: Date.now() + 30_000,
        });

        // Assess: only the 08:30 windows (final at 08:37) are final; the 08:31 ones are final at 08:38
        expect(finalized).toBe(3);
        const items = await scanResults(client, tables.resultsTable);
        const byStatus = items.map((i) => [i.sk?.S, i.status?.S, i.openPipeline?.S]).sort();
        expect(byStatus).toStrictEqual([
          ['2026-11-21T08:30:00.000Z', 'final', undefined],
          ['2026-11-21T08:30:00.000Z', 'final', undefined],
          ['2026-11-21T08:30:00.000Z', 'final', undefined],
          ['2026-11-21T08:31:00.000Z', 'open', 'requests-by-ip'],
          ['2026-11-21T08:31:00.000Z', 'open', 'requests-by-ip'],
        ]);
      },
    );
  });
}
