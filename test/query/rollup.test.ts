import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFold } from '../../cli/commands/fold.ts';
import { UsageError } from '../../cli/errors.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { QueryCostError, ScanNotAllowedError } from '../../shared/query/errors.ts';
import { rollup } from '../../shared/query/rollup.ts';
import { runQueryCommands } from '../helpers/runQueryCommands.ts';
import {
  createTables,
  type SinkTables,
  unranked,
  VENUE_ARRIVAL,
  VENUE_TRADES,
  venueTrades,
  writeLines,
} from './fixtures.ts';
import { webHopping, webMinutes } from './rollupPipelines.ts';

const MODULE = 'test/query/rollupPipelines.ts';
const START = Date.parse('2026-11-21T06:00:00Z');
const HOUR = 3_600_000;
const ARRIVAL = '2026-11-21T09:01:00Z';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const RANGE = ['--from', '2026-11-21T06:00:00Z', '--to', '2026-11-21T09:00:00Z'];
const HOSTS = ['alpha', 'beta', 'gamma', 'delta'] as const;

/** Three hours of requests, deterministic: busier hosts first, a dozen users, integer and fractional latencies. */
const requestLines = (): string[] => {
  let seed = 42;
  const next = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  return Array.from({ length: 600 }, () => {
    const host = HOSTS[Math.min(3, Math.floor(next() ** 2 * 4))] as string;
    const timeMs = START + Math.floor(next() * 3 * HOUR);
    const ms = next() < 0.5 ? 1 + Math.floor(next() * 900) : Math.round(next() * 90_000) / 100;
    return JSON.stringify({
      host,
      bytes: Math.floor(next() * 50_000),
      ms,
      user: `u${Math.floor(next() * 12)}`,
      time: new Date(timeMs).toISOString(),
    });
  });
};

let service: LocalService;
let client: DynamoDBClient;
let endpoint: string[];
let dir: string;
let input: string;
let lines: string[];
let minutes: SinkTables;
let hopping: SinkTables;
let venues: SinkTables;
let unrankedVenues: SinkTables;

beforeAll(async () => {
  service = await startDynalite();
  client = dynamoDbClient(service.endpoint);
  endpoint = ['--endpoint', service.endpoint];
  dir = mkdtempSync(join(tmpdir(), 'rollup-'));
  input = join(dir, 'requests.ndjson');
  lines = requestLines();
  writeFileSync(input, `${lines.join('\n')}\n`);
  // Written by the Lambda handler's batch processor, as deployed.
  minutes = await createTables(client, webMinutes, 'web-minutes-results');
  await writeLines(client, webMinutes, minutes, lines, ARRIVAL);
  hopping = await createTables(client, webHopping, 'web-hopping-results');
  await writeLines(client, webHopping, hopping, lines, ARRIVAL);
  venues = await createTables(client, venueTrades, 'venue-results');
  await writeLines(client, venueTrades, venues, VENUE_TRADES, VENUE_ARRIVAL);
  unrankedVenues = await createTables(client, unranked, 'unranked-results');
  await writeLines(client, unranked, unrankedVenues, VENUE_TRADES, VENUE_ARRIVAL);
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await service?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const foldHourly = async () =>
  (await runFold(`${MODULE}#web-hours`, { input, arrival: ARRIVAL })).report.results;

/** A rollup's `--json` results without what a rollup adds, in the `fold --json` shape. */
const asFoldResults = (results: readonly Record<string, unknown>[]) =>
  results.map(({ group, window, metrics }) => ({ group, window, metrics }));

describe('Command: streamfold query --every (local stack)', () => {
  it('rolls 1-minute windows written by the handler up to 1 hour exactly as `fold --json` with 1-hour windows', async () => {
    // Prepare
    const expected = await foldHourly();

    // Act
    const { out } = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        '1h',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    const document = JSON.parse(out);
    expect(document).toMatchObject({
      pipeline: 'web-minutes',
      every: '1h',
      from: '2026-11-21T06:00:00.000Z',
      to: '2026-11-21T09:00:00.000Z',
    });
    expect(expected.length).toBe(12);
    expect(asFoldResults(document.results)).toStrictEqual(expected);
    expect(JSON.stringify(asFoldResults(document.results))).toBe(JSON.stringify(expected));
    const windows = document.results.reduce((n: number, r: { windows: number }) => n + r.windows, 0);
    expect(windows).toBe(
      new Set(
        lines.map((l) => {
          const r = JSON.parse(l);
          return `${r.host} ${r.time.slice(0, 16)}`;
        }),
      ).size,
    );
    // Listing: one Query per minute of the range on rank-requests, then one per host.
    expect(document.cost.queries).toBe(180 + HOSTS.length);
    expect(document.results.every((r: { open: boolean; partial: boolean }) => r.open && !r.partial)).toBe(
      true,
    );
  });

  it('rolls hopping windows up by merging only those that tile the hour', async () => {
    // Prepare
    const expected = await foldHourly();

    // Act
    const { out } = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-hopping`,
        '--every',
        '1h',
        ...RANGE,
        '--table',
        hopping.resultsTable,
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    expect(asFoldResults(JSON.parse(out).results)).toStrictEqual(expected);
  });

  it('reads one group with one Query and rolls the whole range into one result with --every all', async () => {
    // Prepare
    const alpha = lines.map((l) => JSON.parse(l)).filter((r) => r.host === 'alpha');

    // Act
    const { out } = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        'all',
        '--group',
        'host=alpha',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    const document = JSON.parse(out);
    expect(document.cost.queries).toBe(1);
    expect(document.results).toHaveLength(1);
    expect(document.results[0].window).toStrictEqual({
      start: '2026-11-21T06:00:00.000Z',
      end: '2026-11-21T09:00:00.000Z',
    });
    expect(document.results[0].metrics.requests).toBe(alpha.length);
    expect(document.results[0].metrics.bytes).toBe(alpha.reduce((n, r) => n + r.bytes, 0));
    expect(document.results[0].metrics.users).toBe(new Set(alpha.map((r) => r.user)).size);
  });

  it('reads a whole group over millennia with one Query, and refuses listing the groups of such a range by its cost', async () => {
    // Prepare: from year 1 to 9999, more one-minute windows than an array can hold
    const millennia = ['--from', '0001-01-01T00:00:00Z', '--to', '9999-12-31T00:00:00Z'];
    const args = ['--table', minutes.resultsTable, ...endpoint];

    // Act
    const { out } = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        '1d',
        '--group',
        'host=alpha',
        ...millennia,
        '--json',
        ...args,
      ],
      { now: () => NOW },
    );
    const listing = runQueryCommands(
      ['query', `${MODULE}#web-minutes`, '--every', 'all', ...millennia, ...args],
      { now: () => NOW },
    );
    const ranking = runQueryCommands(
      ['top', `${MODULE}#web-minutes`, '--metric', 'requests', ...millennia, ...args],
      { now: () => NOW },
    );

    // Assess
    const document = JSON.parse(out);
    expect(document.cost.queries).toBe(1);
    expect(document.results.map((r: { window: { start: string } }) => r.window.start)).toStrictEqual([
      '2026-11-21T00:00:00.000Z',
    ]);
    await expect(listing).rejects.toThrow(
      'Rolling up web-minutes from 0001-01-01T00:00:00.000Z to 9999-12-31T00:00:00.000Z costs 5258963520 Queries (one per window to list the groups, 5258963520 windows of 1m, then one per group), more than --max-queries 500',
    );
    await expect(ranking).rejects.toThrow(
      'Ranking web-minutes from 0001-01-01T00:00:00.000Z to 9999-12-31T00:00:00.000Z costs 5258963530 Queries',
    );
  });

  it.each([
    ['1h', '2026-11-21T08:00:00.000Z', '2026-11-21T10:00:00.000Z'], // the hour before 09:30, widened to whole hours
    ['all', '2026-11-21T08:30:00.000Z', '2026-11-21T09:30:00.000Z'], // one hour
  ] as const)(
    'rolls up one bucket before --to by default (--every %s, as --help says)',
    async (every, from, to) => {
      // Act
      const { out } = await runQueryCommands(
        [
          'query',
          `${MODULE}#web-minutes`,
          '--every',
          every,
          '--group',
          'host=alpha',
          '--to',
          '2026-11-21T09:30:00Z',
          '--table',
          minutes.resultsTable,
          '--json',
          ...endpoint,
        ],
        { now: () => NOW },
      );

      // Assess
      expect(JSON.parse(out)).toMatchObject({ from, to });
    },
  );

  it('prints a table with the windows merged, the status and what the rollup cost', async () => {
    // Act
    const { out } = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        '1h',
        '--group',
        'host=beta',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    expect(out).toContain(
      'web-minutes: 3 result(s), buckets of 1h, 2026-11-21T06:00:00Z to 2026-11-21T09:00:00Z',
    );
    expect(out).toContain('1 Query (1 request(s), ');
    expect(out).toMatch(/bucket start\s+host\s+requests/);
    expect(out).toMatch(/2026-11-21T07:00:00Z\s+beta\s+\d+/);
    expect(out).toContain('open');
  });

  it('stops before reading more Queries than --max-queries, and goes on with --yes', async () => {
    // Act
    const refused = runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        '1h',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        '--max-queries',
        '100',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(
      /costs 180 Queries \(one per window to list the groups, 180 windows of 1m, then one per group\), more than --max-queries 100: narrow the range, or pass --yes/,
    );
    const { out } = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        '1h',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        '--max-queries',
        '100',
        '--yes',
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );
    expect(JSON.parse(out).results).toHaveLength(12);
  });

  it.each([
    [['--every', '90s'], /multiple of pipeline "web-minutes"'s window size 1m \(given 1m30s\)/],
    [['--every', 'hourly'], /--every takes a duration such as 1h or 1d, or all \(given "hourly"\)/],
    [['--every', '100000001d'], /^Buckets of 100000001d .* reach beyond the years 0000 to 9999/],
    [['--every', '1h', '--max-queries', '0'], /--max-queries must be a positive whole number \(given "0"\)/],
    [['--yes'], /go with --every/],
  ])('refuses %j with a usage error that names the value', async (args, message) => {
    await expect(
      runQueryCommands(
        ['query', `${MODULE}#web-minutes`, ...args, ...RANGE, '--table', minutes.resultsTable, ...endpoint],
        {
          now: () => NOW,
        },
      ),
    ).rejects.toThrow(message);
  });

  it('refuses a rollup that needs a Scan of the whole table (exit 2) whatever --max-queries, and scans with --yes', async () => {
    // Prepare
    const args = [
      'query',
      'test/query/fixtures.ts#unranked-trades',
      '--every',
      '1h',
      '--from',
      '2026-11-21T08:00:00Z',
      '--to',
      '2026-11-21T09:00:00Z',
      '--table',
      unrankedVenues.resultsTable,
      ...endpoint,
    ];

    // Act
    const refused = runQueryCommands([...args, '--max-queries', '1000'], { now: () => NOW });

    // Assess
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(
      /needs a Scan of the whole table "unranked-results" \(pipeline unranked-trades has no rankBy index to list the groups of a range\): a Scan reads every item of the table however short the range, so its cost grows with the table; DynamoDB last reported 0 bytes in 0 items, about 0 read units a Scan .*\. --max-queries does not bound a Scan: give every group field with --group \(one Query per group\), add rankBy to the pipeline, or pass --yes to scan it$/,
    );
    const { out } = await runQueryCommands([...args, '--yes'], { now: () => NOW });
    expect(out).toContain('a Scan of the whole table (the pipeline has no rankBy index)');
    expect(out).toMatch(/2026-11-21T08:00:00Z\s+Y\s+B\s+2\s/);
  });
});

describe('Command: streamfold top --from --to (local stack)', () => {
  it('ranks the groups by their merged metric over the range', async () => {
    // Prepare
    const perHost = new Map<string, number>();
    for (const line of lines) {
      const host = JSON.parse(line).host as string;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
    }
    const expected = [...perHost].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);

    // Act
    const { out } = await runQueryCommands(
      [
        'top',
        `${MODULE}#web-minutes`,
        '--metric',
        'requests',
        ...RANGE,
        '-n',
        '3',
        '--table',
        minutes.resultsTable,
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    const document = JSON.parse(out);
    expect(document).toMatchObject({
      pipeline: 'web-minutes',
      metric: 'requests',
      from: '2026-11-21T06:00:00.000Z',
      to: '2026-11-21T09:00:00.000Z',
    });
    expect(
      document.results.map((r: { group: { host: string }; metrics: { requests: number } }) => [
        r.group.host,
        r.metrics.requests,
      ]),
    ).toStrictEqual(expected);
    // Ranked from the listed per-window counts; only the top 3 groups were read and merged.
    expect(document.ranking).toBe('window-values');
    expect(document.cost.queries).toBe(180 + 3);
    const all = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        'all',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );
    const merged = JSON.parse(all.out).results as { group: { host: string } }[];
    expect(document.results).toStrictEqual(
      expected.map(([host]) => merged.find((r) => r.group.host === host)),
    );
  });

  it.each([
    ['users', 'merged', (rows: Record<string, unknown>[]) => new Set(rows.map((r) => r.user)).size],
    [
      'bytes',
      'window-values',
      (rows: Record<string, unknown>[]) => rows.reduce((n, r) => n + Number(r.bytes), 0),
    ],
  ] as const)('ranks by %s over the range (%s)', async (metric, ranking, expectedValue) => {
    // Prepare
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = HOSTS.map(
      (host) => [host, expectedValue(rows.filter((r) => r.host === host))] as const,
    ).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

    // Act
    const { out } = await runQueryCommands(
      [
        'top',
        `${MODULE}#web-minutes`,
        '--metric',
        metric,
        ...RANGE,
        '--table',
        minutes.resultsTable,
        '--json',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    const document = JSON.parse(out);
    expect(document.ranking).toBe(ranking);
    expect(
      document.results.map((r: { group: { host: string }; metrics: Record<string, number> }) => [
        r.group.host,
        r.metrics[metric],
      ]),
    ).toStrictEqual(expected);
  });

  it('says in its summary what a ranking of every group merged cost, without offering --group (top has none)', async () => {
    // Act: a distinct count ranks only after merging every group
    const { out } = await runQueryCommands(
      [
        'top',
        `${MODULE}#web-minutes`,
        '--metric',
        'users',
        ...RANGE,
        '--table',
        minutes.resultsTable,
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    expect(out.split('\n')[0]).toMatch(
      /^web-minutes: top 4 of 4 group\(s\) by users over 2026-11-21T06:00:00Z to 2026-11-21T09:00:00Z, \d+ windows merged \(184 Queries \(184 request\(s\), [\d.]+ read units\): 180 on index rank-requests to list the groups \(one per 1m window\), then one per group\)$/,
    );
  });

  it('refuses to rank a range by a Scan of the whole table (exit 2) unless --yes is given', async () => {
    // Prepare: two windows, so a range, of a pipeline without a rank index
    const args = [
      'top',
      'test/query/fixtures.ts#unranked-trades',
      '--metric',
      'trades',
      '--from',
      '2026-11-21T08:30:00Z',
      '--to',
      '2026-11-21T08:32:00Z',
      '--table',
      unrankedVenues.resultsTable,
      ...endpoint,
    ];

    // Act
    const refused = runQueryCommands(args, { now: () => NOW });

    // Assess
    await expect(refused).rejects.toThrow(UsageError);
    await expect(refused).rejects.toThrow(/needs a Scan of the whole table "unranked-results" .* pass --yes/);
    // top has no --group option: the refusal does not offer one.
    await expect(refused).rejects.toThrow(
      /\(it updates these figures about every six hours\)\. --max-queries does not bound a Scan: add rankBy to the pipeline, or pass --yes to scan it$/,
    );
    const { out } = await runQueryCommands([...args, '--yes', '--json'], { now: () => NOW });
    const document = JSON.parse(out);
    expect(document.ranking).toBe('merged');
    expect(
      document.results.map((r: { group: Record<string, string>; metrics: { trades: number } }) => [
        r.group.venue,
        r.group.symbol,
        r.metrics.trades,
      ]),
    ).toStrictEqual([
      ['X', 'A', 3],
      ['Y', 'B', 2],
      ['X', 'B', 1],
      ['Y', 'A', 1],
    ]);
  });

  it('ranks a range of one window with one Query on the rank index', async () => {
    // Act
    const { out } = await runQueryCommands(
      [
        'top',
        `${MODULE}#web-minutes`,
        '--metric',
        'requests',
        '--from',
        '2026-11-21T07:30:00Z',
        '--to',
        '2026-11-21T07:31:00Z',
        '--table',
        minutes.resultsTable,
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    expect(out).toContain('window 2026-11-21T07:30:00Z to 2026-11-21T07:31:00Z');
    expect(out).toContain('one Query on index rank-requests');
  });
});

describe('Command: streamfold top (range usage errors)', () => {
  it.each([
    [
      ['--window', '2026-11-21T07:30:00Z', ...RANGE],
      /--window ranks one window and --from\/--to a range: give one or the other/,
    ],
    [['--yes'], /go with a range \(--from\/--to\)/],
    [['--from', '2026-11-21T09:00:00Z', '--to', '2026-11-21T08:00:00Z'], /The time range is empty/],
    [['--from', 'yesterday'], /--from must be an ISO 8601 time .*\(given "yesterday"\)/],
    [
      [...RANGE, '--max-queries', '10'],
      /costs 190 Queries .*, more than --max-queries 10: narrow the range, or pass --yes/,
    ],
  ])('refuses %j with a usage error', async (args, message) => {
    await expect(
      runQueryCommands(
        [
          'top',
          `${MODULE}#web-minutes`,
          '--metric',
          'requests',
          ...args,
          '--table',
          minutes.resultsTable,
          ...endpoint,
        ],
        {
          now: () => NOW,
        },
      ),
    ).rejects.toThrow(message);
  });
});

describe('Command: streamfold query --every --chart (local stack)', () => {
  it('charts a metric per bucket, and the groups of the whole range as bars with all', async () => {
    // Act
    const line = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        '1h',
        '--group',
        'host=alpha',
        ...RANGE,
        '--chart',
        '--metric',
        'bytes',
        '--table',
        minutes.resultsTable,
        ...endpoint,
      ],
      { now: () => NOW },
    );
    const bars = await runQueryCommands(
      [
        'query',
        `${MODULE}#web-minutes`,
        '--every',
        'all',
        ...RANGE,
        '--chart',
        '--table',
        minutes.resultsTable,
        '--yes',
        ...endpoint,
      ],
      { now: () => NOW },
    );

    // Assess
    expect(line.out).toContain('web-minutes: bytes per 1h bucket, host=alpha');
    expect(line.out).toContain('2026-11-21T06:00:00Z');
    expect(bars.out).toContain(
      'web-minutes: requests from 2026-11-21T06:00:00Z to 2026-11-21T09:00:00Z, per group',
    );
    for (const host of HOSTS) expect(bars.out).toContain(host);
  });

  it('says in the title when the last bucket, or the whole range, has not ended', async () => {
    // Prepare: at 08:30 the 08:00 bucket (and so the range) has not ended
    const args = ['--chart', '--table', minutes.resultsTable, ...RANGE, ...endpoint];
    const now = () => Date.parse('2026-11-21T08:30:00Z');

    // Act
    const line = await runQueryCommands(
      ['query', `${MODULE}#web-minutes`, '--every', '1h', '--group', 'host=alpha', ...args],
      { now },
    );
    const bars = await runQueryCommands(
      ['query', `${MODULE}#web-minutes`, '--every', 'all', '--group', 'host=alpha', ...args],
      { now },
    );

    // Assess
    expect(line.out.split('\n')[0]).toBe(
      'web-minutes: requests per 1h bucket, host=alpha; the last point is partial: its bucket has not ended and is still receiving records',
    );
    expect(bars.out.split('\n')[0]).toBe(
      'web-minutes: requests from 2026-11-21T06:00:00Z to 2026-11-21T09:00:00Z, per group; partial: the range has not ended and is still receiving records',
    );
  });
});

describe('Function: rollup (how it lists groups)', () => {
  it('filters the listed groups on some group fields, and says when the listing index can miss groups', async () => {
    // Act
    const outcome = await rollup({
      client,
      tableName: venues.resultsTable,
      definition: venueTrades,
      fromMs: Date.parse('2026-11-21T08:30:00Z'),
      toMs: Date.parse('2026-11-21T08:32:00Z'),
      every: 'all',
      groups: [{ venue: 'X' }],
      nowMs: NOW,
    });

    // Assess
    expect(outcome).toMatchObject({
      strategy: 'rank-index',
      indexName: 'rank-high',
      complete: false,
      queries: 2 + 2,
    });
    expect(outcome.results.map((r) => [r.group, r.records, r.windows, r.metrics])).toStrictEqual([
      [{ venue: 'X', symbol: 'A' }, 3, 2, { trades: 3, high: 13, volume: 8 }],
      [{ venue: 'X', symbol: 'B' }, 1, 1, { trades: 1, high: 50, volume: 2 }],
    ]);
  });

  it('refuses to Scan the whole table of a pipeline without a rank index unless allowed, and says why', async () => {
    // Act: a short range, and a low maxQueries that a Scan counted as one Query would pass
    const attempt = rollup({
      client,
      tableName: unrankedVenues.resultsTable,
      definition: unranked,
      fromMs: Date.parse('2026-11-21T08:30:00Z'),
      toMs: Date.parse('2026-11-21T08:31:00Z'),
      every: 'all',
      maxQueries: 1,
      nowMs: NOW,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ScanNotAllowedError);
    await expect(attempt).rejects.toMatchObject({
      tableName: unrankedVenues.resultsTable,
      // dynalite reports the size a table was created with; AWS updates it about every six hours
      tableSize: { sizeBytes: 0, itemCount: 0 },
    });
    await expect(attempt).rejects.toThrow(
      `Rolling up unranked-trades from 2026-11-21T08:30:00.000Z to 2026-11-21T08:31:00.000Z needs a Scan of the whole table "${unrankedVenues.resultsTable}" (pipeline unranked-trades has no rankBy index to list the groups of a range): a Scan reads every item of the table however short the range, so its cost grows with the table; DynamoDB last reported 0 bytes in 0 items, about 0 read units a Scan (it updates these figures about every six hours). maxQueries does not bound a Scan: give every group field (one Query per group), add rankBy to the pipeline, or pass allowScan: true to scan it`,
    );
  });

  it('reads a pipeline without a rank index with one Scan when allowed', async () => {
    // Act
    const outcome = await rollup({
      client,
      tableName: unrankedVenues.resultsTable,
      definition: unranked,
      fromMs: Date.parse('2026-11-21T08:00:00Z'),
      toMs: Date.parse('2026-11-21T09:00:00Z'),
      every: 3_600_000,
      allowScan: true,
      nowMs: NOW,
    });

    // Assess
    expect(outcome).toMatchObject({ strategy: 'scan', queries: 1, windowsMerged: 6, complete: true });
    expect(outcome.results.map((r) => [r.group.venue, r.group.symbol, r.metrics.trades])).toStrictEqual([
      ['X', 'A', 3],
      ['X', 'B', 1],
      ['Y', 'A', 1],
      ['Y', 'B', 2],
    ]);
  });
});

describe('Function: rollup (read cost)', () => {
  it('rolls a day of one-minute windows of one group up in one Query', async () => {
    // Prepare: one record per minute of a day, for one host.
    const day = Date.parse('2026-11-20T00:00:00Z');
    const tables = await createTables(client, webMinutes, 'web-minutes-day');
    const dayLines = Array.from({ length: 1_440 }, (_, i) =>
      JSON.stringify({
        host: 'solo',
        bytes: i,
        ms: 1 + (i % 97),
        user: `u${i % 7}`,
        time: new Date(day + i * 60_000 + 1_000).toISOString(),
      }),
    );
    await writeLines(client, webMinutes, tables, dayLines, '2026-11-21T00:00:30Z');

    // Act
    const outcome = await rollup({
      client,
      tableName: tables.resultsTable,
      definition: webMinutes,
      fromMs: day,
      toMs: day + 24 * HOUR,
      every: 24 * HOUR,
      groups: [{ host: 'solo' }],
      nowMs: NOW,
    });

    // Assess
    expect(outcome.queries).toBe(1);
    expect(outcome.strategy).toBe('group');
    expect(outcome.windowsMerged).toBe(1_440);
    expect(outcome.results).toHaveLength(1);
    expect(outcome.results[0]?.records).toBe(1_440);
    expect(outcome.results[0]?.metrics.bytes).toBe((1_439 * 1_440) / 2);
    expect(outcome.readUnits).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a range that would list more windows than maxQueries, before reading any', async () => {
    // Act
    const attempt = rollup({
      client,
      tableName: minutes.resultsTable,
      definition: webMinutes,
      fromMs: START,
      toMs: START + 24 * HOUR,
      every: HOUR,
      nowMs: NOW,
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(QueryCostError);
    await expect(attempt).rejects.toMatchObject({ planned: 1_440, maxQueries: 500, spent: 0 });
  });
});
