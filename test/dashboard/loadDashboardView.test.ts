import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboardView } from '../../cli/dashboard/loadDashboardView.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { ohlc, sensorStats } from '../../shared/examples/index.ts';
import { queryWindows } from '../../shared/query/queryWindows.ts';
import { createTables, SAMPLES, type SinkTables, sampleLines, writeLines } from '../query/fixtures.ts';

/**
 * What the web dashboard reads, against a real local DynamoDB (dynalite) holding the samples' results as
 * the Lambda handler writes them.
 */

let service: LocalService;
let client: DynamoDBClient;
let trades: SinkTables;
let sensors: SinkTables;

beforeAll(async () => {
  service = await startDynalite();
  client = dynamoDbClient(service.endpoint);
  trades = await createTables(client, ohlc, 'dash-ohlc-results');
  await writeLines(client, ohlc, trades, sampleLines(SAMPLES.trades.path), SAMPLES.trades.arrival);
  sensors = await createTables(client, sensorStats, 'dash-sensors-results');
  await writeLines(client, sensorStats, sensors, sampleLines(SAMPLES.sensors.path), SAMPLES.sensors.arrival);
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

/** During minute 08:31: 08:30 is the latest complete window, 08:31 still receives records. */
const DURING_0831 = Date.parse('2026-11-21T08:31:40Z');

describe('Function: loadDashboardView', () => {
  it('reads the latest complete window, its top groups, and the partial one beside it', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: trades.resultsTable,
      deadLetterTable: trades.deadLetterTable,
      definition: ohlc,
      nowMs: DURING_0831,
    });

    // Assess
    const stored = await queryWindows({
      client,
      tableName: trades.resultsTable,
      definition: ohlc,
      fromMs: Date.parse('2026-11-21T08:30:00Z'),
      toMs: Date.parse('2026-11-21T08:30:00Z'),
      nowMs: DURING_0831,
    });
    expect(view.window).toStrictEqual({
      start: '2026-11-21T08:30:00.000Z',
      end: '2026-11-21T08:31:00.000Z',
      partial: false,
    });
    expect(view.results.map((r) => r.metrics)).toStrictEqual(stored.results.map((r) => r.metrics));
    expect(view.metric).toBe('volume');
    expect(view.top.map((g) => [g.label, g.value])).toStrictEqual([
      ['INIT', 100],
      ['ACME', 45],
    ]);
    expect(view.current).toStrictEqual({
      start: '2026-11-21T08:31:00.000Z',
      top: [{ label: 'ACME', group: { symbol: 'ACME' }, value: 1 }],
    });
    expect(view.resolution).toBe('windows');
  });

  it('draws the chosen metric over time for the top groups, with gaps where a group had no result', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: trades.resultsTable,
      definition: ohlc,
      nowMs: DURING_0831,
      metric: 'close',
      rangeWindows: 3,
    });

    // Assess
    expect(view.starts).toStrictEqual([
      '2026-11-21T08:29:00.000Z',
      '2026-11-21T08:30:00.000Z',
      '2026-11-21T08:31:00.000Z',
    ]);
    expect(view.series).toStrictEqual([
      { label: 'ACME', group: { symbol: 'ACME' }, values: [null, 100.5, 102] },
      { label: 'INIT', group: { symbol: 'INIT' }, values: [null, 20.25, null] },
    ]);
  });

  it('makes candles of first/max/min/last metrics for the first group', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: trades.resultsTable,
      definition: ohlc,
      nowMs: DURING_0831,
      groups: [{ symbol: 'ACME' }],
      rangeWindows: 2,
    });

    // Assess: [open, close, low, high] per window
    expect(view.candles).toStrictEqual({
      label: 'ACME',
      metrics: { open: 'open', high: 'high', low: 'low', close: 'close' },
      values: [
        [100, 100.5, 99, 101.5],
        [102, 102, 102, 102],
      ],
    });
    expect(view.quantiles).toBeUndefined();
  });

  it("counts today's dead letters by reason", async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: trades.resultsTable,
      deadLetterTable: trades.deadLetterTable,
      definition: ohlc,
      nowMs: DURING_0831,
    });

    // Assess: the sample's price given as a string, and its truncated last line
    expect(view.deadLetters).toStrictEqual({ 'invalid-field-type': 1, 'invalid-json': 1 });
  });

  it('shows p50/p90/p99 of the first quantiles metric as bands', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: sensors.resultsTable,
      definition: sensorStats,
      nowMs: Date.parse('2026-11-21T08:35:30Z'),
      groups: [{ device: 'greenhouse-1' }],
      rangeWindows: 5,
    });

    // Assess: the first of the 5 windows, 08:31–08:36, holds greenhouse-1's readings of 08:31:10 and 08:33:10
    expect(view.starts[0]).toBe('2026-11-21T08:31:00.000Z');
    expect(view.quantiles?.metric).toBe('humidity');
    expect(view.quantiles?.label).toBe('greenhouse-1');
    const stored = await queryWindows({
      client,
      tableName: sensors.resultsTable,
      definition: sensorStats,
      group: { device: 'greenhouse-1' },
      fromMs: Date.parse('2026-11-21T08:31:00Z'),
      toMs: Date.parse('2026-11-21T08:31:00Z'),
    });
    const humidity = stored.results[0]?.metrics.humidity as Record<string, number>;
    expect(stored.results[0]?.records).toBe(2);
    expect([view.quantiles?.p50[0], view.quantiles?.p90[0], view.quantiles?.p99[0]]).toStrictEqual([
      humidity.p50,
      humidity.p90,
      humidity.p99,
    ]);
    expect(view.candles).toBeUndefined();
  });

  it('shows an empty view, not an error, before any result, and no dead letters when their table is missing', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: trades.resultsTable,
      deadLetterTable: 'no-such-table',
      definition: ohlc,
      nowMs: Date.parse('2026-11-22T12:00:00Z'),
    });

    // Assess
    expect(view.window).toBeUndefined();
    expect(view.results).toStrictEqual([]);
    expect(view.top).toStrictEqual([]);
    expect(view.series).toStrictEqual([]);
    expect(view.deadLetters).toBeUndefined();
    expect(view.resultsAgeMs).toBeUndefined();
  });
});
