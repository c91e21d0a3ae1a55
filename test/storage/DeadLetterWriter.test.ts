import {
  type AttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildDeadLetterItem,
  type DeadLetter,
  DeadLetterWriter,
  type DeadLetterWriterOptions,
  DeadlineError,
  deadLetterSortKey,
  MAX_DEAD_LETTER_PAYLOAD_BYTES,
} from '../../shared/storage/index.ts';
import { sequenceNumber } from '../helpers/kinesisEvent.ts';

const TABLE = 'dead-letters';
const SHARD = 'shardId-000000000002';
const NOW = Date.parse('2026-11-21T08:35:00Z');
const ARRIVAL = Date.parse('2026-11-21T08:34:12.345Z');
const DEADLINE = NOW + 30_000;
const DAY_MS = 86_400_000;

const ddb = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'eu-west-1' });

const letter = (n: number, overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  kind: 'rejected',
  reason: 'invalid-json',
  message: 'Unexpected token o in JSON at position 1',
  origin: { sequenceNumber: sequenceNumber(n) },
  excerpt: 'not json',
  source: {
    data: Buffer.from(`not json ${n}`, 'utf8'),
    sequenceNumber: sequenceNumber(n),
    partitionKey: 'pk-1',
    arrivalMs: ARRIVAL,
  },
  ...overrides,
});

const writerWith = (options: Partial<DeadLetterWriterOptions> = {}) =>
  new DeadLetterWriter({
    client,
    tableName: TABLE,
    pipeline: 'ohlc',
    now: () => NOW,
    retry: { sleep: async () => {}, random: () => 0 },
    ...options,
  });

const requests = (): BatchWriteItemCommandInput[] =>
  ddb.commandCalls(BatchWriteItemCommand).map((call) => call.args[0].input);

const itemsOf = (input: BatchWriteItemCommandInput | undefined): Record<string, AttributeValue>[] =>
  (input?.RequestItems?.[TABLE] ?? []).map((r) => r.PutRequest?.Item as Record<string, AttributeValue>);

const sequencesOf = (input: BatchWriteItemCommandInput | undefined): string[] =>
  itemsOf(input).map((item) => item.sequenceNumber?.S as string);

const invalid = (): Error =>
  Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
    name: 'ValidationException',
    $metadata: { httpStatusCode: 400 },
  });

describe('Class: DeadLetterWriter', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    // The UnprocessedItems backoff draws from Math.random (not `retry.random`): 0 means no wait
    vi.spyOn(Math, 'random').mockReturnValue(0);
    ddb.reset();
    ddb.on(BatchWriteItemCommand).resolves({ ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 2 }] });
  });

  it('writes letters with BatchWriteItem, 25 at a time', async () => {
    // Prepare
    const letters = Array.from({ length: 60 }, (_, i) => letter(i + 1));

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({ written: 60, writeUnits: 6, failedSequence: undefined, errors: [] });
    expect(requests().map((input) => itemsOf(input).length)).toStrictEqual([25, 25, 10]);
    expect(requests()[0]?.ReturnConsumedCapacity).toBe('TOTAL');
    expect(requests().flatMap(sequencesOf)).toStrictEqual(letters.map((l) => l.origin.sequenceNumber));
  });

  it('sends nothing for no letters', async () => {
    // Act
    const outcome = await writerWith().write([], SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({ written: 0, writeUnits: 0, failedSequence: undefined, errors: [] });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('retries UnprocessedItems until every letter is written', async () => {
    // Prepare
    const letters = Array.from({ length: 5 }, (_, i) => letter(i + 1));
    const left = [buildItem(letters[1]), buildItem(letters[3])];
    ddb
      .on(BatchWriteItemCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: left.map((Item) => ({ PutRequest: { Item } })) } })
      .resolves({});

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({ written: 5, writeUnits: 0, failedSequence: undefined, errors: [] });
    expect(requests().map(sequencesOf)).toStrictEqual([
      letters.map((l) => l.origin.sequenceNumber),
      [sequenceNumber(2), sequenceNumber(4)],
    ]);
  });

  it('retries throttling with backoff from the retry options', async () => {
    // Prepare
    const sleep = vi.fn(async (_ms: number) => {});
    ddb
      .on(BatchWriteItemCommand)
      .rejectsOnce(
        new ProvisionedThroughputExceededException({
          message: 'Rate exceeded',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({});

    // Act
    const outcome = await writerWith({ retry: { sleep, random: () => 0 } }).write(
      [letter(1)],
      SHARD,
      DEADLINE,
    );

    // Assess
    expect(outcome.written).toBe(1);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('reports the lowest sequence among the unwritten letters of a failed chunk, and writes the other chunks', async () => {
    // Prepare: letters in descending sequence order; the second chunk (sequences 35…11) fails
    const letters = Array.from({ length: 60 }, (_, i) => letter(60 - i));
    const refused = invalid();
    let call = 0;
    ddb.on(BatchWriteItemCommand).callsFake(async () => {
      call += 1;
      if (call === 2) throw refused;
      return {};
    });

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({
      written: 35,
      writeUnits: 0,
      failedSequence: sequenceNumber(11),
      errors: [refused],
    });
    expect(requests()).toHaveLength(3);
  });

  it('counts only still-unprocessed letters when a retry fails', async () => {
    // Prepare: 1–5 sent, 4 and 2 come back unprocessed, then the retry fails
    const letters = [5, 4, 3, 2, 1].map((n) => letter(n));
    const refused = invalid();
    ddb
      .on(BatchWriteItemCommand)
      .resolvesOnce({
        UnprocessedItems: {
          [TABLE]: [letter(4), letter(2)].map((l) => ({ PutRequest: { Item: buildItem(l) } })),
        },
      })
      .rejects(refused);

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess: letter 1 was written, so the resume point is 2
    expect(outcome).toStrictEqual({
      written: 3,
      writeUnits: 0,
      failedSequence: sequenceNumber(2),
      errors: [refused],
    });
  });

  it('gives up on UnprocessedItems at the deadline', async () => {
    // Prepare: the backoff before the second round would end after the deadline
    ddb.on(BatchWriteItemCommand).resolves({
      UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: buildItem(letter(3)) } }] },
    });

    // Act
    const outcome = await writerWith({
      retry: { sleep: async () => {}, random: () => 0.99, baseDelayMs: 25 },
    }).write([letter(3), letter(4)], SHARD, NOW + 10);

    // Assess
    expect(outcome).toStrictEqual({
      written: 1,
      writeUnits: 0,
      failedSequence: sequenceNumber(3),
      errors: [new DeadlineError('Deadline reached after 1 round(s) with 1 dead letter(s) unprocessed')],
    });
    expect(requests()).toHaveLength(1);
  });

  it('fails every letter with a DeadlineError when the deadline has passed', async () => {
    // Act
    const outcome = await writerWith().write([letter(8), letter(7)], SHARD, NOW);

    // Assess
    expect(outcome).toStrictEqual({
      written: 0,
      writeUnits: 0,
      failedSequence: sequenceNumber(7),
      errors: [new DeadlineError('Deadline reached before attempt 1')],
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('writes the size instead of a payload over MAX_DEAD_LETTER_PAYLOAD_BYTES', async () => {
    // Prepare
    const data = Buffer.alloc(MAX_DEAD_LETTER_PAYLOAD_BYTES + 10, 0x7b);
    const big = letter(1, { reason: 'record-too-large', source: { ...letter(1).source, data } });

    // Act
    await writerWith().write([big, letter(2)], SHARD, DEADLINE);

    // Assess
    const [bigItem, smallItem] = itemsOf(requests()[0]);
    expect(bigItem?.payload).toBeUndefined();
    expect(bigItem?.payloadBytes).toStrictEqual({ N: String(MAX_DEAD_LETTER_PAYLOAD_BYTES + 10) });
    expect(smallItem?.payload).toStrictEqual({ B: Buffer.from('not json 2', 'utf8') });
    expect(smallItem?.payloadBytes).toBeUndefined();
  });

  it('writes letters with the same key once (redelivered or repeated records)', async () => {
    // Prepare
    const letters = [
      letter(1),
      letter(1),
      letter(2, { origin: { sequenceNumber: sequenceNumber(2), line: 0 } }),
      letter(2, { origin: { sequenceNumber: sequenceNumber(2), line: 1 } }),
      letter(2, { origin: { sequenceNumber: sequenceNumber(2), line: 1 } }),
    ];

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess
    expect(outcome.written).toBe(3);
    expect(itemsOf(requests()[0]).map((item) => item.sk?.S)).toStrictEqual([
      `2026-11-21T08:34:12.345Z#${SHARD}#${sequenceNumber(1)}##`,
      `2026-11-21T08:34:12.345Z#${SHARD}#${sequenceNumber(2)}##0`,
      `2026-11-21T08:34:12.345Z#${SHARD}#${sequenceNumber(2)}##1`,
    ]);
  });
});

const buildItem = (l: DeadLetter | undefined): Record<string, AttributeValue> =>
  buildDeadLetterItem('ohlc', SHARD, l as DeadLetter, 14 * DAY_MS, NOW);

describe('Function: buildDeadLetterItem', () => {
  it('stores the reason, where the record came from, and its payload', () => {
    // Prepare
    const rejected = letter(9, {
      origin: { sequenceNumber: sequenceNumber(9), subIndex: 2, line: 4 },
    });

    // Act
    const item = buildDeadLetterItem('ohlc', SHARD, rejected, 14 * DAY_MS, NOW);

    // Assess
    expect(item).toStrictEqual({
      pk: { S: 'ohlc#2026-11-21' },
      sk: { S: `2026-11-21T08:34:12.345Z#${SHARD}#${sequenceNumber(9)}#2#4` },
      pipeline: { S: 'ohlc' },
      kind: { S: 'rejected' },
      reason: { S: 'invalid-json' },
      message: { S: 'Unexpected token o in JSON at position 1' },
      shardId: { S: SHARD },
      sequenceNumber: { S: sequenceNumber(9) },
      partitionKey: { S: 'pk-1' },
      arrivedAt: { S: '2026-11-21T08:34:12.345Z' },
      excerpt: { S: 'not json' },
      recordedAt: { S: '2026-11-21T08:35:00.000Z' },
      expiresAt: { N: String((NOW + 14 * DAY_MS) / 1000) },
      subIndex: { N: '2' },
      line: { N: '4' },
      payload: { B: Buffer.from('not json 9', 'utf8') },
    });
    expect(item.sk?.S).toBe(deadLetterSortKey(rejected.origin, ARRIVAL, SHARD));
  });

  it('lists the windows a late record missed', () => {
    // Prepare
    const late = letter(3, { kind: 'late', reason: 'late', windows: ['2026-11-21T08:20:00.000Z'] });

    // Act
    const item = buildDeadLetterItem('ohlc', SHARD, late, DAY_MS, NOW);

    // Assess
    expect(item.kind).toStrictEqual({ S: 'late' });
    expect(item.reason).toStrictEqual({ S: 'late' });
    expect(item.windows).toStrictEqual({ L: [{ S: '2026-11-21T08:20:00.000Z' }] });
  });

  it.each([
    ['at the limit', MAX_DEAD_LETTER_PAYLOAD_BYTES, true],
    ['one byte over the limit', MAX_DEAD_LETTER_PAYLOAD_BYTES + 1, false],
    ['a 1 MiB record', 1_048_576, false],
  ])('keeps a payload %s only when it fits, else its size', (_label, size, kept) => {
    // Prepare
    const data = Buffer.alloc(size, 0x61);
    const big = letter(1, { source: { ...letter(1).source, data } });

    // Act
    const item = buildDeadLetterItem('ohlc', SHARD, big, DAY_MS, NOW);

    // Assess
    expect(item.payload?.B).toBe(kept ? data : undefined);
    expect(item.payloadBytes).toStrictEqual(kept ? undefined : { N: String(size) });
  });

  it('cuts the message to 1000 characters', () => {
    // Act
    const item = buildDeadLetterItem('ohlc', SHARD, letter(1, { message: 'm'.repeat(5000) }), DAY_MS, NOW);

    // Assess
    expect(item.message?.S).toHaveLength(1000);
  });
});
