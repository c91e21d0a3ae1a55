import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { type AwsCliOptions, awsClientConfig } from './awsOptions.ts';
import { checkAwsAccess } from './checkAwsAccess.ts';
import { type AwsServiceName, EndpointError } from './errors.ts';
import { explainAwsError } from './explainAwsError.ts';

/** What a command may want to know while its client works. */
export interface AwsClientHooks {
  /** Called with every {@link EndpointError} the client throws (wrong service, timeout, unreachable). */
  readonly onEndpointError?: (error: EndpointError) => void;
}

/** Where the error explanation sits in the SDK's middleware stack: outermost, around the SDK's own retries. */
const EXPLAIN_STEP = { step: 'initialize', name: 'streamfoldExplainErrors', priority: 'high' } as const;

/**
 * The one error explanation of every CLI client: runs a request, and rethrows its failure explained by
 * {@link explainAwsError} (wrong service at the endpoint, no answer, nothing listening).
 */
class Explainer {
  /** Known once the region was checked; names AWS's endpoint in messages. */
  public region: string | undefined;

  public constructor(
    private readonly service: AwsServiceName,
    private readonly options: AwsCliOptions,
    private readonly hooks: AwsClientHooks,
  ) {}

  public async run<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const explained = explainAwsError(error, {
        service: this.service,
        ...(this.options.endpoint !== undefined ? { endpoint: this.options.endpoint } : {}),
        ...(this.region !== undefined ? { region: this.region } : {}),
      });
      if (explained instanceof EndpointError) this.hooks.onEndpointError?.(explained);
      throw explained;
    }
  }
}

/** Checks region and credentials before any request (closing the client when they are missing). */
const checked = async <C extends DynamoDBClient | KinesisClient>(
  client: C,
  explainer: Explainer,
  options: AwsCliOptions,
): Promise<C> => {
  try {
    explainer.region = (await checkAwsAccess(client, options)).region;
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
};

/**
 * A DynamoDB client for the AWS options of a command (`--endpoint`, `--region`, `--profile`), readied as
 * every networked command's clients are: the timeouts of `AWS_TIMEOUTS`, errors explained where they
 * arise, and the region and credentials checked before any request.
 *
 * @throws {AwsSetupError} without a region or credentials, before any request.
 * @example
 * const client = await openDynamoDb({ endpoint: 'http://127.0.0.1:8000' });
 */
export const openDynamoDb = (options: AwsCliOptions, hooks: AwsClientHooks = {}): Promise<DynamoDBClient> => {
  const client = new DynamoDBClient(awsClientConfig(options) as DynamoDBClientConfig);
  const explainer = new Explainer('DynamoDB', options, hooks);
  client.middlewareStack.add((next) => (args) => explainer.run(() => next(args)), EXPLAIN_STEP);
  return checked(client, explainer, options);
};

/**
 * A Kinesis client for the AWS options of a command, readied like {@link openDynamoDb}'s.
 *
 * @throws {AwsSetupError} without a region or credentials, before any request.
 * @example
 * const client = await openKinesis({ endpoint: 'http://127.0.0.1:4567' });
 */
export const openKinesis = (options: AwsCliOptions, hooks: AwsClientHooks = {}): Promise<KinesisClient> => {
  const client = new KinesisClient(awsClientConfig(options) as KinesisClientConfig);
  const explainer = new Explainer('Kinesis', options, hooks);
  client.middlewareStack.add((next) => (args) => explainer.run(() => next(args)), EXPLAIN_STEP);
  return checked(client, explainer, options);
};
