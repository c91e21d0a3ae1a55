import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureCost } from '../../bench/cost/costFigure.ts';
import { flushSweepRows } from '../../bench/cost/flushSweepRows.ts';
import type { CostSettings } from '../../bench/cost/types.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';

let dynalite: LocalService;
const clients: DynamoDBClient[] = [];
/** A client per run: measureCost adds its request counter to the client's middleware. */
const newClient = (): DynamoDBClient => {
  const client = dynamoDbClient(dynalite.endpoint);
  clients.push(client);
  return client;
};

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynalite.stop();
});

const settings = (flushEveryMs: number): CostSettings => ({
  pipelines: ['ohlc'],
  rates: [10],
  shardCounts: [1],
  partitionings: ['keyed'],
  minutes: 4,
  measurement: { perBatchItemWrites: 50, coalescedRecords: 10 * 60 * 4 },
  flushEveryMs,
});

describe('The flush sweep (`npm run bench:flush-sweep`): the cost figure with a flushEvery override', () => {
  it('runs the handler at the interval given, so a longer interval writes each window fewer times', async () => {
    // Act
    const short = await measureCost(newClient(), settings(30_000));
    const long = await measureCost(newClient(), settings(120_000));

    // Assess: the override reached the mapping and the handler, not only the report.
    expect(short.assumptions.coalescedFlushEveryMs).toBe(30_000);
    expect(long.assumptions.coalescedFlushEveryMs).toBe(120_000);
    const writes = (figure: typeof short): number =>
      figure.scenarios[0]?.measurement.coalesced?.itemWrites ?? Number.NaN;
    expect(writes(long)).toBeLessThan(writes(short));
    const [shortRow] = flushSweepRows(short);
    const [longRow] = flushSweepRows(long);
    expect(shortRow).toMatchObject({ pipeline: 'ohlc', flushEverySeconds: 30, stalestResultSeconds: 35 });
    expect(longRow).toMatchObject({ pipeline: 'ohlc', flushEverySeconds: 120, stalestResultSeconds: 125 });
    expect(longRow?.writeUnitsVsWindowLowerBound).toBeLessThan(shortRow?.writeUnitsVsWindowLowerBound ?? 0);
    // Same traffic, so the same lower bound and the same Flink price.
    expect(longRow?.flinkPerMonth).toBe(shortRow?.flinkPerMonth);
  }, 120_000);
});
