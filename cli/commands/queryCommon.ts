import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LetterFilterError } from '../../shared/deadletters/errors.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import {
  AwsAccessError,
  QueryCostError,
  QueryError,
  QueryInputError,
  ScanNotAllowedError,
  TableNotFoundError,
} from '../../shared/query/errors.ts';
import { selectGroup } from '../../shared/query/selectGroup.ts';
import { parseIsoTimestamp } from '../../shared/time/timestamp.ts';
import { openDynamoDb } from '../awsClients.ts';
import type { AwsCliOptions } from '../awsOptions.ts';
import { NO_REGION_MESSAGE, noCredentialsMessage } from '../checkAwsAccess.ts';
import { UsageError } from '../errors.ts';
import { explainAwsError } from '../explainAwsError.ts';

/** Where a query command writes, and what it takes from its surroundings (replaceable in tests). */
export interface CommandIo {
  /**
   * Receives the command's output.
   * @default - writes to standard output
   */
  readonly write?: (text: string) => void;
  /**
   * The current time, epoch ms.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Width of charts, in terminal columns.
   * @default - the terminal's width (at most 120), else 80
   */
  readonly columns?: number;
  /**
   * Receives progress of long reads, one line at a time (`''` when done, to clear it).
   * @default - rewrites one line of standard error when it is a terminal; nothing otherwise
   */
  readonly progress?: (line: string) => void;
  /**
   * Receives notes about a read before it is made, one line each (e.g. that it Scans the whole table).
   * @default - writes `streamfold: <line>` to standard error
   */
  readonly notice?: (line: string) => void;
}

/**
 * Where a command writes notes about a read: `io.notice`, else standard error (never standard output,
 * which keeps the results, `--json` included, as they are).
 *
 * @example
 * noticeOf(io)('query ohlc reads the whole table "t" with a Scan: …');
 */
export const noticeOf = (io: CommandIo): ((line: string) => void) =>
  io.notice ??
  ((line) => {
    process.stderr.write(`streamfold: ${line}\n`);
  });

/**
 * Where a command reports progress: `io.progress`, else one rewritten line on a terminal's standard error.
 *
 * @example
 * const progress = progressOf(io); progress('listing groups: 10/60 windows'); progress('');
 */
export const progressOf = (io: CommandIo): ((line: string) => void) => {
  if (io.progress !== undefined) return io.progress;
  if (process.stderr.isTTY !== true) return () => {};
  return (line) => {
    process.stderr.write(`\r\u001b[2K${line}`);
  };
};

/** The chart width for a command's surroundings. */
export const chartWidth = (io: CommandIo): number =>
  io.columns ?? Math.min(120, process.stdout.columns > 0 ? process.stdout.columns : 80);

/** A window start as the tables print it: `2026-11-21T08:30:00Z`. */
export const shortIso = (iso: string): string => iso.replace('.000Z', 'Z');

/**
 * Parses an ISO 8601 option value to epoch ms.
 *
 * @throws {UsageError} naming the option and the bad value.
 * @example
 * parseTimeOption('--from', '2026-11-21T08:00:00Z');
 */
export const parseTimeOption = (option: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const ms = parseIsoTimestamp(text);
  if (ms === undefined) {
    throw new UsageError(`${option} must be an ISO 8601 time such as 2026-11-21T08:30:00Z (given "${text}")`);
  }
  return ms;
};

/**
 * Parses `--group field=value` pairs and checks the fields against the pipeline's `groupBy`.
 *
 * @throws {UsageError} for a pair without `=`, a repeated field or a field the pipeline does not group by.
 * @example
 * parseGroupOption(requestsByIp, ['ip=203.0.113.9']); // { ip: '203.0.113.9' }
 */
export const parseGroupOption = (
  definition: PipelineDefinition,
  pairs: readonly string[] = [],
): Record<string, string> => {
  const group: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0)
      throw new UsageError(`--group takes field=value, e.g. --group ip=203.0.113.9 (given "${pair}")`);
    const field = pair.slice(0, at);
    if (Object.hasOwn(group, field)) throw new UsageError(`--group gives field "${field}" twice`);
    group[field] = pair.slice(at + 1);
  }
  try {
    selectGroup(definition, group);
  } catch (error) {
    throw explainQueryFailure(error, { tableName: '' });
  }
  return group;
};

/** A table a command needs does not exist (the message says how to create or name it). */
export class TableCommandError extends Error {
  public override readonly name = 'TableCommandError';
}

/**
 * Turns the failure of a command over a pipeline's tables (query, top, dead-letters, replay, redrive)
 * into what the CLI reports: the command's own mistakes (a query's input, a letter's key or range) and
 * reads refused for their cost (more Queries than `--max-queries`, a Scan of the whole table without
 * `--yes`) become usage errors (exit 2); a missing table, an endpoint that is not DynamoDB, does not
 * answer or cannot be reached, or missing credentials or region become one line saying what to do
 * (exit 1). Other errors are returned unchanged.
 *
 * @example
 * catch (error) { throw explainQueryFailure(error, { tableName, endpoint: options.endpoint }); }
 */
export const explainQueryFailure = (
  error: unknown,
  where: {
    /** The table (or tables) the command works on, for the message when one is missing. */
    readonly tableName: string | readonly string[];
    readonly endpoint?: string;
    readonly region?: string;
    readonly profile?: string;
  },
): unknown => {
  if (error instanceof QueryInputError || error instanceof LetterFilterError)
    return new UsageError(error.message, { cause: error });
  if (error instanceof QueryCostError) {
    return new UsageError(
      `${error.cost}, more than --max-queries ${error.maxQueries}: narrow the range, or pass --yes to read them all`,
      { cause: error },
    );
  }
  if (error instanceof ScanNotAllowedError) {
    return new UsageError(
      `${error.cost}. --max-queries does not bound a Scan: give every group field with --group (one Query per group), add rankBy to the pipeline, or pass --yes to scan it`,
      { cause: error },
    );
  }
  const options = { cause: error };
  if (error instanceof TableNotFoundError) {
    return new QueryError(
      `Results table "${error.tableName}" does not exist ${where.endpoint !== undefined ? `at ${where.endpoint}` : 'in this account and region'}: create it by deploying the pipeline (cdk deploy) or run \`streamfold dev\` for a local stack, or name the table with --table`,
      options,
    );
  }
  if (error instanceof Error && error.name === 'ResourceNotFoundException') {
    const names = (typeof where.tableName === 'string' ? [where.tableName] : where.tableName)
      .map((name) => `"${name}"`)
      .join(' or ');
    return new TableCommandError(
      `Table ${names} does not exist ${where.endpoint !== undefined ? `at ${where.endpoint}` : 'in this account and region'}: deploy the pipeline (cdk deploy) or run \`streamfold dev\` for a local stack, or name the tables with the command's table options`,
      options,
    );
  }
  if (error instanceof AwsAccessError) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    if (cause?.name === 'CredentialsProviderError') {
      return new QueryError(noCredentialsMessage(where.profile), options);
    }
    if (cause?.message === 'Region is missing') {
      return new QueryError(NO_REGION_MESSAGE, options);
    }
    return error;
  }
  // A timeout raised by the reader's own attempt limit, which the client's explanation did not see.
  return explainAwsError(error, {
    service: 'DynamoDB',
    ...(where.endpoint !== undefined ? { endpoint: where.endpoint } : {}),
    ...(where.region !== undefined ? { region: where.region } : {}),
  });
};

/**
 * Runs `work` with a DynamoDB client for the AWS options ({@link openDynamoDb}: region and credentials
 * checked before any request) and closes the client; failures are explained with
 * {@link explainQueryFailure}, naming `tableName` (the table or tables `work` uses) if one is missing.
 *
 * @example
 * const letters = await withDynamoDb(options, [resultsTable, deadLetterTable], (client) => replay(client));
 */
export const withDynamoDb = async <T>(
  options: AwsCliOptions,
  tableName: string | readonly string[],
  work: (client: DynamoDBClient) => Promise<T>,
): Promise<T> => {
  const client = await openDynamoDb(options);
  try {
    return await work(client);
  } catch (error) {
    throw explainQueryFailure(error, {
      tableName,
      region: await client.config.region(),
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
    });
  } finally {
    client.destroy();
  }
};

/**
 * Opens the results table a command reads: the table name (`--table`, else
 * `streamfold-<pipeline>-results`) and a client ({@link withDynamoDb}), then runs `read`.
 *
 * @example
 * const outcome = await withResultsTable(definition, options, (client, tableName) => queryWindows({ client, tableName, definition }));
 */
export const withResultsTable = async <T>(
  definition: PipelineDefinition,
  options: AwsCliOptions & { readonly table?: string },
  read: (client: DynamoDBClient, tableName: string) => Promise<T>,
): Promise<T> => {
  const tableName = options.table ?? pipelineResourceNames(definition).resultsTable;
  return withDynamoDb(options, tableName, (client) => read(client, tableName));
};
