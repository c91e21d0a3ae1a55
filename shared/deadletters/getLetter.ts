import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { withRetry } from '../storage/retry.ts';
import { LetterFilterError, LetterNotFoundError } from './errors.ts';
import { readStoredLetter } from './readStoredLetter.ts';
import type { StoredLetter } from './types.ts';

/**
 * The partition key of the letter with sort key `sk`: the sort key starts with the arrival time, whose
 * day names the partition.
 *
 * @throws {LetterFilterError} when `sk` does not start with an ISO 8601 time.
 * @example
 * letterPartition('ohlc', '2026-12-06T10:00:00.000Z#shardId-000000000000#4959…##'); // 'ohlc#2026-12-06'
 */
export const letterPartition = (pipeline: string, sk: string): string => {
  if (!/^\d{4}-\d{2}-\d{2}T[^#]*#/.test(sk)) {
    throw new LetterFilterError(
      `"${sk}" is not a dead letter's sort key (<arrival ISO time>#<shard>#<sequence>#<sub-record>#<line>, as dead-letters lists it)`,
    );
  }
  return `${pipeline}#${sk.slice(0, 10)}`;
};

/**
 * Reads one dead letter, payload included (consistent read).
 *
 * @throws {LetterNotFoundError} when there is no such letter (expired, or another pipeline's).
 * @example
 * const letter = await getLetter({ client, tableName, pipeline: 'ohlc', sk });
 */
export const getLetter = async (options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly pipeline: string;
  readonly sk: string;
  /** @default 30_000 */
  readonly timeoutMs?: number;
}): Promise<StoredLetter> => {
  const { client, tableName, pipeline, sk } = options;
  const pk = letterPartition(pipeline, sk);
  const response = await withRetry(
    (abortSignal) =>
      client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { pk: { S: pk }, sk: { S: sk } },
          ConsistentRead: true,
        }),
        { abortSignal },
      ),
    { deadlineMs: Date.now() + (options.timeoutMs ?? 30_000) },
  );
  if (response.Item === undefined) {
    throw new LetterNotFoundError(
      `No dead letter of ${pipeline} has the key ${sk} in table ${tableName} (expired, or another pipeline's?)`,
    );
  }
  return readStoredLetter(response.Item);
};
