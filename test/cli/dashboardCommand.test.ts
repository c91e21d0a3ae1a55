import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardCommandOptions, runDashboard } from '../../cli/commands/dashboard.ts';
import type { DashboardView } from '../../cli/dashboard/types.ts';
import { UsageError } from '../../cli/errors.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { QueryError } from '../../shared/query/errors.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';
import { writeLines } from '../query/fixtures.ts';

/**
 * `streamfold dashboard` against tables that are not named `streamfold-<pipeline>-…`: a stack deployed
 * with `-c resourcePrefix=staging` (`--resource-prefix`), or tables named one by one (`--table`,
 * `--dead-letter-table`), in a real local DynamoDB (dynalite) holding a few trades of three minutes ago
 * (the dashboard looks for the latest window back from now).
 */

/** The start of the window the trades fall in: three minutes ago, so complete. */
const WINDOW_START_MS = Math.floor(Date.now() / 60_000) * 60_000 - 180_000;
const at = (offsetMs: number): string => new Date(WINDOW_START_MS + offsetMs).toISOString();
const TRADES = [
  { symbol: 'ACME', price: 100, qty: 10, time: at(1_000) },
  { symbol: 'INIT', price: 20.25, qty: 100, time: at(21_000) },
  { symbol: 'ACME', price: 101.5, qty: 35, time: at(30_000) },
].map((trade) => JSON.stringify(trade));

let service: LocalService;
let client: DynamoDBClient;

const createTables = async (resultsTable: string, deadLetterTable: string): Promise<void> => {
  await client.send(new CreateTableCommand(createTableInput(resultsTable, resultsTableSchema(ohlc))));
  await client.send(new CreateTableCommand(createTableInput(deadLetterTable, deadLetterTableSchema())));
  await writeLines(client, ohlc, { resultsTable, deadLetterTable }, TRADES, at(90_000));
};

beforeAll(async () => {
  service = await startDynalite();
  client = dynamoDbClient(service.endpoint);
  await createTables('staging-ohlc-results', 'staging-ohlc-dead-letters');
  await createTables('my-trades', 'my-trade-letters');
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

/** Runs the dashboard with the options, reads the ohlc view it serves once, and stops it. */
const serveOnce = async (
  names: readonly string[],
  options: Omit<DashboardCommandOptions, 'endpoint' | 'port'>,
): Promise<DashboardView> => {
  const stop = new AbortController();
  let printed = '';
  const running = runDashboard(
    names,
    { endpoint: service.endpoint, port: '0', ...options },
    { write: (text) => (printed += text), signal: stop.signal },
  );
  try {
    while (!printed.includes('http://')) {
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
    const url = new URL((/http\S+/.exec(printed) as RegExpExecArray)[0]);
    url.pathname = '/api/view';
    url.searchParams.set('pipeline', 'ohlc');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return (await response.json()) as DashboardView;
  } finally {
    stop.abort();
    await running;
  }
};

describe('Command: streamfold dashboard, table names', () => {
  it('reads <prefix>-<pipeline>-results and -dead-letters with --resource-prefix', async () => {
    // Act
    const view = await serveOnce(['ohlc'], { resourcePrefix: 'staging' });

    // Assess
    expect(view.window).toStrictEqual({ start: at(0), end: at(60_000), partial: false });
    expect(view.top.map((g) => [g.label, g.value])).toStrictEqual([
      ['INIT', 100],
      ['ACME', 45],
    ]);
    expect(view.deadLetters).toStrictEqual({});
  });

  it('fails at once, naming the table, when the prefix is not the deployed one', async () => {
    // Act
    const running = runDashboard(['ohlc'], { endpoint: service.endpoint, port: '0' }, { write: () => {} });

    // Assess
    await expect(running).rejects.toThrow(QueryError);
    await expect(running).rejects.toThrow(
      `Results table "streamfold-ohlc-results" does not exist at ${service.endpoint}`,
    );
  });

  it('reads the tables named by --table and --dead-letter-table for one pipeline', async () => {
    // Act
    const named = await serveOnce(['ohlc'], { table: 'my-trades', deadLetterTable: 'my-trade-letters' });
    const resultsOnly = await serveOnce(['ohlc'], { table: 'my-trades' });

    // Assess
    expect(named.top.map((g) => g.label)).toStrictEqual(['INIT', 'ACME']);
    expect(named.deadLetters).toStrictEqual({});
    // Without --dead-letter-table it reads streamfold-ohlc-dead-letters, which does not exist here.
    expect(resultsOnly.top.map((g) => g.label)).toStrictEqual(['INIT', 'ACME']);
    expect(resultsOnly.deadLetters).toBeUndefined();
  });

  it('refuses a table option with more than one pipeline, and a prefix no deployment can have', async () => {
    // Act
    const twoPipelines = runDashboard(['ohlc', 'sensor-stats'], {
      endpoint: service.endpoint,
      table: 'my-trades',
    });
    const twoLetterTables = runDashboard(['ohlc', 'sensor-stats'], {
      endpoint: service.endpoint,
      deadLetterTable: 'my-trade-letters',
    });
    const badPrefix = runDashboard(['ohlc'], { endpoint: service.endpoint, resourcePrefix: 'my prefix' });

    // Assess
    await expect(twoPipelines).rejects.toThrow(UsageError);
    await expect(twoPipelines).rejects.toThrow(
      '--table names the table of one pipeline, but 2 are shown (ohlc, sensor-stats)',
    );
    await expect(twoLetterTables).rejects.toThrow('--dead-letter-table names the table of one pipeline');
    await expect(badPrefix).rejects.toThrow(UsageError);
    await expect(badPrefix).rejects.toThrow('(given "my prefix")');
  });
});
