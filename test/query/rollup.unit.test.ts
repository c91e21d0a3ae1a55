import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { QueryCostError, ScanNotAllowedError } from '../../shared/query/errors.ts';
import { rollup } from '../../shared/query/rollup.ts';
import { buildResultItem } from '../../shared/storage/resultItem.ts';
import { unranked } from './fixtures.ts';
import { webMinutes } from './rollupPipelines.ts';

const ddb = mockClient(DynamoDBClient);
const DAY = Date.parse('2026-11-20T00:00:00Z');
const NOW = DAY + 25 * 3_600_000;

/** Real results items: a day of one-minute windows of host `solo`, two requests a minute. */
const dayOfItems = (): Record<string, AttributeValue>[] => {
  const sources = Array.from({ length: 2_880 }, (_, i) => {
    const timeMs = DAY + i * 30_000;
    return {
      data: Buffer.from(
        JSON.stringify({
          host: 'solo',
          bytes: i,
          ms: 1 + (i % 50),
          user: `u${i % 9}`,
          time: new Date(timeMs).toISOString(),
        }),
      ),
      sequenceNumber: String(i + 1),
      partitionKey: 'solo',
      arrivalMs: timeMs,
    };
  });
  const batch = new BatchFolder(webMinutes).fold(sources);
  return [...batch.aggregates.values()].map((a) =>
    buildResultItem(webMinutes, {
      groupKey: a.groupKey,
      group: a.group,
      windowStartMs: a.windowStartMs,
      aggregate: { records: a.records, states: a.states },
      applied: {},
      version: 1,
      nowMs: NOW,
    }),
  );
};

afterEach(() => {
  ddb.reset();
});

describe('Function: rollup (requests, mocked DynamoDB)', () => {
  it('reads a group in one Query of several pages, with the state projected and the read units summed', async () => {
    // Prepare: AWS returns at most 1 MB per page, so the day comes in two pages.
    const items = dayOfItems();
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: items.slice(0, 1_000),
        LastEvaluatedKey: { pk: { S: 'x' }, sk: { S: 'y' } },
        ConsumedCapacity: { CapacityUnits: 128 },
      })
      .resolvesOnce({ Items: items.slice(1_000), ConsumedCapacity: { CapacityUnits: 30.5 } });

    // Act
    const outcome = await rollup({
      client: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 'web',
      definition: webMinutes,
      fromMs: DAY,
      toMs: DAY + 86_400_000,
      every: 86_400_000,
      groups: [{ host: 'solo' }],
      consistentRead: true,
      nowMs: NOW,
    });

    // Assess
    expect(outcome).toMatchObject({
      queries: 1,
      requests: 2,
      readUnits: 158.5,
      windowsMerged: 1_440,
      strategy: 'group',
    });
    expect(outcome.results[0]?.metrics.requests).toBe(2_880);
    expect(outcome.results[0]?.metrics.bytes).toBe((2_879 * 2_880) / 2);
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls[1]?.ExclusiveStartKey).toStrictEqual({ pk: { S: 'x' }, sk: { S: 'y' } });
    const input = calls[0];
    expect(input).toMatchObject({
      TableName: 'web',
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': { S: 'web-minutes#solo' },
        ':from': { S: '2026-11-20T00:00:00.000Z' },
        ':to': { S: '2026-11-20T23:59:00.000Z' },
      },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(input?.IndexName).toBeUndefined();
    expect(Object.values(input?.ExpressionAttributeNames ?? {})).toContain('state');
  });

  it('lists groups on the rank index, then stops before reading them when the total would pass maxQueries', async () => {
    // Prepare: every window lists 30 groups.
    const listing = Array.from({ length: 30 }, (_, i) => ({
      groupKey: { S: `h${i}` },
      group: { M: { host: { S: `h${i}` } } },
    }));
    ddb
      .on(QueryCommand, { IndexName: 'rank-requests' })
      .resolves({ Items: listing, ConsumedCapacity: { CapacityUnits: 0.5 } });

    // Act
    const attempt = rollup({
      client: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 'web',
      definition: webMinutes,
      fromMs: DAY,
      toMs: DAY + 3_600_000,
      every: 3_600_000,
      maxQueries: 80,
      nowMs: NOW,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(QueryCostError);
    await expect(attempt).rejects.toMatchObject({ planned: 90, maxQueries: 80, spent: 60 });
    await expect(attempt).rejects.toThrow('60 to list the groups, one per group for 30 groups');
    const calls = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(60);
    expect(
      calls.every((input) => input.IndexName === 'rank-requests' && input.ConsistentRead === undefined),
    ).toBe(true);
  });
});

describe('Function: rollup (a pipeline without a rank index, mocked DynamoDB)', () => {
  const scanRollup = (options: { readonly allowScan?: boolean; readonly consistentRead?: boolean } = {}) =>
    rollup({
      client: new DynamoDBClient({ region: 'us-east-1' }),
      tableName: 'trades',
      definition: unranked,
      fromMs: DAY,
      toMs: DAY + 60_000,
      every: 'all',
      maxQueries: 1,
      nowMs: NOW,
      ...options,
    });

  it.each([
    [false, '5,000,000,000 bytes in 6,000,000 items, about 610,352 read units a Scan'],
    [true, '5,000,000,000 bytes in 6,000,000 items, about 1,220,704 read units a Scan'],
  ])(
    'refuses a Scan of one minute of a 5 GB table, saying what it reads (consistentRead %s), and scans nothing',
    async (consistentRead, figures) => {
      // Prepare
      ddb
        .on(DescribeTableCommand)
        .resolves({ Table: { TableSizeBytes: 5_000_000_000, ItemCount: 6_000_000 } });

      // Act
      const attempt = scanRollup({ consistentRead });

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(ScanNotAllowedError);
      await expect(attempt).rejects.toMatchObject({
        tableName: 'trades',
        tableSize: { sizeBytes: 5_000_000_000, itemCount: 6_000_000 },
      });
      await expect(attempt).rejects.toThrow(figures);
      expect(ddb.commandCalls(DescribeTableCommand).map((call) => call.args[0].input)).toStrictEqual([
        { TableName: 'trades' },
      ]);
      expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
      expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    },
  );

  it('still refuses, without the figures, when DescribeTable is denied', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform: dynamodb:DescribeTable'), {
      name: 'AccessDeniedException',
    });
    ddb.on(DescribeTableCommand).rejects(denied);

    // Act
    const attempt = scanRollup();

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ScanNotAllowedError);
    await expect(attempt).rejects.toMatchObject({ tableSize: undefined });
    await expect(attempt).rejects.toThrow('its size could not be read');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('scans with allowScan: one Scan of every page, filtered on the pipeline and range, its read units summed', async () => {
    // Prepare
    ddb
      .on(ScanCommand)
      .resolvesOnce({
        Items: [],
        LastEvaluatedKey: { pk: { S: 'x' }, sk: { S: 'y' } },
        ConsumedCapacity: { CapacityUnits: 64 },
      })
      .resolvesOnce({ Items: [], ConsumedCapacity: { CapacityUnits: 3.5 } });

    // Act
    const outcome = await scanRollup({ allowScan: true });

    // Assess
    expect(outcome).toMatchObject({
      strategy: 'scan',
      queries: 1,
      requests: 2,
      readUnits: 67.5,
      results: [],
    });
    const inputs = ddb.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]?.FilterExpression).toBe('#pl = :pl AND #ws BETWEEN :from AND :to');
    expect(inputs[0]?.ExpressionAttributeValues?.[':pl']).toStrictEqual({ S: 'unranked-trades' });
    expect(ddb.commandCalls(DescribeTableCommand)).toHaveLength(0);
  });
});
