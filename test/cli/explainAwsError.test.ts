import { describe, expect, it } from 'vitest';
import { EndpointTimeoutError, EndpointUnreachableError, WrongServiceError } from '../../cli/errors.ts';
import { explainAwsError } from '../../cli/explainAwsError.ts';
import { AttemptTimeoutError } from '../../shared/storage/errors.ts';
import { isRetryable } from '../../shared/storage/retry.ts';

const LOCAL = { service: 'DynamoDB', endpoint: 'http://127.0.0.1:4568' } as const;
const AWS = { service: 'Kinesis', region: 'eu-west-1' } as const;

/** An SDK deserialization error, as the SDK throws it for an answer that is not its protocol. */
const unreadable = (status: number, headers: Record<string, string>, body: string): Error =>
  Object.assign(
    new SyntaxError(
      `Unexpected token '<', "${body}"... is not valid JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`,
    ),
    { $response: { statusCode: status, headers }, $metadata: { httpStatusCode: status } },
  );

describe('Function: explainAwsError', () => {
  it.each([
    [
      'an answer of the other service (Kinesis headers)',
      unreadable(404, { 'x-amz-id-2': 'abc', 'content-type': 'text/plain' }, '<UnknownOp'),
      LOCAL,
      WrongServiceError,
      'The endpoint http://127.0.0.1:4568 does not look like DynamoDB (it answered as Kinesis does: HTTP 404 text/plain "<UnknownOp…"); `streamfold dev` prints both endpoints',
    ],
    [
      'a web page',
      unreadable(200, { 'Content-Type': 'text/html' }, '<html>hi</html>'),
      LOCAL,
      WrongServiceError,
      'The endpoint http://127.0.0.1:4568 does not look like DynamoDB (it answered HTTP 200 text/html "<html>hi</html>…"); `streamfold dev` prints both endpoints',
    ],
    [
      'a service without the operation',
      Object.assign(new Error('Unknown operation'), {
        name: 'UnknownOperationException',
        $metadata: { httpStatusCode: 400 },
      }),
      AWS,
      WrongServiceError,
      'The endpoint AWS (region eu-west-1) does not look like Kinesis (it answered HTTP 400 UnknownOperationException): is a proxy in the way?',
    ],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      LOCAL,
      EndpointUnreachableError,
      'Cannot reach DynamoDB at http://127.0.0.1:4568 (ECONNREFUSED): is `streamfold dev` running, and is this the endpoint it printed?',
    ],
    [
      'a reset connection (which the HTTP handler names TimeoutError)',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'TimeoutError' }),
      AWS,
      EndpointUnreachableError,
      'Cannot reach Kinesis at AWS (region eu-west-1) (ECONNRESET): check the network',
    ],
    [
      'a request timeout',
      Object.assign(new Error('a request has exceeded the configured 5000 ms requestTimeout'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      }),
      LOCAL,
      EndpointTimeoutError,
      'DynamoDB at http://127.0.0.1:4568 did not answer within 5 s: is it running, and is this the endpoint `streamfold dev` printed?',
    ],
    [
      'a connection timeout',
      Object.assign(new Error('the request socket did not establish a connection with the server'), {
        name: 'TimeoutError',
      }),
      AWS,
      EndpointTimeoutError,
      'Kinesis at AWS (region eu-west-1) did not answer within 3 s: check the network',
    ],
    [
      "an attempt cut by withRetry's limit",
      new AttemptTimeoutError(1_500, 2, true),
      LOCAL,
      EndpointTimeoutError,
      'DynamoDB at http://127.0.0.1:4568 did not answer within 1.5 s: is it running, and is this the endpoint `streamfold dev` printed?',
    ],
  ] as const)('explains %s', (_label, error, target, type, message) => {
    // Act
    const explained = explainAwsError(error, target);

    // Assess
    expect(explained).toBeInstanceOf(type);
    expect((explained as Error).message).toBe(message);
    expect((explained as Error).cause).toBe(error);
  });

  it('keeps timeouts and unreachable endpoints retryable, and a wrong service not', () => {
    // Act
    const timeout = explainAwsError(new AttemptTimeoutError(5_000, 1, false), LOCAL);
    const refused = explainAwsError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), LOCAL);
    const wrong = explainAwsError(unreadable(404, {}, '<x'), LOCAL);

    // Assess
    expect([isRetryable(timeout), isRetryable(refused), isRetryable(wrong)]).toStrictEqual([
      true,
      true,
      false,
    ]);
  });

  it.each([
    [
      'a service error',
      Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
    ],
    ['a plain error', new Error('boom')],
    ['not an error', 'boom'],
  ])('returns %s unchanged', (_label, error) => {
    // Act
    const explained = explainAwsError(error, LOCAL);

    // Assess
    expect(explained).toBe(error);
  });
});
