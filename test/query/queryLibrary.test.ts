import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFold } from '../../cli/commands/fold.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { ohlc, requestsByIp, sensorStats } from '../../shared/examples/index.ts';
import {
  IndexNotFoundError,
  latestWindow,
  QueryInputError,
  queryStrategy,
  queryWindows,
  TableNotFoundError,
  topGroups,
  toReportResult,
} from '../../shared/query/index.ts';
import {
  createTables,
  SAMPLES,
  sampleLines,
  unranked,
  VENUE_ARRIVAL,
  VENUE_TRADES,
  venueTrades,
  writeLines,
} from './fixtures.ts';

const at = (iso: string): number => Date.parse(iso);
const HOUR = { fromMs: at('2026-11-21T08:00:00Z'), toMs: at('2026-11-21T09:00:00Z') };

let service: LocalService;
let client: DynamoDBClient;

beforeAll(async () => {
  service = await startDynalite();
  client = dynamoDbClient(service.endpoint);
  const samples = [
    [requestsByIp, 'rbi-results', SAMPLES.accessLog],
    [ohlc, 'ohlc-results', SAMPLES.trades],
    [sensorStats, 'sensors-results', SAMPLES.sensors],
  ] as const;
  for (const [definition, table, sample] of samples) {
    const tables = await createTables(client, definition, table);
    await writeLines(client, definition, tables, sampleLines(sample.path), sample.arrival);
  }
  for (const [definition, table] of [
    [venueTrades, 'venue-results'],
    [unranked, 'unranked-results'],
  ] as const) {
    await writeLines(
      client,
      definition,
      await createTables(client, definition, table),
      VENUE_TRADES,
      VENUE_ARRIVAL,
    );
  }
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

const foldResults = async (pipeline: string, sample: { path: string; arrival: string }) =>
  (await runFold(pipeline, { input: sample.path, arrival: sample.arrival })).report.results;

describe('Function: queryWindows', () => {
  it('reads one group over a time range with one Query on its partition', async () => {
    // Act
    const outcome = await queryWindows({
      client,
      tableName: 'rbi-results',
      definition: requestsByIp,
      group: { ip: '203.0.113.9' },
      ...HOUR,
    });

    // Assess
    expect(outcome).toMatchObject({ strategy: 'group', requests: 1, complete: true, windowsQueried: 0 });
    const expected = (await foldResults('requests-by-ip', SAMPLES.accessLog)).filter(
      (r) => r.group.ip === '203.0.113.9',
    );
    expect(outcome.results.map(toReportResult)).toStrictEqual(expected);
    expect(outcome.results.map((r) => [r.window.start, r.records, r.status])).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', 3, 'open'],
      ['2026-11-21T08:31:00.000Z', 1, 'open'],
    ]);
  });

  it.each([
    ['2026-11-21T08:31:00Z', '2026-11-21T08:31:00Z', ['2026-11-21T08:31:00.000Z']],
    ['2026-11-21T08:30:30Z', '2026-11-21T09:00:00Z', ['2026-11-21T08:31:00.000Z']],
    ['2026-11-21T08:00:00Z', '2026-11-21T08:30:59Z', ['2026-11-21T08:30:00.000Z']],
    ['2026-11-21T08:32:00Z', '2026-11-21T09:00:00Z', []],
  ])('keeps windows whose start is in [%s, %s]', async (from, to, starts) => {
    // Act
    const { results } = await queryWindows({
      client,
      tableName: 'rbi-results',
      definition: requestsByIp,
      group: { ip: '203.0.113.9' },
      fromMs: at(from),
      toMs: at(to),
    });

    // Assess
    expect(results.map((r) => r.window.start)).toStrictEqual(starts);
  });

  it.each([
    ['requests-by-ip', requestsByIp, 'rbi-results', SAMPLES.accessLog, 'rank-requests'],
    ['ohlc', ohlc, 'ohlc-results', SAMPLES.trades, 'rank-trades'],
    ['sensor-stats', sensorStats, 'sensors-results', SAMPLES.sensors, 'rank-readings'],
  ] as const)(
    'reads every group of %s window by window, equal to the fold of the same input',
    async (pipeline, definition, tableName, sample, indexName) => {
      // Act
      const outcome = await queryWindows({ client, tableName, definition, ...HOUR });

      // Assess
      expect(outcome).toMatchObject({
        strategy: 'rank-index',
        indexName,
        windowsQueried: 61,
        complete: true,
      });
      expect(outcome.requests).toBe(61);
      const expected = await foldResults(pipeline, sample);
      expect(outcome.results.map(toReportResult)).toStrictEqual(expected);
      expect(JSON.stringify(outcome.results.map(toReportResult))).toBe(JSON.stringify(expected));
    },
  );

  it('filters on a partial group, and says the index used can miss items', async () => {
    // Act
    const outcome = await queryWindows({
      client,
      tableName: 'venue-results',
      definition: venueTrades,
      group: { venue: 'X' },
      ...HOUR,
    });

    // Assess
    expect(outcome).toMatchObject({ strategy: 'rank-index', indexName: 'rank-high', complete: false });
    expect(outcome.results.map((r) => [r.window.start, r.group, r.metrics])).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', { venue: 'X', symbol: 'A' }, { trades: 2, high: 12, volume: 6 }],
      ['2026-11-21T08:30:00.000Z', { venue: 'X', symbol: 'B' }, { trades: 1, high: 50, volume: 2 }],
      ['2026-11-21T08:31:00.000Z', { venue: 'X', symbol: 'A' }, { trades: 1, high: 13, volume: 2 }],
    ]);
  });

  it('reads a complete group of several fields with one Query, fields in groupBy order', async () => {
    // Act
    const outcome = await queryWindows({
      client,
      tableName: 'venue-results',
      definition: venueTrades,
      group: { symbol: 'B', venue: 'Y' },
      ...HOUR,
    });

    // Assess
    expect(outcome).toMatchObject({ strategy: 'group', requests: 1 });
    expect(
      outcome.results.map((r) => [r.window.start, Object.keys(r.group), r.metrics.volume]),
    ).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', ['venue', 'symbol'], 7],
      ['2026-11-21T08:31:00.000Z', ['venue', 'symbol'], 9],
    ]);
  });

  it('scans the table when the pipeline has no ranking index', async () => {
    // Act
    const outcome = await queryWindows({
      client,
      tableName: 'unranked-results',
      definition: unranked,
      ...HOUR,
    });

    // Assess
    expect(outcome).toMatchObject({ strategy: 'scan', indexName: undefined, requests: 1 });
    expect(outcome.results.map((r) => [r.window.start, r.group.venue, r.group.symbol])).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', 'X', 'A'],
      ['2026-11-21T08:30:00.000Z', 'X', 'B'],
      ['2026-11-21T08:30:00.000Z', 'Y', 'A'],
      ['2026-11-21T08:30:00.000Z', 'Y', 'B'],
      ['2026-11-21T08:31:00.000Z', 'X', 'A'],
      ['2026-11-21T08:31:00.000Z', 'Y', 'B'],
    ]);
  });

  it.each([
    ['2026-11-21T09:00:00Z', 5],
    ['2026-11-21T09:31:00Z', 2],
    ['2026-11-21T09:32:00Z', 0],
  ])('defaults to the hour before now (now %s: %i results)', async (now, count) => {
    // Act
    const outcome = await queryWindows({
      client,
      tableName: 'rbi-results',
      definition: requestsByIp,
      nowMs: at(now),
    });

    // Assess
    expect(outcome.toMs - outcome.fromMs).toBe(3_600_000);
    expect(outcome.results).toHaveLength(count);
  });

  it.each([
    [
      'an unknown group field',
      { group: { host: 'a' } },
      QueryInputError,
      'Unknown group field "host" for pipeline "requests-by-ip" (group-by fields: ip)',
    ],
    [
      'an empty range',
      { fromMs: at('2026-11-21T09:00:00Z'), toMs: at('2026-11-21T08:00:00Z') },
      QueryInputError,
      'The time range is empty: from 2026-11-21T09:00:00.000Z is after to 2026-11-21T08:00:00.000Z',
    ],
    [
      'a range of too many windows',
      { fromMs: at('2026-11-20T08:00:00Z'), toMs: at('2026-11-21T08:00:00Z') },
      QueryInputError,
      /spans 1441 windows of 1m; .* at most 1440 are read: narrow the range or give the whole group/,
    ],
    [
      'a missing table',
      { tableName: 'no-such-table', ...HOUR },
      TableNotFoundError,
      'Results table "no-such-table" does not exist',
    ],
    [
      'a table of another definition',
      { definition: ohlc, ...HOUR },
      IndexNotFoundError,
      'Results table "rbi-results" has no index "rank-trades": it was created for another definition of the pipeline; redeploy it',
    ],
  ] as const)('refuses %s with a clear error', async (_case, options, type, message) => {
    // Act
    const query = queryWindows({ client, tableName: 'rbi-results', definition: requestsByIp, ...options });

    // Assess
    await expect(query).rejects.toThrow(type);
    await expect(query).rejects.toThrow(message);
  });
});

describe('Function: queryStrategy', () => {
  it.each([
    ['the whole group', unranked, 'unranked-results', { venue: 'X', symbol: 'A' }, 'group'],
    ['no group, a rank index', venueTrades, 'venue-results', {}, 'rank-index'],
    ['part of the group, a rank index', venueTrades, 'venue-results', { venue: 'X' }, 'rank-index'],
    ['no group, no rank index', unranked, 'unranked-results', {}, 'scan'],
    ['part of the group, no rank index', unranked, 'unranked-results', { symbol: 'B' }, 'scan'],
  ] as const)(
    'says before any request how queryWindows reads %s',
    async (_case, definition, tableName, group, strategy) => {
      // Act
      const planned = queryStrategy(definition, group);
      const outcome = await queryWindows({ client, tableName, definition, group, ...HOUR });

      // Assess
      expect(planned).toBe(strategy);
      expect(outcome.strategy).toBe(strategy);
    },
  );

  it('names an unknown group field', () => {
    expect(() => queryStrategy(unranked, { ip: '1' })).toThrow(
      new QueryInputError(
        'Unknown group field "ip" for pipeline "unranked-trades" (group-by fields: venue, symbol)',
      ),
    );
  });
});

describe('Function: topGroups', () => {
  const target = { client, tableName: 'rbi-results', definition: requestsByIp };

  it('answers from the metric’s own index with one Query', async () => {
    // Act
    const top = await topGroups({
      ...target,
      client,
      metric: 'bytes',
      windowStartMs: at('2026-11-21T08:30:00Z'),
      limit: 2,
    });

    // Assess
    expect(top).toMatchObject({
      metric: 'bytes',
      window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
      windowChoice: 'given',
      indexed: true,
      indexName: 'rank-bytes',
      requests: 1,
    });
    expect(top.results.map((r) => [r.group.ip, r.metrics.bytes])).toStrictEqual([
      ['203.0.113.9', 1555],
      ['198.51.100.23', 1043],
    ]);
  });

  it('sorts every group of the window itself for a metric without an index, ties by group', async () => {
    // Act
    const top = await topGroups({
      ...target,
      client,
      metric: 'paths',
      windowStartMs: at('2026-11-21T08:30:42Z'),
    });

    // Assess
    expect(top).toMatchObject({ indexed: false, indexName: 'rank-requests', requests: 1 });
    expect(top.window.start).toBe('2026-11-21T08:30:00.000Z');
    expect(top.results.map((r) => [r.group.ip, r.metrics.paths])).toStrictEqual([
      ['203.0.113.9', 2],
      ['198.51.100.23', 1],
      ['2001:db8::1', 1],
    ]);
  });

  it('ranks on a pipeline of two group fields through the window index of another metric', async () => {
    // Act
    const top = await topGroups({
      client,
      tableName: 'venue-results',
      definition: venueTrades,
      metric: 'volume',
      windowStartMs: at('2026-11-21T08:30:00Z'),
      limit: 3,
    });

    // Assess
    expect(top).toMatchObject({ indexed: false, indexName: 'rank-high' });
    expect(top.results.map((r) => [r.group, r.metrics.volume])).toStrictEqual([
      [{ venue: 'Y', symbol: 'A' }, 30],
      [{ venue: 'Y', symbol: 'B' }, 7],
      [{ venue: 'X', symbol: 'A' }, 6],
    ]);
  });

  it('scans for a pipeline without any ranking index', async () => {
    // Act
    const top = await topGroups({
      client,
      tableName: 'unranked-results',
      definition: unranked,
      metric: 'volume',
      windowStartMs: at('2026-11-21T08:31:00Z'),
    });

    // Assess
    expect(top).toMatchObject({ indexed: false, indexName: undefined });
    expect(top.results.map((r) => [r.group.venue, r.metrics.volume])).toStrictEqual([
      ['Y', 9],
      ['X', 2],
    ]);
  });

  it('defaults to the latest complete window with data', async () => {
    // Act
    const top = await topGroups({ ...target, client, metric: 'requests', nowMs: at('2026-11-21T08:40:10Z') });

    // Assess
    expect(top).toMatchObject({
      windowChoice: 'latest',
      partial: false,
      window: { start: '2026-11-21T08:31:00.000Z', end: '2026-11-21T08:32:00.000Z' },
    });
    expect(top.results.map((r) => [r.group.ip, r.metrics.requests])).toStrictEqual([
      ['198.51.100.23', 1],
      ['203.0.113.9', 1],
    ]);
    // 9 complete windows probed 4 at a time, newest first (08:39 … 08:28), then the ranking Query
    expect(top.requests).toBe(13);
  });

  it('ranks the window that just ended, not the current one that just started (which has data too)', async () => {
    // Act: 08:31 has data but has run for 5 s; 08:30 ended 5 s ago
    const top = await topGroups({ ...target, client, metric: 'requests', nowMs: at('2026-11-21T08:31:05Z') });

    // Assess
    expect(top).toMatchObject({
      windowChoice: 'latest',
      partial: false,
      window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
    });
    expect(top.results[0]).toMatchObject({ group: { ip: '203.0.113.9' }, metrics: { requests: 3 } });
  });

  it('falls back to the newest partial window with data, marked partial, when no complete one has any', async () => {
    // Act: nothing before 08:30, which is still running
    const top = await topGroups({ ...target, client, metric: 'requests', nowMs: at('2026-11-21T08:30:50Z') });

    // Assess
    expect(top).toMatchObject({
      windowChoice: 'latest-partial',
      partial: true,
      window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
    });
    expect(top.results.length).toBeGreaterThan(0);
  });

  it('marks a given window that has not ended as partial', async () => {
    // Act
    const top = await topGroups({
      ...target,
      client,
      metric: 'requests',
      windowStartMs: at('2026-11-21T08:31:00Z'),
      nowMs: at('2026-11-21T08:31:30Z'),
    });

    // Assess
    expect(top).toMatchObject({ windowChoice: 'given', partial: true });
  });

  it('falls back to the newest complete window, empty, when no recent window has data', async () => {
    // Act
    const top = await topGroups({ ...target, client, metric: 'requests', nowMs: at('2026-11-21T10:00:30Z') });

    // Assess
    expect(top).toMatchObject({
      windowChoice: 'none-found',
      partial: false,
      window: { start: '2026-11-21T09:59:00.000Z', end: '2026-11-21T10:00:00.000Z' },
      results: [],
      requests: 60,
    });
  });

  it.each([
    [
      { metric: 'nope' },
      'Unknown metric "nope" for pipeline "requests-by-ip" (numeric metrics: requests, errors, bytes, paths)',
    ],
    [
      { metric: 'latency' },
      'Metric "latency" of pipeline "requests-by-ip" is a quantiles, which has no single number (numeric metrics: requests, errors, bytes, paths)',
    ],
    [{ metric: 'topPaths' }, /Metric "topPaths" .* is a topK, which has no single number/],
    [{ metric: 'requests', limit: 0 }, 'The number of groups must be a positive integer (given 0)'],
  ])('refuses %j', async (options, message) => {
    await expect(topGroups({ ...target, client, ...options })).rejects.toThrow(QueryInputError);
    await expect(topGroups({ ...target, client, ...options })).rejects.toThrow(message);
  });
});

describe('Function: latestWindow', () => {
  it.each([
    ['rbi-results', requestsByIp, '2026-11-21T08:40:00Z', 60, '2026-11-21T08:31:00.000Z', false],
    ['rbi-results', requestsByIp, '2026-11-21T08:31:01Z', 60, '2026-11-21T08:30:00.000Z', false],
    ['rbi-results', requestsByIp, '2026-11-21T08:30:59Z', 60, '2026-11-21T08:30:00.000Z', true],
    ['rbi-results', requestsByIp, '2026-11-21T08:29:59Z', 60, undefined, false],
    ['rbi-results', requestsByIp, '2026-11-21T08:40:00Z', 5, undefined, false],
    ['sensors-results', sensorStats, '2026-11-21T08:40:00Z', 60, '2026-11-21T08:33:00.000Z', false],
    ['sensors-results', sensorStats, '2026-11-21T08:36:00Z', 60, '2026-11-21T08:31:00.000Z', false],
    ['unranked-results', unranked, '2026-11-21T08:40:00Z', 60, '2026-11-21T08:31:00.000Z', false],
    ['unranked-results', unranked, '2026-11-21T08:31:30Z', 60, '2026-11-21T08:30:00.000Z', false],
    ['unranked-results', unranked, '2026-11-21T08:30:30Z', 60, '2026-11-21T08:30:00.000Z', true],
  ] as const)(
    'finds in $0 at $2 ($3 windows back): $4 (partial: $5)',
    async (tableName, definition, now, searchWindows, start, partial) => {
      // Act
      const latest = await latestWindow({ client, tableName, definition, nowMs: at(now), searchWindows });

      // Assess
      expect(latest === undefined ? undefined : new Date(latest.startMs).toISOString()).toBe(start);
      if (latest !== undefined) {
        expect(latest.endMs - latest.startMs).toBe(definition.window.sizeMs);
        expect(latest.partial).toBe(partial);
      }
    },
  );
});
