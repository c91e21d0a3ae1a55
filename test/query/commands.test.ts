import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runFold } from '../../cli/commands/fold.ts';
import type { CommandIo } from '../../cli/commands/queryCommon.ts';
import { UsageError } from '../../cli/errors.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { freePort } from '../../local/services/freePort.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { ohlc, requestsByIp, sensorStats } from '../../shared/examples/index.ts';
import { QueryError } from '../../shared/query/errors.ts';
import { runQueryCommands } from '../helpers/runQueryCommands.ts';
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

const NOW = Date.parse('2026-11-21T08:40:00Z');
const HOUR = ['--from', '2026-11-21T08:00:00Z', '--to', '2026-11-21T09:00:00Z'];

let service: LocalService;
let client: DynamoDBClient;
let endpoint: string[];

beforeAll(async () => {
  service = await startDynalite();
  client = dynamoDbClient(service.endpoint);
  endpoint = ['--endpoint', service.endpoint];
  const samples = [
    [requestsByIp, SAMPLES.accessLog],
    [ohlc, SAMPLES.trades],
    [sensorStats, SAMPLES.sensors],
  ] as const;
  for (const [definition, sample] of samples) {
    const tables = await createTables(client, definition, pipelineResourceNames(definition).resultsTable);
    await writeLines(client, definition, tables, sampleLines(sample.path), sample.arrival);
  }
  const venue = await createTables(client, venueTrades, 'venue-results');
  await writeLines(client, venueTrades, venue, VENUE_TRADES, VENUE_ARRIVAL);
  const unrankedTables = await createTables(client, unranked, 'unranked-results');
  await writeLines(client, unranked, unrankedTables, VENUE_TRADES, VENUE_ARRIVAL);
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Runs `streamfold query|top <args>` in process at the fixed time NOW, capturing the output. */
const run = (args: readonly string[], io: CommandIo = {}): Promise<{ out: string; err: string }> =>
  runQueryCommands(args, { now: () => NOW, ...io });

describe('Command: streamfold query', () => {
  it.each([
    ['requests-by-ip', SAMPLES.accessLog],
    ['ohlc', SAMPLES.trades],
    ['sensor-stats', SAMPLES.sensors],
  ] as const)(
    'prints with --json for %s exactly the results of `streamfold fold --json` of the same input',
    async (pipeline, sample) => {
      // Prepare
      const { report } = await runFold(pipeline, { input: sample.path, arrival: sample.arrival });

      // Act
      const { out } = await run(['query', pipeline, ...HOUR, '--json', ...endpoint]);

      // Assess
      const document = JSON.parse(out);
      expect(Object.keys(document).filter((key) => key !== 'updatedAt')).toStrictEqual([
        'pipeline',
        'results',
      ]);
      expect(document.pipeline).toBe(pipeline);
      expect(document.results).toStrictEqual(report.results);
      expect(JSON.stringify(document.results)).toBe(JSON.stringify(report.results));
    },
  );

  it('prints a table of one group by default, read from the default table name', async () => {
    // Act
    const { out } = await run(['query', 'ohlc', '--group', 'symbol=ACME', ...HOUR, ...endpoint]);

    // Assess
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      "ohlc: 2 result(s), window starts 2026-11-21T08:00:00Z to 2026-11-21T09:00:00Z (1 request(s): one Query on the group's partition)",
    );
    expect(lines[2]).toBe(
      'window start          symbol  open   high  low  close  volume     vwap  trades  status  written',
    );
    // Open windows say when they were last written (buffered writes land once per flushEvery).
    expect(lines[4]).toBe(
      '2026-11-21T08:30:00Z  ACME     100  101.5   99  100.5      45  99.8333       4  open    08:35:00 (5m ago)',
    );
    expect(lines[5]).toBe(
      '2026-11-21T08:31:00Z  ACME     102    102  102    102       1      102       1  open    08:35:00 (5m ago)',
    );
    expect(out).toContain(
      'written: when a window that is not final was last written; results are written every 1m per shard',
    );
  });

  it('reads every group over the last hour by default, and says what it cost', async () => {
    // Act
    const { out } = await run(['query', 'requests-by-ip', ...endpoint], {
      now: () => Date.parse('2026-11-21T09:00:00Z'),
    });

    // Assess
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'requests-by-ip: 5 result(s), window starts 2026-11-21T08:00:00Z to 2026-11-21T09:00:00Z (61 request(s): one Query per window (61) on index rank-requests; give every group field with --group for a single Query)',
    );
    expect(lines[2]).toBe(
      'window start          ip             requests  errors  bytes  latency                                          paths  topPaths                    status  written',
    );
    expect(lines.slice(4, 9).map((line) => line.slice(0, 35))).toStrictEqual([
      '2026-11-21T08:30:00Z  198.51.100.23',
      '2026-11-21T08:30:00Z  2001:db8::1  ',
      '2026-11-21T08:30:00Z  203.0.113.9  ',
      '2026-11-21T08:31:00Z  198.51.100.23',
      '2026-11-21T08:31:00Z  203.0.113.9  ',
    ]);
  });

  it('says so when nothing matches', async () => {
    // Act
    const { out } = await run(['query', 'ohlc', '--group', 'symbol=ZZZ', ...HOUR, ...endpoint]);

    // Assess
    expect(out).toBe(
      "ohlc: no results with window starts 2026-11-21T08:00:00Z to 2026-11-21T09:00:00Z (1 request(s): one Query on the group's partition). Is data flowing? Widen the range with --from/--to.\n",
    );
  });

  it('notes when the index read can miss groups (a partial group on a max-ranked pipeline)', async () => {
    // Act
    const { out } = await run([
      'query',
      'test/query/fixtures.ts#venue-trades',
      '--group',
      'venue=Y',
      '--table',
      'venue-results',
      ...HOUR,
      ...endpoint,
    ]);

    // Assess
    expect(out).toContain('venue-trades: 3 result(s)');
    expect(out).toContain(
      'Note: index rank-high leaves out groups whose metric is empty; give every group field with --group to read them all.',
    );
  });

  it('prints a line chart of the total per window for a count over several groups', async () => {
    // Act
    const { out } = await run(['query', 'requests-by-ip', ...HOUR, '--chart', ...endpoint]);

    // Assess
    expect(out).toBe(
      [
        'requests-by-ip: requests per 1m window, total of 3 groups',
        '',
        '5┤⠉⠒⠒⠤⠤⣀⡀',
        ' │      ⠈⠉⠑⠒⠢⠤⢄⣀',
        ' │              ⠉⠉⠒⠒⠤⢄⣀⡀',
        ' │                     ⠈⠉⠑⠒⠢⠤⣀⣀',
        ' │                             ⠉⠉⠒⠢⠤⢄⣀⡀',
        ' │                                    ⠈⠉⠑⠒⠤⠤⣀⣀',
        ' │                                            ⠉⠑⠒⠢⠤⢄⣀⡀',
        '2┤                                                   ⠈⠉⠒⠒⠤⠤⣀',
        ' └──────────────────────────────────────────────────────────',
        '  2026-11-21T08:30:00Z                  2026-11-21T08:31:00Z',
        '',
      ].join('\n'),
    );
  });

  it('charts the busiest group for a metric that does not add up, and one group when given', async () => {
    // Act
    const several = await run(['query', 'ohlc', ...HOUR, '--chart', '--metric', 'close', ...endpoint]);
    const one = await run(['query', 'ohlc', ...HOUR, '--chart', '--group', 'symbol=INIT', ...endpoint]);

    // Assess
    expect(several.out.split('\n')[0]).toBe(
      'ohlc: close per 1m window, symbol=ACME, the busiest of 2 groups (choose one with --group)',
    );
    expect(several.out.split('\n')[2]).toBe('  102┤                                               ⢀⣀⡠⠤⠒⠒⠉');
    expect(several.out.split('\n')[9]).toBe('100.5┤⣀⠤⠤⠒⠊⠉⠁');
    expect(one.out).toBe(
      [
        'ohlc: open per 1m window, symbol=INIT',
        '',
        '     │',
        '     │',
        '     │',
        '     │',
        '20.25┤⠁',
        '     │',
        '     │',
        '     │',
        '     └──────────────────────────────────────────────────────',
        '      2026-11-21T08:30:00Z',
        '',
      ].join('\n'),
    );
  });

  it('shows its usage with --help', async () => {
    // Act
    const { out, err } = await run(['query', '--help']);

    // Assess
    expect(err).toBe('[commander.helpDisplayed]');
    expect(out).toContain('Usage: streamfold query [options] <pipeline>');
    for (const option of [
      '--group <field=value...>',
      '--from <iso>',
      '--to <iso>',
      '--metric <name>',
      '--json',
      '--chart',
      '--table <name>',
      '--endpoint <url>',
      '--region <region>',
      '--profile <name>',
    ]) {
      expect(out).toContain(option);
    }
    expect(out).toContain('each window of the range costs one Query');
  });

  it.each([
    [['query', 'nope'], 'Unknown pipeline "nope": streamfold.config.ts (found from'],
    [
      ['query', 'ohlc', '--from', 'yesterday'],
      '--from must be an ISO 8601 time such as 2026-11-21T08:30:00Z (given "yesterday")',
    ],
    [
      ['query', 'ohlc', '--to', '2026-13-01'],
      '--to must be an ISO 8601 time such as 2026-11-21T08:30:00Z (given "2026-13-01")',
    ],
    [
      ['query', 'ohlc', '--group', 'venue=X'],
      'Unknown group field "venue" for pipeline "ohlc" (group-by fields: symbol)',
    ],
    [
      ['query', 'ohlc', '--group', 'ACME'],
      '--group takes field=value, e.g. --group ip=203.0.113.9 (given "ACME")',
    ],
    [['query', 'ohlc', '--group', 'symbol=A', 'symbol=B'], '--group gives field "symbol" twice'],
    [
      ['query', 'ohlc', '--chart', '--metric', 'nope'],
      'Unknown metric "nope" for pipeline "ohlc" (numeric metrics: open, high, low, close, volume, vwap, trades)',
    ],
    [
      ['query', 'requests-by-ip', '--chart', '--metric', 'latency'],
      'Metric "latency" of pipeline "requests-by-ip" is a quantiles, which has no single number',
    ],
    [['query', 'ohlc', '--json', '--chart'], '--json and --chart cannot be combined: choose one output'],
    [
      ['query', 'ohlc', '--from', '2026-11-21T09:00Z', '--to', '2026-11-21T08:00Z'],
      'The time range is empty: from 2026-11-21T09:00:00.000Z is after to 2026-11-21T08:00:00.000Z',
    ],
    [
      ['query', 'ohlc', '--from', '2026-11-01T00:00Z', '--to', '2026-11-21T08:00Z'],
      /spans 29281 windows of 1m; .* narrow the range or give the whole group/,
    ],
  ])('refuses %j as a usage error (exit 2)', async (args, message) => {
    // Act
    const running = run([...args, ...endpoint]);

    // Assess
    await expect(running).rejects.toThrow(UsageError);
    await expect(run([...args, ...endpoint])).rejects.toThrow(message);
  });

  it('names the missing table and how to create it (exit 1)', async () => {
    // Act
    const running = run(['query', 'ohlc', '--table', 'nope', ...endpoint]);

    // Assess
    await expect(running).rejects.toThrow(QueryError);
    await expect(run(['query', 'ohlc', '--table', 'nope', ...endpoint])).rejects.toThrow(
      `Results table "nope" does not exist at ${service.endpoint}: create it by deploying the pipeline (cdk deploy) or run \`streamfold dev\` for a local stack, or name the table with --table`,
    );
  });

  it('says when the endpoint does not answer (exit 1)', async () => {
    // Prepare
    const url = `http://127.0.0.1:${await freePort()}`;

    // Act
    const running = run(['query', 'ohlc', '--endpoint', url]);

    // Assess
    await expect(running).rejects.toThrow(
      `Cannot reach DynamoDB at ${url} (ECONNREFUSED): is \`streamfold dev\` running, and is this the endpoint it printed?`,
    );
  });

  const withoutAws = (): void => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_DEFAULT_PROFILE',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ]) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/streamfold/credentials');
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/streamfold/config');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  };

  it('says when there are no AWS credentials (exit 1)', async () => {
    // Prepare
    withoutAws();

    // Act
    const running = run(['query', 'ohlc', '--region', 'eu-west-1']);

    // Assess
    await expect(running).rejects.toThrow(
      'No AWS credentials found: configure them (aws configure, AWS_PROFILE or AWS_ACCESS_KEY_ID) or give --profile, or use a local stack with --endpoint',
    );
  });

  it('says when there is no AWS region (exit 1)', async () => {
    // Prepare
    withoutAws();

    // Act
    const running = run(['query', 'ohlc']);

    // Assess
    await expect(running).rejects.toThrow('No AWS region: give --region or set AWS_REGION');
  });
});

describe('Command: streamfold query, partial windows', () => {
  it('shows a window that has not ended as partial, in the table and with "partial": true in JSON', async () => {
    // Act: at 08:31:30, 08:30 has ended, 08:31 has not
    const now = () => Date.parse('2026-11-21T08:31:30Z');
    const table = await run(['query', 'ohlc', ...HOUR, ...endpoint], { now });
    const json = await run(['query', 'ohlc', ...HOUR, '--json', ...endpoint], { now });

    // Assess
    const rows = table.out.split('\n').filter((line) => line.startsWith('2026-11-21T08:3'));
    // The last column says when a window that is not final was last written.
    expect(
      rows.filter((row) => row.startsWith('2026-11-21T08:30')).every((r) => / open {2,}\d\d:/.test(r)),
    ).toBe(true);
    expect(
      rows.filter((row) => row.startsWith('2026-11-21T08:31')).every((r) => / partial {2,}\d\d:/.test(r)),
    ).toBe(true);
    expect(table.out).toContain('partial: the window has not ended and is still receiving records.');
    const results = (JSON.parse(json.out) as { results: { window: { start: string }; partial?: boolean }[] })
      .results;
    for (const result of results) {
      expect(result.partial, result.window.start).toBe(
        result.window.start.startsWith('2026-11-21T08:31') ? true : undefined,
      );
    }
  });
});

describe('Command: streamfold query --chart, partial windows', () => {
  it('names the points whose window has not ended in the title, one or several (hopping windows)', async () => {
    // Act: at 08:31:30, ohlc's 08:31 window has not ended; at 08:34:30, sensor-stats' 5-minute windows
    // starting 08:30 to 08:33 have not
    const one = await run(['query', 'ohlc', ...HOUR, '--chart', '--group', 'symbol=ACME', ...endpoint], {
      now: () => Date.parse('2026-11-21T08:31:30Z'),
    });
    const several = await run(
      ['query', 'sensor-stats', ...HOUR, '--chart', '--group', 'device=greenhouse-1', ...endpoint],
      { now: () => Date.parse('2026-11-21T08:34:30Z') },
    );
    const none = await run(['query', 'ohlc', ...HOUR, '--chart', '--group', 'symbol=ACME', ...endpoint]);

    // Assess
    expect(one.out.split('\n')[0]).toBe(
      'ohlc: open per 1m window, symbol=ACME; the last point is partial: its window has not ended and is still receiving records',
    );
    expect(several.out.split('\n')[0]).toBe(
      'sensor-stats: readings per 1m window, device=greenhouse-1; the last 4 points are partial: their windows have not ended and are still receiving records',
    );
    expect(none.out.split('\n')[0]).toBe('ohlc: open per 1m window, symbol=ACME');
  });
});

describe('Command: streamfold query, a pipeline without rankBy', () => {
  /** `unranked-trades` (fixtures.ts): grouped by venue and symbol, no rankBy, so no rank index. */
  const UNRANKED = ['test/query/fixtures.ts#unranked-trades', '--table', 'unranked-results'];
  const scanNote = (table: string): string =>
    `query unranked-trades without every group field (venue, symbol) reads the whole table "${table}" with a Scan: pipeline unranked-trades has no rankBy index to list the groups of a window, so every item of the table is read (and billed) however short the range. To avoid it, give every group field with --group (venue=… symbol=…), or add rankBy to the pipeline.\n`;

  it('says on standard error that it Scans the whole table, why and how to avoid it, and still prints every result', async () => {
    // Act
    const json = await run(['query', ...UNRANKED, ...HOUR, '--json', ...endpoint]);
    const table = await run(['query', ...UNRANKED, ...HOUR, ...endpoint]);

    // Assess
    expect(json.err).toBe(scanNote('unranked-results'));
    expect(table.err).toBe(scanNote('unranked-results'));
    const document = JSON.parse(json.out);
    expect(Object.keys(document)).toStrictEqual(['pipeline', 'updatedAt', 'results']);
    expect(
      document.results.map((r: { window: { start: string }; group: Record<string, string> }) => [
        r.window.start,
        r.group.venue,
        r.group.symbol,
      ]),
    ).toStrictEqual([
      ['2026-11-21T08:30:00.000Z', 'X', 'A'],
      ['2026-11-21T08:30:00.000Z', 'X', 'B'],
      ['2026-11-21T08:30:00.000Z', 'Y', 'A'],
      ['2026-11-21T08:30:00.000Z', 'Y', 'B'],
      ['2026-11-21T08:31:00.000Z', 'X', 'A'],
      ['2026-11-21T08:31:00.000Z', 'Y', 'B'],
    ]);
    expect(table.out.split('\n')[0]).toBe(
      'unranked-trades: 6 result(s), window starts 2026-11-21T08:00:00Z to 2026-11-21T09:00:00Z (1 request(s): a Scan of the whole table (the pipeline has no rankBy index))',
    );
  });

  it('says so with part of the group too, and not with the whole group (one Query)', async () => {
    // Act
    const part = await run(['query', ...UNRANKED, '--group', 'venue=Y', ...HOUR, '--json', ...endpoint]);
    const whole = await run(['query', ...UNRANKED, '--group', 'venue=Y', 'symbol=B', ...HOUR, ...endpoint]);

    // Assess
    expect(part.err).toBe(scanNote('unranked-results'));
    expect(JSON.parse(part.out).results).toHaveLength(3);
    expect(whole.err).toBe('');
    expect(whole.out.split('\n')[0]).toContain("(1 request(s): one Query on the group's partition)");
  });

  it('says so before reading: the note comes even when the table turns out to be missing', async () => {
    // Prepare
    const notes: string[] = [];

    // Act
    const running = run(['query', 'test/query/fixtures.ts#unranked-trades', '--table', 'gone', ...endpoint], {
      notice: (line) => notes.push(line),
    });

    // Assess
    await expect(running).rejects.toThrow(/^Results table "gone" does not exist/);
    expect(notes.map((line) => `${line}\n`)).toStrictEqual([scanNote('gone')]);
  });

  it('does not say so for a pipeline with a rank index', async () => {
    // Act
    const { err } = await run(['query', 'ohlc', ...HOUR, ...endpoint]);

    // Assess
    expect(err).toBe('');
  });

  it('top says it Scans the whole table, twice without --window, and the summary says how the window was read', async () => {
    // Act
    const latest = await run(['top', ...UNRANKED, '--metric', 'trades', ...endpoint]);
    const given = await run([
      'top',
      ...UNRANKED,
      '--metric',
      'trades',
      '--window',
      '2026-11-21T08:30:00Z',
      ...endpoint,
    ]);

    // Assess
    const note = (scans: string): string =>
      `top unranked-trades reads the whole table "unranked-results" with ${scans}: pipeline unranked-trades has no rankBy index to list the groups of a window, so every item of the table is read (and billed) however short the range. To avoid it, add rankBy to the pipeline.\n`;
    expect(latest.err).toBe(note('two Scans (one to find the latest window with data, one to read it)'));
    expect(given.err).toBe(note('a Scan'));
    expect(latest.out.split('\n')[0]).toBe(
      'unranked-trades: top 2 group(s) by trades, window 2026-11-21T08:31:00Z to 2026-11-21T08:32:00Z, the latest complete window with data; not final, last written 08:32:00 (8m ago) (not indexed: every group of the window read with a Scan of the whole table and sorted here; add "trades" to rankBy for a one-Query answer)',
    );
    expect(given.out.split('\n')[0]).toContain('window 2026-11-21T08:30:00Z to 2026-11-21T08:31:00Z');
  });
});

describe('Command: streamfold top', () => {
  it('prints a table of the top groups of a window, ranked metric first', async () => {
    // Act
    const { out } = await run([
      'top',
      'requests-by-ip',
      '--metric',
      'bytes',
      '--window',
      '2026-11-21T08:30:00Z',
      ...endpoint,
    ]);

    // Assess
    expect(out).toBe(
      [
        'requests-by-ip: top 3 group(s) by bytes, window 2026-11-21T08:30:00Z to 2026-11-21T08:31:00Z; not final, last written 08:32:00 (8m ago) (one Query on index rank-bytes)',
        '',
        '#  ip             bytes  requests  errors  latency                                          paths  topPaths',
        '─  ─────────────  ─────  ────────  ──────  ───────────────────────────────────────────────  ─────  ──────────────────────────',
        '1  203.0.113.9     1555         3       1  p50=47.9462 p90=47.9462 p95=47.9462 p99=47.9462      2  /api/items:2 /index.html:1',
        '2  198.51.100.23   1043         1       0  p50=- p90=- p95=- p99=-                              1  /index.html:1',
        '3  2001:db8::1        0         1       0  p50=1 p90=1 p95=1 p99=1                              1  /health:1',
        '',
      ].join('\n'),
    );
  });

  it('prints a bar chart with --chart', async () => {
    // Act
    const { out } = await run([
      'top',
      'requests-by-ip',
      '--metric',
      'bytes',
      '--window',
      '2026-11-21T08:30:00Z',
      '--chart',
      ...endpoint,
    ]);

    // Assess
    expect(out).toBe(
      [
        'requests-by-ip: top 3 group(s) by bytes, window 2026-11-21T08:30:00Z to 2026-11-21T08:31:00Z; not final, last written 08:32:00 (8m ago) (one Query on index rank-bytes)',
        '',
        '203.0.113.9   █████████████████████████████████████████ 1555',
        '198.51.100.23 ███████████████████████████▌              1043',
        '2001:db8::1                                                0',
        '',
      ].join('\n'),
    );
  });

  it('prints { pipeline, metric, window, partial, results } with --json, for the latest complete window with data by default', async () => {
    // Act
    const { out } = await run(['top', 'ohlc', '--metric', 'volume', '-n', '1', '--json', ...endpoint]);

    // Assess
    expect(JSON.parse(out)).toStrictEqual({
      pipeline: 'ohlc',
      metric: 'volume',
      window: { start: '2026-11-21T08:31:00.000Z', end: '2026-11-21T08:32:00.000Z' },
      partial: false,
      updatedAt: '2026-11-21T08:35:00.000Z', // the window is not final yet: when it was last written
      results: [
        {
          group: { symbol: 'ACME' },
          window: { start: '2026-11-21T08:31:00.000Z', end: '2026-11-21T08:32:00.000Z' },
          metrics: { open: 102, high: 102, low: 102, close: 102, volume: 1, vwap: 102, trades: 1 },
        },
      ],
    });
  });

  it('says when a metric is not indexed and was sorted here', async () => {
    // Act
    const { out } = await run([
      'top',
      'ohlc',
      '--metric',
      'high',
      '--window',
      '2026-11-21T08:30:00Z',
      ...endpoint,
    ]);

    // Assess
    expect(out.split('\n')[0]).toBe(
      'ohlc: top 2 group(s) by high, window 2026-11-21T08:30:00Z to 2026-11-21T08:31:00Z; not final, last written 08:35:00 (5m ago) (not indexed: every group of the window read and sorted here; add "high" to rankBy for a one-Query answer)',
    );
    expect(out).toContain('1  ACME    101.5');
  });

  it('ranks the latest complete window by default, not the one that started 5 s ago', async () => {
    // Act: ohlc has data in 08:30 and 08:31; at 08:31:05 only 08:30 has ended
    const { out } = await run(['top', 'ohlc', '--metric', 'volume', ...endpoint], {
      now: () => Date.parse('2026-11-21T08:31:05Z'),
    });

    // Assess
    expect(out.split('\n')[0]).toBe(
      'ohlc: top 2 group(s) by volume, window 2026-11-21T08:30:00Z to 2026-11-21T08:31:00Z, the latest complete window with data; not final, last written 08:35:00 (0 s ago) (one Query on index rank-volume)',
    );
  });

  it('marks a partial window as PARTIAL: chosen for lack of a complete one, or given (table, chart, JSON)', async () => {
    // Act
    const chosen = await run(['top', 'ohlc', '--metric', 'volume', ...endpoint], {
      now: () => Date.parse('2026-11-21T08:30:30Z'),
    });
    const given = await run(
      ['top', 'ohlc', '--metric', 'volume', '--window', '2026-11-21T08:31:00Z', '--chart', ...endpoint],
      { now: () => Date.parse('2026-11-21T08:31:30Z') },
    );
    const json = await run(
      ['top', 'ohlc', '--metric', 'volume', '--window', '2026-11-21T08:31:00Z', '--json', ...endpoint],
      { now: () => Date.parse('2026-11-21T08:31:30Z') },
    );

    // Assess
    expect(chosen.out.split('\n')[0]).toContain(
      'window 2026-11-21T08:30:00Z to 2026-11-21T08:31:00Z, PARTIAL: the window has not ended and is still receiving records (no complete window of the last 60 has data)',
    );
    expect(given.out.split('\n')[0]).toContain(
      'window 2026-11-21T08:31:00Z to 2026-11-21T08:32:00Z, PARTIAL: the window has not ended',
    );
    expect(JSON.parse(json.out)).toMatchObject({ partial: true });
  });

  it('says when no recent window has data', async () => {
    // Act
    const { out } = await run(['top', 'ohlc', '--metric', 'volume', ...endpoint], {
      now: () => Date.parse('2026-11-21T12:00:00Z'),
    });

    // Assess
    expect(out).toBe(
      'ohlc: no data in the last 60 windows (1h); is the pipeline running? Give --window to rank an older window.\n',
    );
  });

  it('says when the given window is empty', async () => {
    // Act
    const { out } = await run([
      'top',
      'ohlc',
      '--metric',
      'volume',
      '--window',
      '2026-11-21T07:00:00Z',
      '--chart',
      ...endpoint,
    ]);

    // Assess
    expect(out).toBe('ohlc: no volume results in the window 2026-11-21T07:00:00Z to 2026-11-21T07:01:00Z\n');
  });

  it('shows its usage with --help', async () => {
    // Act
    const { out } = await run(['top', '--help']);

    // Assess
    expect(out).toContain('Usage: streamfold top [options] <pipeline>');
    for (const option of [
      '--metric <name>',
      '--window <iso>',
      '-n, --limit <count>',
      '--json',
      '--chart',
      '--table <name>',
      '--endpoint <url>',
    ]) {
      expect(out).toContain(option);
    }
  });

  it('requires --metric', async () => {
    // Act
    const { err } = await run(['top', 'ohlc']);

    // Assess
    expect(err).toBe(
      "error: required option '--metric <name>' not specified\n[commander.missingMandatoryOptionValue]",
    );
  });

  it.each([
    [['top', 'nope', '--metric', 'x'], 'Unknown pipeline "nope"'],
    [
      ['top', 'ohlc', '--metric', 'price'],
      'Unknown metric "price" for pipeline "ohlc" (numeric metrics: open, high, low, close, volume, vwap, trades)',
    ],
    [
      ['top', 'requests-by-ip', '--metric', 'topPaths'],
      'Metric "topPaths" of pipeline "requests-by-ip" is a topK, which has no single number',
    ],
    [
      ['top', 'ohlc', '--metric', 'volume', '-n', '0'],
      '-n must be a positive whole number of groups (given "0")',
    ],
    [
      ['top', 'ohlc', '--metric', 'volume', '-n', 'ten'],
      '-n must be a positive whole number of groups (given "ten")',
    ],
    [
      ['top', 'ohlc', '--metric', 'volume', '--window', 'noon'],
      '--window must be an ISO 8601 time such as 2026-11-21T08:30:00Z (given "noon")',
    ],
    [['top', 'ohlc', '--metric', 'volume', '--json', '--chart'], '--json and --chart cannot be combined'],
  ])('refuses %j as a usage error (exit 2)', async (args, message) => {
    await expect(run([...args, ...endpoint])).rejects.toThrow(UsageError);
    await expect(run([...args, ...endpoint])).rejects.toThrow(message);
  });

  it('names the missing table (exit 1)', async () => {
    await expect(run(['top', 'ohlc', '--metric', 'volume', '--table', 'gone', ...endpoint])).rejects.toThrow(
      /^Results table "gone" does not exist at http/,
    );
  });
});
