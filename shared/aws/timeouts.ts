import { NodeHttpHandler } from '@smithy/node-http-handler';

/** How long streamfold waits on an AWS (or local) endpoint before it gives up on one request. */
export interface AwsTimeouts {
  /** To open the TCP (and TLS) connection. */
  readonly connectionTimeoutMs: number;
  /**
   * For one attempt of one request, until its answer: an attempt that takes longer is abandoned (its
   * connection closed) and retried like a 5xx, within the caller's deadline. Also the longest silence
   * allowed on the socket while the answer streams in.
   */
  readonly requestTimeoutMs: number;
}

/**
 * The defaults of every client streamfold builds — the aggregate and finalize functions' DynamoDB
 * clients, the CLI's DynamoDB and Kinesis clients — and of each attempt of `withRetry`. Kept here, and
 * only here (docs/deploy.md lists them). DynamoDB and Kinesis answer in milliseconds; 5 s without an
 * answer means a lost request or a hung connection, and waiting longer only spends the invocation.
 */
export const AWS_TIMEOUTS: AwsTimeouts = { connectionTimeoutMs: 3_000, requestTimeoutMs: 5_000 };

/**
 * An HTTP/1.1 request handler with the connection and request timeouts (a request past its timeout
 * fails with a retryable `TimeoutError` instead of waiting for ever). HTTP/1.1 also suits the Kinesis
 * client, whose default HTTP/2 handler is only needed for SubscribeToShard.
 *
 * @example
 * const client = new DynamoDBClient({ requestHandler: timedRequestHandler(), maxAttempts: 1 });
 */
export const timedRequestHandler = (timeouts: AwsTimeouts = AWS_TIMEOUTS): NodeHttpHandler =>
  new NodeHttpHandler({
    connectionTimeout: timeouts.connectionTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    socketTimeout: timeouts.requestTimeoutMs,
    throwOnRequestTimeout: true,
  });
