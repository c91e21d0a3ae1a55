import { AWS_TIMEOUTS } from '../shared/aws/timeouts.ts';
import {
  type AwsServiceName,
  EndpointError,
  EndpointTimeoutError,
  EndpointUnreachableError,
  WrongServiceError,
} from './errors.ts';

/** What a networked command talks to. */
export interface AwsTarget {
  readonly service: AwsServiceName;
  /** `--endpoint`, when given; otherwise AWS's endpoint for the region. */
  readonly endpoint?: string;
  /** The region, to name AWS's endpoint when no `--endpoint` is given. */
  readonly region?: string;
}

/** Network error codes that mean nothing answers at the endpoint. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Headers only one of the two services sends: DynamoDB checksums its answers, Kinesis (like S3) ids them. */
const SERVICE_HEADERS: readonly (readonly [string, AwsServiceName])[] = [
  ['x-amz-crc32', 'DynamoDB'],
  ['x-amz-id-2', 'Kinesis'],
];

interface RawAnswer {
  readonly $response?: { readonly statusCode?: number; readonly headers?: Record<string, string> };
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly code?: unknown;
}

const where = (target: AwsTarget): string => target.endpoint ?? `AWS (region ${target.region ?? 'unknown'})`;

/** The first characters of the body, as the SDK's JSON error quotes them: `"<UnknownOp"...`. */
const bodyExcerpt = (message: string): string | undefined =>
  /"([^"]{1,40})"(?:\.\.\.)? is not valid JSON/.exec(message)?.[1];

/**
 * What the endpoint answered, for the message: the service whose answer it looks like (when it is the
 * other one), the HTTP status, the content type and the first characters of the body.
 */
const describeAnswer = (error: Error, expected: AwsServiceName): string => {
  const raw = error as Error & RawAnswer;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.$response?.headers ?? {}))
    headers[name.toLowerCase()] = value;
  const like = SERVICE_HEADERS.find(([header]) => headers[header] !== undefined)?.[1];
  const status = raw.$response?.statusCode ?? raw.$metadata?.httpStatusCode;
  const parts = [
    status === undefined ? undefined : `HTTP ${status}`,
    headers['content-type'],
    error.name === 'UnknownOperationException' ? error.name : undefined,
  ].filter((part) => part !== undefined);
  const excerpt = bodyExcerpt(error.message);
  if (excerpt !== undefined) parts.push(JSON.stringify(`${excerpt}…`));
  const what = parts.length > 0 ? parts.join(' ') : 'something else';
  return like !== undefined && like !== expected ? `as ${like} does: ${what}` : what;
};

/** The SDK could not read the answer as the service's protocol, or the service said it has no such operation. */
const isForeignAnswer = (error: Error): boolean =>
  error.name === 'UnknownOperationException' ||
  (Object.hasOwn(error, '$response') &&
    (error.name === 'SyntaxError' || error.message.includes('Deserialization error')));

const isTimeout = (error: Error): boolean =>
  error.name === 'TimeoutError' || error.name === 'AttemptTimeoutError';

/** Seconds for a message: `5 s`, `0.5 s`. */
const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

const timeoutOf = (error: Error): number => {
  const ms = (error as { timeoutMs?: unknown }).timeoutMs;
  if (typeof ms === 'number') return ms;
  return error.message.includes('establish a connection')
    ? AWS_TIMEOUTS.connectionTimeoutMs
    : AWS_TIMEOUTS.requestTimeoutMs;
};

/**
 * Turns an SDK error that says the endpoint itself is wrong into an {@link EndpointError} that names it
 * and says what to check — the same for the DynamoDB and the Kinesis client of every command:
 * - another service answered, or something that is no AWS service → {@link WrongServiceError};
 * - no answer in time (connection or request timeout) → {@link EndpointTimeoutError} (retryable);
 * - connection refused or reset, unknown host → {@link EndpointUnreachableError} (retryable).
 * Other errors (and errors already explained) are returned unchanged.
 *
 * @example
 * explainAwsError(error, { service: 'DynamoDB', endpoint: 'http://127.0.0.1:4568' });
 * // WrongServiceError: The endpoint http://127.0.0.1:4568 does not look like DynamoDB (it answered as
 * // Kinesis does: HTTP 404 text/plain "<UnknownOp…"); `streamfold dev` prints both endpoints
 */
export const explainAwsError = (error: unknown, target: AwsTarget): unknown => {
  if (!(error instanceof Error) || error instanceof EndpointError) return error;
  const { service, endpoint } = target;
  const local = endpoint !== undefined;
  const options = { cause: error };
  const at = where(target);
  if (isForeignAnswer(error)) {
    return new WrongServiceError(
      `The endpoint ${at} does not look like ${service} (it answered ${describeAnswer(error, service)})${
        local ? '; `streamfold dev` prints both endpoints' : ': is a proxy in the way?'
      }`,
      at,
      service,
      options,
    );
  }
  const code = (error as RawAnswer).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    return new EndpointUnreachableError(
      `Cannot reach ${service} at ${at} (${code})${
        local ? ': is `streamfold dev` running, and is this the endpoint it printed?' : ': check the network'
      }`,
      at,
      service,
      options,
    );
  }
  if (isTimeout(error)) {
    return new EndpointTimeoutError(
      `${service} at ${at} did not answer within ${seconds(timeoutOf(error))}${
        local ? ': is it running, and is this the endpoint `streamfold dev` printed?' : ': check the network'
      }`,
      at,
      service,
      options,
    );
  }
  return error;
};
