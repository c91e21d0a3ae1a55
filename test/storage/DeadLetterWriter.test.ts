import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  type PutItemCommandInput,
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

const requests = (): PutItemCommandInput[] =>
  ddb.commandCalls(PutItemCommand).map((call) => call.args[0].input);

const sequencesOf = (inputs: readonly PutItemCommandInput[]): string[] =>
  inputs.map((input) => input.Item?.sequenceNumber?.S as string);

const invalid = (): Error =>
  Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
    name: 'ValidationException',
    $metadata: { httpStatusCode: 400 },
  });

const alreadyReplayed = (): Error =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('Class: DeadLetterWriter', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    ddb.reset();
    ddb.on(PutItemCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
  });

  it('writes each letter with a PutItem that cannot replace a replayed letter', async () => {
    // Prepare
    const letters = Array.from({ length: 30 }, (_, i) => letter(i + 1));

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({
      written: 30,
      alreadyReplayed: 0,
      writeUnits: 30,
      failedSequence: undefined,
      errors: [],
    });
    expect(requests()).toHaveLength(30);
    expect(requests()[0]).toMatchObject({
      TableName: TABLE,
      ConditionExpression: 'attribute_not_exists(#replayedAt)',
      ExpressionAttributeNames: { '#replayedAt': 'replayedAt' },
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(sequencesOf(requests()).sort()).toStrictEqual(letters.map((l) => l.origin.sequenceNumber).sort());
  });

  it('leaves a letter a replay has marked as it is, and counts the units the refused put costs', async () => {
    // Prepare: letter 2 was replayed; its record was delivered again and rejected again
    ddb.on(PutItemCommand, { Item: buildItem(letter(2)) }).rejects(alreadyReplayed());

    // Act
    const outcome = await writerWith().write([letter(1), letter(2)], SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({
      written: 1,
      alreadyReplayed: 1,
      writeUnits: 2,
      failedSequence: undefined,
      errors: [],
    });
  });

  it('sends nothing for no letters', async () => {
    // Act
    const outcome = await writerWith().write([], SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({
      written: 0,
      alreadyReplayed: 0,
      writeUnits: 0,
      failedSequence: undefined,
      errors: [],
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('retries throttling with backoff from the retry options', async () => {
    // Prepare
    const sleep = vi.fn(async (_ms: number) => {});
    ddb
      .on(PutItemCommand)
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

  it('reports the lowest sequence among the letters that could not be written, and writes the others', async () => {
    // Prepare: letters 11 and 35 are refused
    const letters = Array.from({ length: 60 }, (_, i) => letter(60 - i));
    const refused = invalid();
    ddb.on(PutItemCommand, { Item: buildItem(letter(35)) }).rejects(refused);
    ddb.on(PutItemCommand, { Item: buildItem(letter(11)) }).rejects(refused);

    // Act
    const outcome = await writerWith().write(letters, SHARD, DEADLINE);

    // Assess
    expect(outcome).toStrictEqual({
      written: 58,
      alreadyReplayed: 0,
      writeUnits: 58,
      failedSequence: sequenceNumber(11),
      errors: [refused, refused],
    });
  });

  it('fails every letter with a DeadlineError when the deadline has passed', async () => {
    // Act
    const outcome = await writerWith().write([letter(8), letter(7)], SHARD, NOW);

    // Assess
    expect(outcome).toStrictEqual({
      written: 0,
      alreadyReplayed: 0,
      writeUnits: 0,
      failedSequence: sequenceNumber(7),
      errors: [
        new DeadlineError('Deadline reached before attempt 1'),
        new DeadlineError('Deadline reached before attempt 1'),
      ],
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
    const [bigItem, smallItem] = requests().map((input) => input.Item);
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
    expect(requests().map((input) => input.Item?.sk?.S)).toStrictEqual([
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
