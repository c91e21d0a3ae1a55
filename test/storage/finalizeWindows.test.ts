import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { finalizeWindows } from '../../shared/storage/index.ts';

const TABLE = 'results';
const NOW = Date.parse('2026-11-21T09:00:00Z');

const ddb = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'eu-west-1' });

/** A KEYS_ONLY item of the open-windows index. */
const openItem = (group: string, start: string): Record<string, AttributeValue> => ({
  pk: { S: `ohlc#${group}` },
  sk: { S: start },
  openPipeline: { S: 'ohlc' },
  finalAt: { S: '2026-11-21T08:40:00.000Z' },
});

const keyOf = (item: Record<string, AttributeValue>): Record<string, AttributeValue> => ({
  pk: item.pk as AttributeValue,
  sk: item.sk as AttributeValue,
});

const A = openItem('A', '2026-11-21T08:30:00.000Z');
const B = openItem('B', '2026-11-21T08:30:00.000Z');
const C = openItem('C', '2026-11-21T08:31:00.000Z');

const conflict = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const options = (overrides: Partial<Parameters<typeof finalizeWindows>[0]> = {}) => ({
  client,
  tableName: TABLE,
  pipeline: 'ohlc',
  nowMs: NOW,
  deadlineMs: Date.now() + 60_000,
  ...overrides,
});

const updatedKeys = (): string[] =>
  ddb
    .commandCalls(UpdateItemCommand)
    .map((call) => `${call.args[0].input.Key?.pk?.S} ${call.args[0].input.Key?.sk?.S}`);

describe('Function: finalizeWindows', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(UpdateItemCommand).resolves({});
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('queries every page of the open-windows index and finalizes each item', async () => {
    // Prepare
    const lastKey = { ...B };
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [A, B], LastEvaluatedKey: lastKey })
      .resolves({ Items: [C] });

    // Act
    const finalized = await finalizeWindows(options());

    // Assess
    expect(finalized).toBe(3);
    const queries = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toStrictEqual([
      {
        TableName: TABLE,
        IndexName: 'open-windows',
        KeyConditionExpression: '#open = :pipeline AND #finalAt < :now',
        ExpressionAttributeNames: { '#open': 'openPipeline', '#finalAt': 'finalAt' },
        ExpressionAttributeValues: { ':pipeline': { S: 'ohlc' }, ':now': { S: '2026-11-21T09:00:00.000Z' } },
        ExclusiveStartKey: undefined,
      },
      {
        TableName: TABLE,
        IndexName: 'open-windows',
        KeyConditionExpression: '#open = :pipeline AND #finalAt < :now',
        ExpressionAttributeNames: { '#open': 'openPipeline', '#finalAt': 'finalAt' },
        ExpressionAttributeValues: { ':pipeline': { S: 'ohlc' }, ':now': { S: '2026-11-21T09:00:00.000Z' } },
        ExclusiveStartKey: lastKey,
      },
    ]);
    expect(updatedKeys()).toStrictEqual([
      'ohlc#A 2026-11-21T08:30:00.000Z',
      'ohlc#B 2026-11-21T08:30:00.000Z',
      'ohlc#C 2026-11-21T08:31:00.000Z',
    ]);
    const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input as UpdateItemCommandInput;
    expect(update).toStrictEqual({
      TableName: TABLE,
      Key: { pk: A.pk, sk: A.sk },
      UpdateExpression: 'SET #status = :final REMOVE #open ADD #version :one',
      ConditionExpression: 'attribute_exists(#open) AND #finalAt < :now',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#open': 'openPipeline',
        '#finalAt': 'finalAt',
        '#version': 'version',
      },
      ExpressionAttributeValues: {
        ':final': { S: 'final' },
        ':now': { S: '2026-11-21T09:00:00.000Z' },
        ':one': { N: '1' },
      },
    });
  });

  it('ignores items whose condition fails (already final, or rewritten meanwhile) and does not count them', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [A, B, C] });
    ddb.on(UpdateItemCommand, { Key: keyOf(B) }).rejects(conflict());

    // Act
    const finalized = await finalizeWindows(options());

    // Assess
    expect(finalized).toBe(2);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(3);
  });

  it('returns 0 and updates nothing when no window is due', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [] });

    // Act
    const finalized = await finalizeWindows(options());

    // Assess
    expect(finalized).toBe(0);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('throws any other update failure', async () => {
    // Prepare
    const refused = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    ddb.on(QueryCommand).resolves({ Items: [A, B] });
    ddb.on(UpdateItemCommand, { Key: keyOf(A) }).rejects(refused);

    // Act
    const run = finalizeWindows(options());

    // Assess
    await expect(run).rejects.toBe(refused);
  });

  it('keeps at most `concurrency` updates in flight', async () => {
    // Prepare
    ddb.on(QueryCommand).resolves({ Items: [A, B, C, openItem('D', 'x'), openItem('E', 'y')] });
    let inFlight = 0;
    let maxInFlight = 0;
    ddb.on(UpdateItemCommand).callsFake(async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      for (let i = 0; i < 5; i++) await Promise.resolve();
      inFlight -= 1;
      return {};
    });

    // Act
    const finalized = await finalizeWindows(options({ concurrency: 2 }));

    // Assess
    expect(finalized).toBe(5);
    expect(maxInFlight).toBe(2);
  });

  it('stops paging once the deadline has passed', async () => {
    // Prepare: the wall clock passes the deadline during the first page's last update
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const deadlineMs = NOW + 5_000;
    ddb.on(QueryCommand).resolves({ Items: [A], LastEvaluatedKey: { ...A } });
    ddb.on(UpdateItemCommand).callsFake(async () => {
      vi.setSystemTime(deadlineMs);
      return {};
    });

    // Act
    const finalized = await finalizeWindows(options({ deadlineMs }));

    // Assess
    expect(finalized).toBe(1);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(1);
  });
});
