import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { BatchFolder } from '../../shared/fold/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { finalizeWindows, ResultsWriter } from '../../shared/storage/index.ts';
import { sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';

const SHARD_A = 'shardId-000000000000';
const SHARD_B = 'shardId-000000000001';
const W0830 = '2026-11-21T08:30:00.000Z';
/** Arrived in time for the 08:30 window (end 08:31, allowed lateness 5 min). */
const ARRIVAL = Date.parse('2026-11-21T08:31:30Z');
/** Long after the 08:30 window's finalAt: a lagging stream processes the record now. */
const LATE_PROCESSING = Date.parse('2026-11-21T09:00:00Z');

const trades = (symbol: string, prices: readonly number[], first: number): SourceRecord[] =>
  prices.map((price, i) => ({
    data: Buffer.from(JSON.stringify({ symbol, price, qty: 1, time: '2026-11-21T08:30:10Z' })),
    sequenceNumber: sequenceNumber(first + i),
    partitionKey: symbol,
    arrivalMs: ARRIVAL,
  }));

/**
 * A client whose first PutItem waits for `before` to run: the writer has read the item, another party
 * changes it, then the writer's conditional write goes out.
 */
const interceptFirstPut = (real: DynamoDBClient, before: () => Promise<unknown>): DynamoDBClient => {
  let intercepted = false;
  return {
    send: async (command: { constructor: { name: string } }) => {
      if (!intercepted && command.constructor.name === 'PutItemCommand') {
        intercepted = true;
        await before();
      }
      return (real.send as (c: unknown) => Promise<unknown>)(command);
    },
  } as unknown as DynamoDBClient;
};

describe('Integration: the finalizer and a racing writer on dynalite', () => {
  let service: LocalService;
  let client: DynamoDBClient;
  let tables: Awaited<ReturnType<typeof createPipelineTables>>;

  beforeAll(async () => {
    service = await startDynalite();
    client = dynamoDbClient(service.endpoint);
    tables = await createPipelineTables(client, ohlc);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
  });

  const readItem = async (symbol: string) =>
    (
      await client.send(
        new GetItemCommand({
          TableName: tables.resultsTable,
          Key: { pk: { S: `ohlc#${symbol}` }, sk: { S: W0830 } },
          ConsistentRead: true,
        }),
      )
    ).Item;

  const finalize = () =>
    finalizeWindows({
      client,
      tableName: tables.resultsTable,
      pipeline: ohlc.name,
      nowMs: LATE_PROCESSING,
      deadlineMs: Date.now() + 30_000,
    });

  const write = async (
    writerClient: DynamoDBClient,
    sources: readonly SourceRecord[],
    shardId: string,
    nowMs: number,
  ) =>
    new ResultsWriter({
      client: writerClient,
      tableName: tables.resultsTable,
      definition: ohlc,
      now: () => nowMs,
    }).write(new BatchFolder(ohlc).fold(sources), sources, shardId, Date.now() + 30_000);

  it('increments the version of every item it finalizes, once', async () => {
    // Prepare
    await write(client, trades('FIN', [10, 11], 1), SHARD_A, ARRIVAL);
    expect((await readItem('FIN'))?.version?.N).toBe('1');

    // Act
    const first = await finalize();
    const second = await finalize();

    // Assess
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBe(0);
    const item = await readItem('FIN');
    expect([item?.status?.S, item?.openPipeline?.S, item?.version?.N]).toStrictEqual([
      'final',
      undefined,
      '2',
    ]);
  });

  it('makes a writer that read the item before finalization fail its condition, re-read and count once', async () => {
    // Prepare: shard A wrote the window while it was open
    await write(client, trades('RACE', [10, 11], 1), SHARD_A, ARRIVAL);
    let finalizedMeanwhile = 0;
    const racing = interceptFirstPut(client, async () => {
      finalizedMeanwhile = await finalize();
    });

    // Act: shard B reads the item (version 1, open), the finalizer runs, then shard B writes
    const outcome = await write(racing, trades('RACE', [12], 1), SHARD_B, LATE_PROCESSING);

    // Assess
    expect(finalizedMeanwhile).toBeGreaterThanOrEqual(1);
    expect(outcome).toMatchObject({ written: 1, conflicts: 1, failed: 0, failedSequence: undefined });
    const item = await readItem('RACE');
    expect({
      records: item?.records?.N,
      trades: item?.trades?.N,
      high: item?.high?.N,
      status: item?.status?.S,
      openPipeline: item?.openPipeline?.S,
      version: item?.version?.N,
      applied: Object.keys(item?.applied?.M ?? {}).sort(),
    }).toStrictEqual({
      records: '3',
      trades: '3',
      high: '12',
      status: 'final',
      openPipeline: undefined,
      version: '3', // shard A's write, the finalizer, shard B's write after re-reading
      applied: [SHARD_A, SHARD_B],
    });
  });
});
