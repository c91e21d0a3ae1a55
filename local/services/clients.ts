import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** SDK client settings shared by every client that talks to a local service. */
export interface LocalClientConfig {
  readonly endpoint: string;
  /** @default 'us-east-1' */
  readonly region: string;
  /** Dummy static credentials: local services accept any signature. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * Plain HTTP/1.1 handler. The Kinesis v3 client defaults to HTTP/2, which fails against a
   * plain-HTTP endpoint with "Protocol error / Deserialization error".
   */
  readonly requestHandler: NodeHttpHandler;
  /**
   * SDK attempts per call (1 = no retry). Local services do not throttle, so retries only help
   * with a server that is (re)starting.
   * @default 3
   */
  readonly maxAttempts: number;
}

/**
 * Builds the SDK configuration for a local endpoint: region `us-east-1`, credentials
 * `local`/`local`, an HTTP/1.1 request handler and 3 attempts.
 *
 * @param endpoint - Base URL of the local service, e.g. `service.endpoint`.
 * @example
 * ```ts
 * const client = new DynamoDBClient({ ...localClientConfig(service.endpoint), maxAttempts: 1 });
 * ```
 */
export const localClientConfig = (endpoint: string): LocalClientConfig => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000 }),
  maxAttempts: 3,
});

/**
 * Creates a DynamoDB client for a local DynamoDB (dynalite or DynamoDB Local).
 *
 * @param endpoint - Base URL of the local service.
 * @param overrides - Settings that replace those of {@link localClientConfig}.
 * @example
 * ```ts
 * const service = await startDynalite();
 * const client = dynamoDbClient(service.endpoint);
 * await client.send(new ListTablesCommand({}));
 * ```
 */
export const dynamoDbClient = (endpoint: string, overrides: DynamoDBClientConfig = {}): DynamoDBClient =>
  new DynamoDBClient({ ...localClientConfig(endpoint), ...overrides });

/**
 * Creates a Kinesis client for the local Kinesis (kinesis-mock), over plain HTTP/1.1.
 *
 * @param endpoint - Base URL of the local service.
 * @param overrides - Settings that replace those of {@link localClientConfig}.
 * @example
 * ```ts
 * const service = await startKinesisLocal();
 * const client = kinesisClient(service.endpoint);
 * await client.send(new ListStreamsCommand({}));
 * ```
 */
export const kinesisClient = (endpoint: string, overrides: KinesisClientConfig = {}): KinesisClient =>
  new KinesisClient({ ...localClientConfig(endpoint), ...overrides });
