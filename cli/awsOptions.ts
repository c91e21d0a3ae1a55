import { type Command, InvalidArgumentError } from 'commander';
import { localClientConfig } from '../local/services/clients.ts';
import { timedRequestHandler } from '../shared/aws/timeouts.ts';
import { UsageError } from './errors.ts';

/** The AWS connection options every networked command accepts. */
export interface AwsCliOptions {
  /** A local or custom endpoint (e.g. `http://127.0.0.1:4568`); dummy credentials unless --profile. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
}

/** Whether `value` is an http:// or https:// URL with a host (what the SDK clients accept as an endpoint). */
const isHttpUrl = (value: string): boolean => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
};

/**
 * Checks an endpoint option (`--endpoint`, `--kinesis-endpoint`, `--dynamodb-endpoint`) as commander
 * parses it: an http or https URL, so that a typo is a usage error naming the value, not the SDK's bare
 * "Invalid URL" at the first request. Returns the value unchanged.
 *
 * @throws {InvalidArgumentError} for anything else (commander prints it with the option and value, exit 2).
 * @example
 * command.option('--endpoint <url>', '…', parseEndpointOption);
 */
export const parseEndpointOption = (value: string): string => {
  if (!isHttpUrl(value)) {
    throw new InvalidArgumentError(
      'must be an http:// or https:// URL, e.g. http://127.0.0.1:4567 (the one `streamfold dev` prints)',
    );
  }
  return value;
};

/**
 * Adds `--endpoint`, `--region` and `--profile` to a command, worded the same everywhere.
 *
 * @example
 * withAwsOptions(program.command('query'));
 */
export const withAwsOptions = (command: Command): Command =>
  command
    .option(
      '--endpoint <url>',
      'use this endpoint instead of AWS (e.g. the one `streamfold dev` prints)',
      parseEndpointOption,
    )
    .option('--region <region>', 'AWS region (default: from the environment or profile)')
    .option('--profile <name>', 'AWS shared-config profile (default: the default credential chain)');

/**
 * Checks an `--endpoint` value where clients are built (for callers that did not parse it with
 * {@link parseEndpointOption}): an http:// or https:// URL (the SDK would otherwise fail with a bare
 * "Invalid URL", or take `localhost:8000` for a URL of scheme `localhost:`).
 *
 * @throws {UsageError} naming the value.
 * @example
 * assertEndpointUrl('http://127.0.0.1:8000');
 */
export const assertEndpointUrl = (endpoint: string): void => {
  if (!isHttpUrl(endpoint)) {
    throw new UsageError(
      `--endpoint must be an http:// or https:// URL such as http://127.0.0.1:8000 (given "${endpoint}")`,
    );
  }
};

/**
 * SDK client configuration for the options: AWS with the default credential chain, or a local endpoint
 * with dummy credentials (unless a profile is given); in both cases HTTP/1.1 with the timeouts of
 * `AWS_TIMEOUTS`, and one attempt per call, since every command retries on its own (the query reader
 * with `withRetry`, `produce` per record). Commands open their clients with `openDynamoDb` /
 * `openKinesis` (cli/awsClients.ts), which also explain errors and check region and credentials.
 *
 * @example
 * const client = new DynamoDBClient(awsClientConfig(options));
 */
export const awsClientConfig = (options: AwsCliOptions): Record<string, unknown> => {
  const transport = { requestHandler: timedRequestHandler(), maxAttempts: 1 };
  if (options.endpoint !== undefined) {
    assertEndpointUrl(options.endpoint);
    const local = localClientConfig(options.endpoint);
    return {
      ...local,
      ...transport,
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.profile !== undefined ? { profile: options.profile, credentials: undefined } : {}),
    };
  }
  return {
    ...transport,
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  };
};
