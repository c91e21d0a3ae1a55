import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { DynamoDbFaultKind } from './types.ts';

/** An HTTP answer the proxy sends instead of the database's. */
export interface DynamoDbErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Status, `__type` and message of each error fault, as DynamoDB sends them. */
const ERRORS: Readonly<
  Record<
    Exclude<DynamoDbFaultKind, 'hang' | 'reset'>,
    { readonly status: number; readonly type: string; readonly message: string }
  >
> = {
  'throughput-exceeded': {
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  throttling: {
    status: 400,
    type: 'com.amazon.coral.availability#ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput.',
  },
  'internal-error': {
    status: 500,
    type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error',
  },
  unavailable: {
    status: 503,
    type: 'com.amazon.coral.availability#ServiceUnavailableException',
    message: 'Service unavailable',
  },
};

const REQUEST_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A DynamoDB-style request id: 52 upper-case letters and digits. */
const requestId = (): string =>
  Array.from(randomBytes(52), (byte) => REQUEST_ID_ALPHABET[byte % REQUEST_ID_ALPHABET.length]).join('');

/**
 * The HTTP answer DynamoDB gives for an error fault: its status, a JSON 1.0 body
 * `{"__type":"<namespace>#<ErrorName>","message":"…"}` that the AWS SDK parses into the named exception,
 * and the headers DynamoDB sets (`x-amzn-RequestId`, `x-amz-crc32` of the body).
 *
 * @example
 * const answer = dynamoDbErrorResponse('throughput-exceeded');
 * answer.status; // 400
 * JSON.parse(answer.body.toString()).__type; // 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException'
 */
export const dynamoDbErrorResponse = (
  fault: Exclude<DynamoDbFaultKind, 'hang' | 'reset'>,
): DynamoDbErrorResponse => {
  const { status, type, message } = ERRORS[fault];
  const body = Buffer.from(JSON.stringify({ __type: type, message }), 'utf8');
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(body.length),
      'x-amzn-requestid': requestId(),
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  };
};
