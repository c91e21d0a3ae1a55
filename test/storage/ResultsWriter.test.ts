import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../shared/decode/index.ts';
import { definePipeline, type PipelineDefinition } from '../../shared/definition/index.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { BatchFolder, type WindowAggregate } from '../../shared/fold/index.ts';
import { count, topK } from '../../shared/metrics/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import {
  buildResultItem,
  DeadlineError,
  ItemStateError,
  MAX_ITEM_BYTES,
  ResultsWriter,
  type ResultsWriterOptions,
  readStoredAggregate,
  readWindowResult,
  StorageError,
} from '../../shared/storage/index.ts';
import { tumbling } from '../../shared/window/index.ts';
import { sequenceNumber } from '../helpers/kinesisEvent.ts';

const TABLE = 'results';
const SHARD = 'shardId-000000000000';
const OTHER_SHARD = 'shardId-000000000001';
const NOW = Date.parse('2026-11-21T08:35:00Z');
const ARRIVAL = Date.parse('2026-11-21T08:34:00Z');
const DEADLINE = NOW + 30_000;
const W0830 = '2026-11-21T08:30:00.000Z';
const W0831 = '2026-11-21T08:31:00.000Z';

const ddb = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'eu-west-1' });

const trade = (symbol: string, price: number, qty: number, time: string): string =>
  JSON.stringify({ symbol, price, qty, time });

/** Source records with sequence numbers `sequenceNumber(first)`, `sequenceNumber(first + 1)`, … */
const sourcesOf = (payloads: readonly string[], first = 1): SourceRecord[] =>
  payloads.map((payload, i) => ({
    data: Buffer.from(payload, 'utf8'),
    sequenceNumber: sequenceNumber(first + i),
    partitionKey: `pk-${i}`,
    arrivalMs: ARRIVAL,
  }));

const writerFor = (definition: PipelineDefinition, options: Partial<ResultsWriterOptions> = {}) =>
  new ResultsWriter({
    client,
    tableName: TABLE,
    definition,
    now: () => NOW,
    retry: { sleep: async () => {}, random: () => 0 },
    ...options,
  });

/** What the writer's projection reads back of an item written by `buildResultItem`. */
const storedItem = (
  definition: PipelineDefinition,
  payloads: readonly string[],
  first: number,
  applied: Readonly<Record<string, string>>,
  version: number,
): Record<string, AttributeValue> => {
  const aggregate = [...new BatchFolder(definition).fold(sourcesOf(payloads, first)).aggregates.values()][0];
  if (aggregate === undefined) throw new Error('fixture folds to nothing');
  const item = buildResultItem(definition, {
    groupKey: aggregate.groupKey,
    group: aggregate.group,
    windowStartMs: aggregate.windowStartMs,
    aggregate,
    applied,
    version,
    nowMs: NOW - 60_000,
  });
  const { pk, sk, state, version: v, applied: a } = item;
  return { pk, sk, state, version: v, applied: a } as Record<string, AttributeValue>;
};

/** Answers BatchGetItem from `items`, like a consistent read of a table holding them. */
const tableHolding = (items: readonly Record<string, AttributeValue>[]): void => {
  ddb.on(BatchGetItemCommand).callsFake((input: BatchGetItemCommandInput) => {
    const keys = input.RequestItems?.[TABLE]?.Keys ?? [];
    const found = items.filter((item) =>
      keys.some((key) => key.pk?.S === item.pk?.S && key.sk?.S === item.sk?.S),
    );
    return {
      Responses: { [TABLE]: found },
      ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: keys.length / 2 }],
    };
  });
};

const puts = (): PutItemCommandInput[] => ddb.commandCalls(PutItemCommand).map((call) => call.args[0].input);

const putOf = (pk: string, sk = W0830): PutItemCommandInput => {
  const found = puts().filter((input) => input.Item?.pk?.S === pk && input.Item?.sk?.S === sk);
  expect(found).toHaveLength(1);
  return found[0] as PutItemCommandInput;
};

const fold = (definition: PipelineDefinition, sources: readonly SourceRecord[]) =>
  new BatchFolder(definition).fold(sources);

const throttled = (): ProvisionedThroughputExceededException =>
  new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded',
    $metadata: { httpStatusCode: 400 },
  });

const conflict = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const invalid = (message = 'One or more parameter values were invalid'): Error =>
  Object.assign(new Error(message), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

describe('Class: ResultsWriter', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
    ddb.reset();
    ddb.on(PutItemCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
  });

  describe('success', () => {
    it('reads every item once, then writes one conditional PutItem per (group, window)', async () => {
      // Prepare: ACME in two windows, INIT in one; INIT already holds another shard's records
      const sources = sourcesOf([
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
        trade('ACME', 99, 1, '2026-11-21T08:31:00Z'),
      ]);
      const init = storedItem(
        ohlc,
        [trade('INIT', 25, 3, '2026-11-21T08:30:40Z')],
        900,
        { [OTHER_SHARD]: sequenceNumber(900) },
        4,
      );
      tableHolding([init]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toStrictEqual({
        written: 3,
        alreadyApplied: 0,
        failed: 0,
        conflicts: 0,
        writeUnits: 3,
        readUnits: 1.5,
        itemBytes: [expect.any(Number), expect.any(Number), expect.any(Number)],
        failedSequence: undefined,
        tooLarge: [],
        errors: [],
      });
      const [read] = ddb.commandCalls(BatchGetItemCommand).map((call) => call.args[0].input);
      expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(1);
      expect(read).toStrictEqual({
        RequestItems: {
          [TABLE]: {
            Keys: [
              { pk: { S: 'ohlc#ACME' }, sk: { S: W0830 } },
              { pk: { S: 'ohlc#INIT' }, sk: { S: W0830 } },
              { pk: { S: 'ohlc#ACME' }, sk: { S: W0831 } },
            ],
            ConsistentRead: true,
            ProjectionExpression: '#pk, #sk, #state, #version, #applied, #replayed',
            ExpressionAttributeNames: {
              '#pk': 'pk',
              '#sk': 'sk',
              '#state': 'state',
              '#version': 'version',
              '#applied': 'applied',
              '#replayed': 'replayed',
            },
          },
        },
        ReturnConsumedCapacity: 'TOTAL',
      });
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(3);
      expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    });

    it('conditions a new item on its absence and sets version 1 and applied[shard] to the highest member', async () => {
      // Prepare
      const sources = sourcesOf([
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
      ]);
      tableHolding([]);

      // Act
      await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      const put = putOf('ohlc#ACME');
      expect(put.TableName).toBe(TABLE);
      expect(put.ReturnConsumedCapacity).toBe('TOTAL');
      expect(put.ConditionExpression).toBe('attribute_not_exists(#pk)');
      expect(put.ExpressionAttributeNames).toStrictEqual({ '#pk': 'pk' });
      expect(put.ExpressionAttributeValues).toBeUndefined();
      const item = put.Item as Record<string, AttributeValue>;
      expect(item.version).toStrictEqual({ N: '1' });
      expect(item.applied).toStrictEqual({ M: { [SHARD]: { S: sequenceNumber(3) } } });
      expect(item.status).toStrictEqual({ S: 'open' });
      expect(item.updatedAt).toStrictEqual({ S: '2026-11-21T08:35:00.000Z' });
      expect(readWindowResult(ohlc, item)).toStrictEqual({
        group: { symbol: 'ACME' },
        window: { start: W0830, end: W0831 },
        records: 2,
        metrics: { open: 100, high: 102, low: 100, close: 102, volume: 15, vwap: 1510 / 15, trades: 2 },
        status: 'open',
        updatedAt: '2026-11-21T08:35:00.000Z',
      });
    });

    it('conditions an existing item on the version read, increments it and keeps other shards’ marks', async () => {
      // Prepare
      const sources = sourcesOf([trade('INIT', 20, 1, '2026-11-21T08:30:10Z')], 7);
      tableHolding([
        storedItem(
          ohlc,
          [trade('INIT', 25, 3, '2026-11-21T08:30:40Z')],
          900,
          { [OTHER_SHARD]: sequenceNumber(900), [SHARD]: sequenceNumber(6) },
          4,
        ),
      ]);

      // Act
      await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      const put = putOf('ohlc#INIT');
      expect(put.ConditionExpression).toBe('#version = :version');
      expect(put.ExpressionAttributeNames).toStrictEqual({ '#version': 'version' });
      expect(put.ExpressionAttributeValues).toStrictEqual({ ':version': { N: '4' } });
      const item = put.Item as Record<string, AttributeValue>;
      expect(item.version).toStrictEqual({ N: '5' });
      expect(item.applied).toStrictEqual({
        M: { [OTHER_SHARD]: { S: sequenceNumber(900) }, [SHARD]: { S: sequenceNumber(7) } },
      });
      expect(readWindowResult(ohlc, item).metrics).toStrictEqual({
        open: 20,
        high: 25,
        low: 20,
        close: 25,
        volume: 4,
        vwap: 95 / 4,
        trades: 2,
      });
    });

    it('reads in BatchGetItem requests of at most 100 keys', async () => {
      // Prepare
      const sources = sourcesOf(
        Array.from({ length: 150 }, (_, i) => trade(`S${i}`, 1, 1, '2026-11-21T08:30:00Z')),
      );
      tableHolding([]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(
        ddb
          .commandCalls(BatchGetItemCommand)
          .map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys?.length),
      ).toStrictEqual([100, 50]);
      expect(outcome.written).toBe(150);
    });

    it('keeps at most `concurrency` PutItem calls in flight', async () => {
      // Prepare
      const sources = sourcesOf(
        Array.from({ length: 9 }, (_, i) => trade(`S${i}`, 1, 1, '2026-11-21T08:30:00Z')),
      );
      tableHolding([]);
      let inFlight = 0;
      let maxInFlight = 0;
      ddb.on(PutItemCommand).callsFake(async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        for (let i = 0; i < 5; i++) await Promise.resolve();
        inFlight -= 1;
        return {};
      });

      // Act
      const outcome = await writerFor(ohlc, { concurrency: 2 }).write(
        fold(ohlc, sources),
        sources,
        SHARD,
        DEADLINE,
      );

      // Assess
      expect(maxInFlight).toBe(2);
      expect(outcome.written).toBe(9);
      expect(outcome.writeUnits).toBe(9); // no ConsumedCapacity: ceil(size / 1 KB) each
    });
  });

  describe('retries', () => {
    it('retries throttling of BatchGetItem and PutItem with backoff, then succeeds', async () => {
      // Prepare
      const sources = sourcesOf([trade('ACME', 100, 10, '2026-11-21T08:30:01Z')]);
      ddb
        .on(BatchGetItemCommand)
        .rejectsOnce(throttled())
        .resolves({ Responses: { [TABLE]: [] } });
      ddb
        .on(PutItemCommand)
        .rejectsOnce(throttled())
        .rejectsOnce(throttled())
        .resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
      const sleep = vi.fn(async (_ms: number) => {});

      // Act
      const outcome = await writerFor(ohlc, { retry: { sleep, random: () => 0 } }).write(
        fold(ohlc, sources),
        sources,
        SHARD,
        DEADLINE,
      );

      // Assess
      expect(outcome).toMatchObject({ written: 1, failed: 0, conflicts: 0, failedSequence: undefined });
      expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(2);
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(3);
      expect(sleep).toHaveBeenCalledTimes(3);
    });

    it('retries the UnprocessedKeys of BatchGetItem', async () => {
      // Prepare: this backoff ignores `retry.random`/`retry.sleep`; pin Math.random so it waits 0 ms
      vi.spyOn(Math, 'random').mockReturnValue(0);
      const sources = sourcesOf([
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
      ]);
      const acme = storedItem(
        ohlc,
        [trade('ACME', 90, 1, '2026-11-21T08:30:02Z')],
        900,
        { [OTHER_SHARD]: '1' },
        2,
      );
      const init = storedItem(
        ohlc,
        [trade('INIT', 30, 1, '2026-11-21T08:30:02Z')],
        900,
        { [OTHER_SHARD]: '1' },
        7,
      );
      const acmeKey = { pk: { S: 'ohlc#ACME' }, sk: { S: W0830 } };
      ddb
        .on(BatchGetItemCommand)
        .resolvesOnce({
          Responses: { [TABLE]: [init] },
          UnprocessedKeys: { [TABLE]: { Keys: [acmeKey], ConsistentRead: true } },
          ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 0.5 }],
        })
        .resolves({
          Responses: { [TABLE]: [acme] },
          ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 0.5 }],
        });

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      const reads = ddb.commandCalls(BatchGetItemCommand).map((call) => call.args[0].input);
      expect(reads).toHaveLength(2);
      expect(reads[1]?.RequestItems?.[TABLE]?.Keys).toStrictEqual([acmeKey]);
      expect(outcome).toMatchObject({ written: 2, readUnits: 1, failed: 0 });
      expect(putOf('ohlc#ACME').ExpressionAttributeValues).toStrictEqual({ ':version': { N: '2' } });
      expect(putOf('ohlc#INIT').ExpressionAttributeValues).toStrictEqual({ ':version': { N: '7' } });
    });
  });

  describe('conflicts', () => {
    it('re-reads an item another writer changed, merges into it, and writes again', async () => {
      // Prepare: the item did not exist when read, but another shard created it before our PutItem
      const sources = sourcesOf([
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
      ]);
      tableHolding([]);
      ddb
        .on(PutItemCommand)
        .rejectsOnce(conflict())
        .resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });
      ddb.on(GetItemCommand).resolves({
        Item: storedItem(
          ohlc,
          [trade('ACME', 90, 1, '2026-11-21T08:30:00Z')],
          500,
          { [OTHER_SHARD]: sequenceNumber(500) },
          1,
        ),
      });

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({ written: 1, conflicts: 1, failed: 0, failedSequence: undefined });
      expect(ddb.commandCalls(GetItemCommand).map((call) => call.args[0].input)).toStrictEqual([
        {
          TableName: TABLE,
          Key: { pk: { S: 'ohlc#ACME' }, sk: { S: W0830 } },
          ConsistentRead: true,
          ProjectionExpression: '#pk, #sk, #state, #version, #applied, #replayed',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#sk': 'sk',
            '#state': 'state',
            '#version': 'version',
            '#applied': 'applied',
            '#replayed': 'replayed',
          },
        },
      ]);
      const [first, second] = puts();
      expect(first?.ConditionExpression).toBe('attribute_not_exists(#pk)');
      expect(second?.ConditionExpression).toBe('#version = :version');
      expect(second?.ExpressionAttributeValues).toStrictEqual({ ':version': { N: '1' } });
      const item = second?.Item as Record<string, AttributeValue>;
      expect(item.version).toStrictEqual({ N: '2' });
      expect(item.applied).toStrictEqual({
        M: { [OTHER_SHARD]: { S: sequenceNumber(500) }, [SHARD]: { S: sequenceNumber(2) } },
      });
      expect(readWindowResult(ohlc, item)).toMatchObject({
        records: 3,
        metrics: { open: 90, high: 102, low: 90, close: 102, volume: 16, trades: 3 },
      });
    });

    it('stops at already-applied when the re-read item already holds this batch', async () => {
      // Prepare: another invocation for this shard wrote the item between our read and our write
      const payloads = [trade('ACME', 100, 10, '2026-11-21T08:30:01Z')];
      const sources = sourcesOf(payloads);
      tableHolding([]);
      ddb.on(PutItemCommand).rejects(conflict());
      ddb.on(GetItemCommand).resolves({
        Item: storedItem(ohlc, payloads, 1, { [SHARD]: sequenceNumber(1) }, 1),
      });

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({ written: 0, alreadyApplied: 1, conflicts: 1, failed: 0 });
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
    });

    it('gives up on an item that keeps changing after maxConflictRetries', async () => {
      // Prepare
      const sources = sourcesOf([trade('ACME', 100, 10, '2026-11-21T08:30:01Z')]);
      tableHolding([]);
      ddb.on(PutItemCommand).rejects(conflict());
      ddb.on(GetItemCommand).resolves({});

      // Act
      const outcome = await writerFor(ohlc, { maxConflictRetries: 2 }).write(
        fold(ohlc, sources),
        sources,
        SHARD,
        DEADLINE,
      );

      // Assess
      expect(outcome).toMatchObject({
        written: 0,
        failed: 1,
        conflicts: 3,
        failedSequence: sequenceNumber(1),
      });
      expect(outcome.errors).toStrictEqual([
        new StorageError(`Item ohlc#ACME / ${W0830} kept changing under us (3 conflicting writes)`),
      ]);
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(3);
      expect(ddb.commandCalls(GetItemCommand)).toHaveLength(2);
    });
  });

  describe('redelivery', () => {
    it.each([
      ['beyond every member', 10],
      ['exactly at the highest member', 3],
    ])('reports already-applied and writes nothing when applied[shard] is %s', async (_label, applied) => {
      // Prepare
      const payloads = [
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('ACME', 101, 1, '2026-11-21T08:30:02Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
      ];
      const sources = sourcesOf(payloads);
      tableHolding([storedItem(ohlc, payloads, 1, { [SHARD]: sequenceNumber(applied) }, 3)]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toStrictEqual({
        written: 0,
        alreadyApplied: 1,
        failed: 0,
        conflicts: 0,
        writeUnits: 0,
        readUnits: 0.5,
        itemBytes: [],
        failedSequence: undefined,
        tooLarge: [],
        errors: [],
      });
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    });

    it('folds in only the records newer than applied[shard] when a redelivery overlaps', async () => {
      // Prepare: the item holds records 1–3 of this shard; the batch redelivers 1–3 and adds 4–6
      const payloads = [
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('ACME', 104, 1, '2026-11-21T08:30:02Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:10Z'),
        trade('ACME', 97, 2, '2026-11-21T08:30:20Z'),
        trade('ACME', 103, 3, '2026-11-21T08:30:40Z'),
        trade('ACME', 101, 4, '2026-11-21T08:30:50Z'),
      ];
      const sources = sourcesOf(payloads);
      tableHolding([
        storedItem(
          ohlc,
          payloads.slice(0, 3),
          1,
          { [SHARD]: sequenceNumber(3), [OTHER_SHARD]: sequenceNumber(77) },
          2,
        ),
      ]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess: every record counted once (not 9 trades)
      expect(outcome).toMatchObject({ written: 1, alreadyApplied: 0, failed: 0 });
      const item = putOf('ohlc#ACME').Item as Record<string, AttributeValue>;
      expect(readWindowResult(ohlc, item)).toMatchObject({
        records: 6,
        metrics: { open: 100, high: 104, low: 97, close: 101, volume: 25, trades: 6 },
      });
      expect(readWindowResult(ohlc, item).metrics.vwap).toBeCloseTo(2521 / 25, 12);
      expect(item.applied).toStrictEqual({
        M: { [SHARD]: { S: sequenceNumber(6) }, [OTHER_SHARD]: { S: sequenceNumber(77) } },
      });
      expect(item.version).toStrictEqual({ N: '3' });
    });

    it('folds in a batch whose records all follow applied[shard] without re-folding', async () => {
      // Prepare
      const sources = sourcesOf([trade('ACME', 110, 2, '2026-11-21T08:30:59Z')], 4);
      tableHolding([
        storedItem(
          ohlc,
          [trade('ACME', 100, 10, '2026-11-21T08:30:01Z')],
          3,
          { [SHARD]: sequenceNumber(3) },
          1,
        ),
      ]);

      // Act
      await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      const item = putOf('ohlc#ACME').Item as Record<string, AttributeValue>;
      expect(readWindowResult(ohlc, item)).toMatchObject({
        records: 2,
        metrics: { open: 100, high: 110, low: 100, close: 110, volume: 12, trades: 2 },
      });
    });

    it('compares sequence numbers by length before digits (never as JavaScript numbers)', async () => {
      // Prepare: "9" < "10" numerically, but not as strings
      const sources: SourceRecord[] = [
        {
          data: Buffer.from(trade('ACME', 1, 1, '2026-11-21T08:30:01Z')),
          sequenceNumber: '10',
          partitionKey: 'a',
          arrivalMs: ARRIVAL,
        },
      ];
      tableHolding([storedItem(ohlc, [trade('ACME', 1, 1, '2026-11-21T08:30:00Z')], 1, { [SHARD]: '9' }, 1)]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome.written).toBe(1);
    });
  });

  describe('failures', () => {
    it('writes the other items and reports the lowest member of a failed item as failedSequence', async () => {
      // Prepare: ACME holds records 1 and 3, INIT records 2 and 4; INIT's write is refused
      const sources = sourcesOf([
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
        trade('INIT', 21, 1, '2026-11-21T08:30:40Z'),
      ]);
      tableHolding([]);
      const refused = invalid();
      ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
        if (input.Item?.pk?.S === 'ohlc#INIT') throw refused;
        return { ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } };
      });

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({
        written: 1,
        failed: 1,
        failedSequence: sequenceNumber(2),
        errors: [refused],
      });
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(2);
    });

    it('reports the lowest failedSequence among several failed items', async () => {
      // Prepare
      const sources = sourcesOf([
        trade('A', 1, 1, '2026-11-21T08:30:01Z'),
        trade('B', 1, 1, '2026-11-21T08:30:01Z'),
        trade('C', 1, 1, '2026-11-21T08:30:01Z'),
        trade('B', 1, 1, '2026-11-21T08:30:02Z'),
      ]);
      tableHolding([]);
      ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
        if (input.Item?.pk?.S !== 'ohlc#A') throw invalid();
        return {};
      });

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({ written: 1, failed: 2, failedSequence: sequenceNumber(2) });
    });

    it('fails every item with a DeadlineError, sending nothing, when the deadline has passed', async () => {
      // Prepare
      const sources = sourcesOf([
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
      ]);
      tableHolding([]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, NOW - 1);

      // Assess
      expect(outcome).toMatchObject({ written: 0, failed: 2, failedSequence: sequenceNumber(1) });
      expect(outcome.errors).toStrictEqual([
        new DeadlineError('Deadline reached before attempt 1'),
        new DeadlineError('Deadline reached before attempt 1'),
      ]);
      expect(ddb.calls()).toHaveLength(0);
    });

    it('stops retrying a throttled PutItem at the deadline (measured on the injected clock)', async () => {
      // Prepare: the first backoff would be 25 ms (random 1); only 10 ms are left
      const sources = sourcesOf([trade('ACME', 100, 10, '2026-11-21T08:30:01Z')]);
      tableHolding([]);
      ddb.on(PutItemCommand).rejects(throttled());

      // Act
      const outcome = await writerFor(ohlc, { retry: { sleep: async () => {}, random: () => 1 } }).write(
        fold(ohlc, sources),
        sources,
        SHARD,
        NOW + 10,
      );

      // Assess
      expect(outcome).toMatchObject({ written: 0, failed: 1, failedSequence: sequenceNumber(1) });
      expect(outcome.errors[0]).toBeInstanceOf(DeadlineError);
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(1);
    });

    it('fails every item, with the lowest sequence as failedSequence, when BatchGetItem fails', async () => {
      // Prepare
      const sources = sourcesOf(
        [
          trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
          trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
          trade('ACME', 99, 1, '2026-11-21T08:31:00Z'),
        ],
        40,
      );
      const missing = Object.assign(new Error('Requested resource not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
      ddb.on(BatchGetItemCommand).rejects(missing);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toStrictEqual({
        written: 0,
        alreadyApplied: 0,
        failed: 3,
        conflicts: 0,
        writeUnits: 0,
        readUnits: 0,
        itemBytes: [],
        failedSequence: sequenceNumber(40),
        tooLarge: [],
        errors: [missing, missing, missing],
      });
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    });

    it('fails an item whose stored state is unreadable with an ItemStateError, and writes the others', async () => {
      // Prepare
      const sources = sourcesOf([
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
      ]);
      tableHolding([
        {
          pk: { S: 'ohlc#ACME' },
          sk: { S: W0830 },
          state: { B: new Uint8Array([1, 2, 3]) },
          version: { N: '3' },
          applied: { M: {} },
        },
      ]);

      // Act
      const outcome = await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({ written: 1, failed: 1, failedSequence: sequenceNumber(2) });
      expect(outcome.errors).toHaveLength(1);
      expect(outcome.errors[0]).toBeInstanceOf(ItemStateError);
      expect(outcome.errors[0]?.message).toMatch(
        /^Item ohlc#ACME \/ 2026-11-21T08:30:00.000Z has unreadable state: /,
      );
      expect(puts().map((put) => put.Item?.pk?.S)).toStrictEqual(['ohlc#INIT']);
    });
  });

  describe('item size', () => {
    const blobs = definePipeline({
      name: 'blobs',
      stream: 'blobs',
      decode: json(),
      groupBy: ['k'],
      eventTime: 'time',
      window: tumbling('1m', { allowedLateness: '5m' }),
      metrics: { n: count(), top: topK('v', 5, { capacity: 40 }) },
      retention: '1d',
    });
    const blob = (k: string, i: number, size: number): string =>
      JSON.stringify({ k, v: `${i}:${'x'.repeat(size)}`, time: '2026-11-21T08:30:00Z' });

    it('sets aside the records of an item that would exceed 400 KB, and writes the others', async () => {
      // Prepare: 36 distinct 12 KB values in one group (a top-k state of ~430 KB), one small record in another
      const payloads = [
        ...Array.from({ length: 36 }, (_, i) => blob('big', i, 12_000)),
        blob('small', 0, 10),
      ];
      const sources = sourcesOf(payloads);
      tableHolding([]);

      // Act
      const outcome = await writerFor(blobs).write(fold(blobs, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({ written: 1, failed: 0, failedSequence: undefined, errors: [] });
      expect(outcome.tooLarge).toStrictEqual(
        Array.from({ length: 36 }, (_, i) => ({
          sourceIndex: i,
          windowStartMs: Date.parse('2026-11-21T08:30:00Z'),
        })),
      );
      expect(puts().map((put) => put.Item?.pk?.S)).toStrictEqual(['blobs#small']);
      expect(Math.max(...outcome.itemBytes)).toBeLessThan(MAX_ITEM_BYTES);
    });

    it('reports an item that only grows too large after merging with the stored state', async () => {
      // Prepare: the stored item holds 20 values; this batch adds 16 more
      const sources = sourcesOf(
        Array.from({ length: 16 }, (_, i) => blob('big', 100 + i, 12_000)),
        21,
      );
      tableHolding([
        storedItem(
          blobs,
          Array.from({ length: 20 }, (_, i) => blob('big', i, 12_000)),
          1,
          { [SHARD]: sequenceNumber(20) },
          1,
        ),
      ]);

      // Act
      const outcome = await writerFor(blobs).write(fold(blobs, sources), sources, SHARD, DEADLINE);

      // Assess
      expect(outcome).toMatchObject({ written: 0, failed: 0, failedSequence: undefined });
      expect(outcome.tooLarge).toStrictEqual(
        Array.from({ length: 16 }, (_, i) => ({
          sourceIndex: i,
          windowStartMs: Date.parse('2026-11-21T08:30:00Z'),
        })),
      );
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    });

    it('sets aside only the records the item does not hold yet when a redelivery overlaps it', async () => {
      // Prepare: the item holds records 1–20; the batch redelivers 1–20 and adds 21–36, which make it too large
      const sources = sourcesOf(Array.from({ length: 36 }, (_, i) => blob('big', i, 12_000)));
      tableHolding([
        storedItem(
          blobs,
          Array.from({ length: 20 }, (_, i) => blob('big', i, 12_000)),
          1,
          { [SHARD]: sequenceNumber(20) },
          1,
        ),
      ]);

      // Act
      const outcome = await writerFor(blobs).write(fold(blobs, sources), sources, SHARD, DEADLINE);

      // Assess: records 1–20 are already counted in the item and must not be dead-lettered again
      expect(outcome.tooLarge.map((t) => t.sourceIndex)).toStrictEqual(
        Array.from({ length: 16 }, (_, i) => 20 + i),
      );
      expect(ddb.commandCalls(PutItemCommand)).toHaveLength(0);
    });
  });

  it('leaves the stored aggregate readable for the next batch (round trip through PutItem)', async () => {
    // Prepare
    const sources = sourcesOf([trade('ACME', 100, 10, '2026-11-21T08:30:01Z')]);
    tableHolding([]);

    // Act
    await writerFor(ohlc).write(fold(ohlc, sources), sources, SHARD, DEADLINE);

    // Assess
    const stored = readStoredAggregate(ohlc, putOf('ohlc#ACME').Item as Record<string, AttributeValue>);
    expect(stored.version).toBe(1);
    expect(stored.applied).toStrictEqual({ [SHARD]: sequenceNumber(1) });
    expect(stored.aggregate.records).toBe(1);
    expect(([...fold(ohlc, sources).aggregates.values()][0] as WindowAggregate).records).toBe(1);
  });
});
