import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboardView } from '../../cli/dashboard/loadDashboardView.ts';
import { RollupSeriesCache } from '../../cli/dashboard/RollupSeriesCache.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { ohlc, sensorStats } from '../../shared/examples/index.ts';
import { count } from '../../shared/metrics/count.ts';
import { type RollupOutcome, rollup } from '../../shared/query/rollup.ts';
import { tumbling } from '../../shared/window/tumbling.ts';
import { runQueryCommands } from '../helpers/runQueryCommands.ts';
import { createTables, type SinkTables, writeLines } from '../query/fixtures.ts';

/**
 * The web dashboard's longer ranges, read as rollups of the stored windows, against a real local
 * DynamoDB (dynalite) holding three hours and twenty minutes of trades and sensor readings written by the
 * Lambda handler's batch processor: what the charts over time show equals `rollup()` and
 * `streamfold query --every 1h --json` for the same data.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-11-21T06:00:00Z');
/** Twenty minutes into hour 09: the newest hourly bucket is partial. */
const NOW = Date.parse('2026-11-21T09:20:30Z');
const SYMBOLS = ['ACME', 'GLOBX', 'INIT', 'WAYNE'] as const;
const DEVICES = ['greenhouse-1', 'greenhouse-2', 'cold-room'] as const;

/** A trade every 30 s from 06:00 to 09:20, symbols in turn, prices drifting. */
const trades = (): { timeMs: number; line: string }[] =>
  Array.from({ length: 400 }, (_, i) => {
    const timeMs = START + i * 30_000;
    const base = [100, 54, 20, 7.8][i % SYMBOLS.length] as number;
    return {
      timeMs,
      line: JSON.stringify({
        symbol: SYMBOLS[i % SYMBOLS.length],
        price: Number((base * (1 + 0.05 * Math.sin(i / 17))).toFixed(2)),
        qty: 1 + ((i * 7) % 20),
        time: new Date(timeMs).toISOString(),
      }),
    };
  });

/** A reading every 100 s from 06:00 to 09:20, devices in turn. */
const readings = (): { timeMs: number; line: string }[] =>
  Array.from({ length: 120 }, (_, i) => {
    const timeMs = START + i * 100_000;
    return {
      timeMs,
      line: JSON.stringify({
        device: DEVICES[i % DEVICES.length],
        temperature: 18 + (i % 10) / 2,
        humidity: 40 + ((i * 13) % 30),
        time: new Date(timeMs).toISOString(),
      }),
    };
  });

/** Writes the lines in batches of five minutes of event time, each arriving 10 s after it: none is late. */
const writeInBatches = async (
  definition: PipelineDefinition,
  tables: SinkTables,
  records: readonly { timeMs: number; line: string }[],
): Promise<void> => {
  const batches = new Map<number, string[]>();
  for (const r of records) {
    const end = Math.floor(r.timeMs / 300_000) * 300_000 + 300_000;
    batches.set(end, [...(batches.get(end) ?? []), r.line]);
  }
  for (const [end, lines] of [...batches].sort((a, b) => a[0] - b[0])) {
    await writeLines(client, definition, tables, lines, new Date(end + 10_000).toISOString());
  }
};

/** Seven-minute windows tile neither an hour nor a day. */
const sevenMinutes = definePipeline({
  name: 'seven-minutes',
  stream: 'seven-minutes',
  decode: json(),
  groupBy: ['symbol'],
  eventTime: 'time',
  window: tumbling('7m'),
  metrics: { trades: count() },
  retention: '1d',
  rankBy: ['trades'],
});

let service: LocalService;
let client: DynamoDBClient;
let tradeTables: SinkTables;
let sensorTables: SinkTables;

beforeAll(async () => {
  service = await startDynalite();
  client = dynamoDbClient(service.endpoint);
  tradeTables = await createTables(client, ohlc, 'dash-rollup-ohlc-results');
  await writeInBatches(ohlc, tradeTables, trades());
  sensorTables = await createTables(client, sensorStats, 'dash-rollup-sensors-results');
  await writeInBatches(sensorStats, sensorTables, readings());
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

/** The rollup of the last 24 hours (hourly) or 7 days (daily) of the given groups, as the library gives it. */
const rolledUp = (
  definition: PipelineDefinition,
  tables: SinkTables,
  everyMs: number,
  buckets: number,
  groups: readonly Readonly<Record<string, string>>[],
): Promise<RollupOutcome> => {
  const toMs = Math.floor(NOW / everyMs) * everyMs + everyMs;
  return rollup({
    client,
    tableName: tables.resultsTable,
    definition,
    fromMs: toMs - buckets * everyMs,
    toMs,
    every: everyMs,
    groups,
    nowMs: NOW,
  });
};

/** One value per start (null where the group had no bucket), as the view draws them. */
const valuesOf = (
  outcome: RollupOutcome,
  starts: readonly string[],
  group: Readonly<Record<string, string>>,
  value: (metrics: Readonly<Record<string, unknown>>) => unknown,
): unknown[] =>
  starts.map((start) => {
    const found = outcome.results.find(
      (r) => r.window.start === start && JSON.stringify(r.group) === JSON.stringify(group),
    );
    return found === undefined ? null : value(found.metrics);
  });

describe('Function: loadDashboardView, rollup ranges', () => {
  it('draws the last 24 hours as hourly rollups equal to rollup() and `query --every 1h --json`', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: tradeTables.resultsTable,
      definition: ohlc,
      nowMs: NOW,
      rollupRange: '24h',
    });

    // Assess: 24 bucket starts, the newest the hour holding NOW
    expect(view.resolution).toBe('rollups');
    expect(view.range).toBe('24h');
    expect(view.stepMs).toBe(HOUR);
    expect(view.starts).toHaveLength(24);
    expect(view.starts[0]).toBe('2026-11-20T10:00:00.000Z');
    expect(view.starts[23]).toBe('2026-11-21T09:00:00.000Z');
    expect(view.seriesError).toBeUndefined();
    expect(view.seriesNote).toContain('Hourly rollups');
    expect(view.seriesNote).toContain('The newest hour (from 2026-11-21 09:00 UTC) is partial');
    expect(view.ranges.map((r) => r.value)).toStrictEqual(['15', '30', '60', '180', '360', '24h', '7d']);

    // The top groups of the latest complete window, 09:19, by volume: the two symbols that traded in it
    const groups = view.series.map((s) => s.group);
    expect(groups).toStrictEqual([{ symbol: 'WAYNE' }, { symbol: 'INIT' }]);
    const outcome = await rolledUp(ohlc, tradeTables, HOUR, 24, groups);
    for (const s of view.series) {
      expect(s.values, s.label).toStrictEqual(valuesOf(outcome, view.starts, s.group, (m) => m.volume));
      // Hours 06, 07, 08 and the partial 09 have data; each point merges many windows
      expect(s.values.filter((v) => v !== null)).toHaveLength(4);
    }
    const first = view.series[0];
    const { out } = await runQueryCommands(
      [
        'query',
        'ohlc',
        '--every',
        '1h',
        '--json',
        '--group',
        `symbol=${first?.group.symbol}`,
        '--from',
        view.starts[0] as string,
        '--to',
        '2026-11-21T10:00:00Z',
        '--table',
        tradeTables.resultsTable,
        '--endpoint',
        service.endpoint,
      ],
      { now: () => NOW },
    );
    const cli = JSON.parse(out) as {
      results: { window: { start: string }; metrics: { volume: number }; partial: boolean }[];
    };
    expect(cli.results.map((r) => r.window.start)).toStrictEqual([
      '2026-11-21T06:00:00.000Z',
      '2026-11-21T07:00:00.000Z',
      '2026-11-21T08:00:00.000Z',
      '2026-11-21T09:00:00.000Z',
    ]);
    expect(cli.results.map((r) => r.partial)).toStrictEqual([false, false, false, true]);
    expect(first?.values.slice(20)).toStrictEqual(cli.results.map((r) => r.metrics.volume));
  });

  it("makes each hour's candle of the merged first/max/min/last", async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: tradeTables.resultsTable,
      definition: ohlc,
      nowMs: NOW,
      rollupRange: '24h',
      groups: [{ symbol: 'GLOBX' }],
    });

    // Assess: [open, close, low, high] of the hour, as the rollup merges them
    const outcome = await rolledUp(ohlc, tradeTables, HOUR, 24, [{ symbol: 'GLOBX' }]);
    expect(view.candles?.values).toStrictEqual(
      valuesOf(outcome, view.starts, { symbol: 'GLOBX' }, (m) => [m.open, m.close, m.low, m.high]),
    );
    const hour7 = view.candles?.values[21];
    expect(hour7?.[2]).toBeLessThan(hour7?.[3] as number);
  });

  it("shows each hour's true p50/p90/p99 from merged sketches of hopping windows", async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: sensorTables.resultsTable,
      definition: sensorStats,
      nowMs: NOW,
      rollupRange: '24h',
      groups: [{ device: 'cold-room' }],
    });

    // Assess
    const outcome = await rolledUp(sensorStats, sensorTables, HOUR, 24, [{ device: 'cold-room' }]);
    const band = (key: string) =>
      valuesOf(
        outcome,
        view.starts,
        { device: 'cold-room' },
        (m) => (m.humidity as Record<string, number>)[key],
      );
    expect(view.quantiles?.p50).toStrictEqual(band('p50'));
    expect(view.quantiles?.p90).toStrictEqual(band('p90'));
    expect(view.quantiles?.p99).toStrictEqual(band('p99'));
    expect(view.quantiles?.p99.filter((v) => v !== null)).toHaveLength(4);
    // Only the non-overlapping 5-minute windows are merged: an hour of readings every 300 s per device
    expect(view.series[0]?.values[21]).toBe(
      outcome.results.find((r) => r.window.start === '2026-11-21T07:00:00.000Z')?.metrics.readings,
    );
    expect(view.series[0]?.values[21]).toBe(12);
    expect(view.seriesNote).toContain('non-overlapping 5m windows');
  });

  it('draws the last 7 days as daily rollups', async () => {
    // Act
    const view = await loadDashboardView({
      client,
      tableName: tradeTables.resultsTable,
      definition: ohlc,
      nowMs: NOW,
      rollupRange: '7d',
      metric: 'trades',
    });

    // Assess
    expect(view.starts).toStrictEqual(
      Array.from({ length: 7 }, (_, i) =>
        new Date(Date.parse('2026-11-15T00:00:00Z') + i * DAY).toISOString(),
      ),
    );
    const outcome = await rolledUp(
      ohlc,
      tradeTables,
      DAY,
      7,
      view.series.map((s) => s.group),
    );
    for (const s of view.series) {
      expect(s.values).toStrictEqual(valuesOf(outcome, view.starts, s.group, (m) => m.trades));
      expect(s.values[6]).toBe(100);
    }
    expect(view.seriesNote).toContain('The newest day (from 2026-11-21 UTC) is partial');
  });

  it('says on the page, instead of failing the view, when the rollup would pass its cost guard', async () => {
    // Act: two whole groups against a limit of one Query; and a partial group, which lists 1,440 windows
    const many = await loadDashboardView({
      client,
      tableName: tradeTables.resultsTable,
      definition: ohlc,
      nowMs: NOW,
      rollupRange: '24h',
      groups: [{ symbol: 'ACME' }, { symbol: 'INIT' }],
      maxRollupQueries: 1,
    });
    const partial = await loadDashboardView({
      client,
      tableName: tradeTables.resultsTable,
      definition: ohlc,
      nowMs: NOW,
      rollupRange: '24h',
      groups: [{}],
    });

    // Assess: the rest of the view is there
    expect(many.seriesError).toBe(
      "The last 24 hours (hourly) would read 2 Queries per refresh (one per group drawn), more than the dashboard's limit of 1: choose fewer groups, or a range of windows",
    );
    expect(many.series.map((s) => s.values.every((v) => v === null))).toStrictEqual([true, true]);
    expect(many.results.length).toBeGreaterThan(0);
    expect(many.top.length).toBeGreaterThan(0);
    expect(partial.seriesError).toContain('would read 1440 Queries');
  });

  it('offers no hourly range for windows that do not tile an hour, and says so if asked', async () => {
    // Prepare
    const tables = await createTables(client, sevenMinutes, 'dash-rollup-seven-results');

    // Act
    const view = await loadDashboardView({
      client,
      tableName: tables.resultsTable,
      definition: sevenMinutes,
      nowMs: NOW,
      rollupRange: '24h',
    });

    // Assess
    expect(view.ranges.map((r) => r.value)).toStrictEqual(['15', '30', '60', '180', '360']);
    expect(view.seriesError).toBe("seven-minutes's windows of 7m do not tile an hour: choose another range");
    expect(view.starts).toStrictEqual([]);
  });

  it('reuses a rollup read for 30 s on the dashboard server, and reads again after', async () => {
    // Prepare: a symbol of its own, so the other views are unchanged
    const cache = new RollupSeriesCache();
    const trade = (qty: number, time: string): string =>
      JSON.stringify({ symbol: 'NEWCO', price: 10, qty, time });
    await writeLines(client, ohlc, tradeTables, [trade(5, '2026-11-21T09:05:00Z')], '2026-11-21T09:05:10Z');
    const viewAt = (nowMs: number, rollupCache?: RollupSeriesCache) =>
      loadDashboardView({
        client,
        tableName: tradeTables.resultsTable,
        definition: ohlc,
        nowMs,
        rollupRange: '24h',
        groups: [{ symbol: 'NEWCO' }],
        ...(rollupCache !== undefined ? { rollupCache } : {}),
      });

    // Act: read; a new trade; 10 s later (reused), 30 s later (read again), and without a cache
    const first = await viewAt(NOW, cache);
    await writeLines(client, ohlc, tradeTables, [trade(7, '2026-11-21T09:06:00Z')], '2026-11-21T09:06:10Z');
    const reused = await viewAt(NOW + 10_000, cache);
    const again = await viewAt(NOW + 30_000, cache);
    const fresh = await viewAt(NOW);

    // Assess: the hour 09 bucket's volume
    expect(first.series[0]?.values[23]).toBe(5);
    expect(reused.series[0]?.values[23]).toBe(5);
    expect(reused.seriesNote).toContain('Read 10 s ago');
    expect(again.series[0]?.values[23]).toBe(12);
    expect(again.seriesNote).not.toContain('s ago');
    expect(fresh.series[0]?.values[23]).toBe(12);
  });
});
