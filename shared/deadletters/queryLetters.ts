import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { withRetry } from '../storage/retry.ts';
import { letterRange } from './letterDays.ts';
import { readStoredLetter } from './readStoredLetter.ts';
import type { LetterFilter, StoredLetter } from './types.ts';

/** Options of {@link queryLetters}. */
export interface QueryLettersOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly pipeline: string;
  readonly filter?: LetterFilter;
  /**
   * Read the payloads too (replay needs them; listing does not, and they may be up to 300 KB each).
   * @default false
   */
  readonly withPayload?: boolean;
  /**
   * Items per Query page.
   * @default 100
   */
  readonly pageSize?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Time allowed for each page, retries included.
   * @default 30_000
   */
  readonly pageTimeoutMs?: number;
}

/** Every attribute of a letter except its payload. */
const LIGHT_ATTRIBUTES = [
  'pk',
  'sk',
  'kind',
  'reason',
  'message',
  'shardId',
  'sequenceNumber',
  'partitionKey',
  'subIndex',
  'line',
  'arrivedAt',
  'recordedAt',
  'excerpt',
  'windows',
  'payloadBytes',
  'replayedAt',
  'replayOutcome',
  'replayPending',
] as const;

/**
 * Reads a pipeline's dead letters newest first, by key: one Query per arrival day (the partition
 * `<pipeline>#<day>`), the sort key bounding the time range, paginated; kind, reason and "not replayed
 * yet" are filtered by DynamoDB. Nothing is scanned.
 *
 * @example
 * for await (const letter of queryLetters({ client, tableName, pipeline: 'ohlc', filter: { reason: 'invalid-json' } })) {
 *   console.log(letter.sk, letter.message);
 * }
 */
export async function* queryLetters(options: QueryLettersOptions): AsyncGenerator<StoredLetter> {
  const { client, tableName, pipeline } = options;
  const filter = options.filter ?? {};
  const now = options.now ?? Date.now;
  const range = letterRange(filter, now());
  const fromIso = new Date(range.fromMs).toISOString();
  const toIso = new Date(range.toMs).toISOString();
  const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk' };
  const values: Record<string, AttributeValue> = { ':from': { S: fromIso }, ':to': { S: toIso } };
  const conditions: string[] = [];
  if (filter.kind !== undefined) {
    names['#kind'] = 'kind';
    values[':kind'] = { S: filter.kind };
    conditions.push('#kind = :kind');
  }
  if (filter.reason !== undefined) {
    names['#reason'] = 'reason';
    values[':reason'] = { S: filter.reason };
    conditions.push('#reason = :reason');
  }
  if (filter.unreplayedOnly === true) {
    names['#replayedAt'] = 'replayedAt';
    names['#replayPending'] = 'replayPending';
    conditions.push('(attribute_not_exists(#replayedAt) OR attribute_exists(#replayPending))');
  }
  const projection =
    options.withPayload === true
      ? {}
      : {
          ProjectionExpression: LIGHT_ATTRIBUTES.map((a) => `#p_${a}`).join(', '),
        };
  const projectionNames =
    options.withPayload === true ? {} : Object.fromEntries(LIGHT_ATTRIBUTES.map((a) => [`#p_${a}`, a]));
  for (const day of range.days) {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const request = startKey;
      const page = await withRetry(
        (abortSignal) =>
          client.send(
            new QueryCommand({
              TableName: tableName,
              // The sort key starts with the arrival time: `:to` is exclusive since a key at `:to` is longer.
              KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
              ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
              ExpressionAttributeNames: { ...names, ...projectionNames },
              ExpressionAttributeValues: { ...values, ':pk': { S: `${pipeline}#${day}` } },
              ScanIndexForward: false,
              Limit: options.pageSize ?? 100,
              ...projection,
              ...(request !== undefined ? { ExclusiveStartKey: request } : {}),
            }),
            { abortSignal },
          ),
        { now, deadlineMs: now() + (options.pageTimeoutMs ?? 30_000) },
      );
      for (const item of page.Items ?? []) {
        const letter = readStoredLetter(item);
        if (letter.sk < toIso && letter.sk >= fromIso) yield letter;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }
}
