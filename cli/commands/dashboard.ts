import { CloudWatchClient, type CloudWatchClientConfig } from '@aws-sdk/client-cloudwatch';
import type { Command } from 'commander';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import {
  type PipelineResourceNames,
  pipelineResourceNames,
  RESOURCE_PREFIX_PATTERN,
} from '../../shared/deploy/names.ts';
import { parseDuration } from '../../shared/time/duration.ts';
import { TimeFormatError } from '../../shared/time/errors.ts';
import { openDynamoDb } from '../awsClients.ts';
import { type AwsCliOptions, awsClientConfig, withAwsOptions } from '../awsOptions.ts';
import { cloudWatchCounters } from '../dashboard/cloudWatchCounters.ts';
import { loadDashboardView } from '../dashboard/loadDashboardView.ts';
import { startDashboard } from '../dashboard/startDashboard.ts';
import { UsageError } from '../errors.ts';
import { loadPipeline, loadPipelineCatalog } from '../loadPipeline.ts';
import { explainQueryFailure } from './queryCommon.ts';

/** Options of `streamfold dashboard`. */
export interface DashboardCommandOptions extends AwsCliOptions {
  readonly port?: string;
  readonly host?: string;
  readonly refresh?: string;
  /** Tables `<prefix>-<pipeline>-results` and `-dead-letters` (the CDK app's `resourcePrefix`). */
  readonly resourcePrefix?: string;
  /** The results table of the one pipeline shown. */
  readonly table?: string;
  /** The dead-letter table of the one pipeline shown. */
  readonly deadLetterTable?: string;
}

type DashboardTables = Pick<PipelineResourceNames, 'resultsTable' | 'deadLetterTable'>;

/**
 * The tables the dashboard reads for each pipeline: `--table` / `--dead-letter-table` (one pipeline
 * only), else `<--resource-prefix>-<pipeline>-results` / `-dead-letters` (default prefix `streamfold`).
 *
 * @throws {UsageError} for a prefix a deployment cannot have, or a table option with more than one pipeline.
 */
const dashboardTables = (
  pipelines: readonly PipelineDefinition[],
  options: DashboardCommandOptions,
): ((definition: PipelineDefinition) => DashboardTables) => {
  const prefix = options.resourcePrefix;
  if (prefix !== undefined && !RESOURCE_PREFIX_PATTERN.test(prefix)) {
    throw new UsageError(
      `--resource-prefix must be 1 to 64 letters, digits, "_", "." or "-", as the CDK app's resourcePrefix (given "${prefix}")`,
    );
  }
  for (const [flag, value] of [
    ['--table', options.table],
    ['--dead-letter-table', options.deadLetterTable],
  ] as const) {
    if (value !== undefined && pipelines.length !== 1) {
      throw new UsageError(
        `${flag} names the table of one pipeline, but ${pipelines.length} are shown (${pipelines.map((p) => p.name).join(', ')}): name one pipeline, or use --resource-prefix for tables <prefix>-<pipeline>-results`,
      );
    }
  }
  return (definition) => {
    const names = pipelineResourceNames(definition, prefix);
    return {
      resultsTable: options.table ?? names.resultsTable,
      deadLetterTable: options.deadLetterTable ?? names.deadLetterTable,
    };
  };
};

/** Where `runDashboard` writes and when it stops (replaceable in tests). */
export interface DashboardIo {
  /** @default - standard output */
  readonly write?: (text: string) => void;
  /** Aborting it stops the server. @default - runs until SIGINT/SIGTERM */
  readonly signal?: AbortSignal;
}

const LOOPBACK = ['127.0.0.1', '::1', 'localhost'];

/**
 * Runs `streamfold dashboard`: checks that every pipeline's results table can be read (so a wrong
 * endpoint, region or credentials fail at once, with the query commands' explanations), serves the web
 * dashboard and prints its address (token included), until interrupted.
 *
 * @throws {UsageError} for an unknown pipeline, a bad port, refresh or resource prefix, a host that is not
 * loopback, or `--table` / `--dead-letter-table` with more than one pipeline.
 * @example
 * await runDashboard(['ohlc'], { endpoint: 'http://127.0.0.1:8000', port: '0' });
 */
export const runDashboard = async (
  names: readonly string[],
  options: DashboardCommandOptions,
  io: DashboardIo = {},
): Promise<void> => {
  const write = io.write ?? ((text: string) => process.stdout.write(text));
  const pipelines: PipelineDefinition[] =
    names.length === 0
      ? [...(await loadPipelineCatalog()).pipelines]
      : await Promise.all(names.map((name) => loadPipeline(name)));
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!/^\d+$/.test(options.port ?? '0') || port > 65_535) {
    throw new UsageError(`--port must be a port number from 0 to 65535 (given "${options.port}")`);
  }
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.includes(host)) {
    throw new UsageError(
      `--host must be a loopback address (127.0.0.1, ::1 or localhost; given "${host}"): the dashboard shows your data to whoever reaches it, so it stays on this machine — reach it from elsewhere through an SSH tunnel`,
    );
  }
  let refreshMs = 2000;
  if (options.refresh !== undefined) {
    try {
      refreshMs = parseDuration(options.refresh);
    } catch (error) {
      if (error instanceof TimeFormatError) throw new UsageError(`--refresh: ${error.message}`);
      throw error;
    }
    if (refreshMs < 500)
      throw new UsageError(`--refresh must be at least 500ms (given "${options.refresh}")`);
  }
  const tableNames = dashboardTables(pipelines, options);
  const client = await openDynamoDb(options);
  const explain = (error: unknown, definition: PipelineDefinition): unknown =>
    explainQueryFailure(error, {
      tableName: tableNames(definition).resultsTable,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
    });
  try {
    for (const definition of pipelines) {
      await loadDashboardView({
        client,
        tableName: tableNames(definition).resultsTable,
        definition,
        rangeWindows: 1,
      }).catch((error: unknown) => {
        throw explain(error, definition);
      });
    }
    // A deployed stack's counters are its handler's CloudWatch metrics; a local endpoint has none
    // (`streamfold dev` shows its own counters on the dashboard it starts).
    const cloudWatch =
      options.endpoint === undefined
        ? new CloudWatchClient(awsClientConfig(options) as CloudWatchClientConfig)
        : undefined;
    const server = await startDashboard({
      client,
      pipelines,
      explain,
      tableNames,
      host,
      port,
      refreshMs,
      ...(cloudWatch !== undefined
        ? {
            counters: (pipeline: string) =>
              cloudWatchCounters({ client: cloudWatch, pipeline }).catch(() => undefined),
            countersSpan: 'last hour, from CloudWatch (every delivery)',
          }
        : {}),
    });
    write(
      `Web dashboard of ${pipelines.map((p) => p.name).join(', ')} (read-only; Ctrl-C to stop):\n  ${server.url}\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      if (io.signal !== undefined) io.signal.addEventListener('abort', stop, { once: true });
      else {
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }
    });
    await server.close();
  } finally {
    client.destroy();
  }
};

/** Registers `streamfold dashboard` on the program. */
export const registerDashboard = (program: Command): void => {
  withAwsOptions(
    program
      .command('dashboard')
      .argument(
        '[pipelines...]',
        'pipelines to show, by name or module path (default: every pipeline of your config: --config, else streamfold.config.ts from here up, else the built-in examples)',
      )
      .description(
        'Serve a live web dashboard of stored results on 127.0.0.1 (read-only, token in the URL): top groups, a metric over time, quantile bands, candles, counters and dead letters',
      ),
  )
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option(
      '--host <address>',
      'loopback address to listen on: 127.0.0.1, ::1 or localhost (default: 127.0.0.1)',
    )
    .option('--refresh <duration>', "how often the page updates (default: '2s')")
    .option(
      '--resource-prefix <prefix>',
      "read tables <prefix>-<pipeline>-results and -dead-letters, as deployed with -c resourcePrefix=<prefix> (default: 'streamfold')",
    )
    .option('--table <name>', 'results table, with one pipeline (default: <prefix>-<pipeline>-results)')
    .option(
      '--dead-letter-table <name>',
      'dead-letter table, with one pipeline (default: <prefix>-<pipeline>-dead-letters)',
    )
    .addHelpText(
      'after',
      [
        '',
        'The page reads results with your own AWS credentials, through this process; nothing is public.',
        'Open the printed address (it holds a random token; without it every request gets 403).',
        '`streamfold dev` starts one for its local stack and prints its address.',
        'Ranges: the last 15–360 windows, or the last 24 hours (hourly) and 7 days (daily) as rollups of the',
        'stored windows (as `streamfold query --every 1h|1d`), read again at most every 30 s.',
        '',
        'Examples:',
        '  streamfold dashboard --endpoint http://127.0.0.1:8000           # a running `streamfold dev`',
        '  streamfold dashboard ohlc requests-by-ip --profile prod --region eu-west-1 --port 8080',
        '  streamfold dashboard --resource-prefix staging --profile prod    # deployed with -c resourcePrefix=staging',
      ].join('\n'),
    )
    .action(async (names: string[], options: DashboardCommandOptions) => {
      await runDashboard(names, options);
    });
};
