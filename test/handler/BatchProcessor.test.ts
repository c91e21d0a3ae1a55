import {
  type AttributeValue,
  BatchGetItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { json } from '../../shared/decode/index.ts';
import { definePipeline, type PipelineDefinition } from '../../shared/definition/index.ts';
import { ohlc } from '../../shared/examples/index.ts';
import {
  BatchProcessor,
  type BatchProcessorOptions,
  type HandlerTelemetry,
  toSourceRecord,
} from '../../shared/handler/index.ts';
import { count, topK } from '../../shared/metrics/index.ts';
import { tumbling } from '../../shared/window/index.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';

const RESULTS = 'results';
const DEAD_LETTERS = 'dead-letters';
const SHARD = 'shardId-000000000003';
const NOW = Date.parse('2026-11-21T08:35:00Z');
const ARRIVAL = Date.parse('2026-11-21T08:34:00Z');
const context = { getRemainingTimeInMillis: () => 60_000 };

const ddb = mockClient(DynamoDBClient);
const client = new DynamoDBClient({ region: 'eu-west-1' });

const trade = (symbol: string, price: number, qty: number, time: string): string =>
  JSON.stringify({ symbol, price, qty, time });

/** An event of one shard with sequence numbers 1, 2, 3, … */
const eventOf = (payloads: readonly (string | Uint8Array)[], shardId = SHARD): KinesisStreamEvent =>
  kinesisEvent(
    payloads.map((data, i) => ({ data, sequenceNumber: sequenceNumber(i + 1), arrivalMs: ARRIVAL })),
    shardId,
  );

const fakeTelemetry = () => {
  const log = vi.fn<HandlerTelemetry['log']>();
  const publish = vi.fn<HandlerTelemetry['publish']>();
  return { log, publish, telemetry: { log, publish } satisfies HandlerTelemetry };
};

const processorFor = (definition: PipelineDefinition, options: Partial<BatchProcessorOptions> = {}) =>
  new BatchProcessor({
    definition,
    client,
    resultsTable: RESULTS,
    deadLetterTable: DEAD_LETTERS,
    now: () => NOW,
    retry: { sleep: async () => {}, random: () => 0 },
    ...options,
  });

/** The dead letters written: one conditional PutItem each (never replacing a replayed one). */
const deadLetterItems = (): Record<string, AttributeValue>[] =>
  ddb
    .commandCalls(PutItemCommand)
    .filter((call) => call.args[0].input.TableName === DEAD_LETTERS)
    .map((call) => call.args[0].input.Item as Record<string, AttributeValue>);

/** PutItem calls that write results items (not the shard's ceiling item, ADR 0002, nor dead letters). */
const resultPuts = () =>
  ddb
    .commandCalls(PutItemCommand)
    .filter(
      (call) =>
        call.args[0].input.Item?.ceiling === undefined && call.args[0].input.TableName !== DEAD_LETTERS,
    );

/** Makes every dead-letter write fail with `error`. */
const failLetters = (error: Error): void => {
  ddb.on(PutItemCommand, { TableName: DEAD_LETTERS }).rejects(error);
};

const refuseItemsOf = (pk: string): void => {
  ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
    if (input.Item?.pk?.S === pk) {
      throw Object.assign(new Error('One or more parameter values were invalid'), {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    return {};
  });
};

const GOOD = [
  trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
  trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
  trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
];

describe('Class: BatchProcessor', () => {
  beforeEach(() => {
    ddb.reset();
    ddb.on(BatchGetItemCommand).resolves({ Responses: { [RESULTS]: [] } });
    ddb.on(PutItemCommand).resolves({});
  });

  it('answers no failures when every record lands', async () => {
    // Act
    const response = await processorFor(ohlc).handle(eventOf(GOOD), context);

    // Assess
    expect(response).toStrictEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(1);
    expect(resultPuts().map((call) => call.args[0].input.Item?.applied)).toStrictEqual([
      { M: { [SHARD]: { S: sequenceNumber(3) } } },
      { M: { [SHARD]: { S: sequenceNumber(2) } } },
    ]);
    expect(deadLetterItems()).toHaveLength(0);
  });

  it('writes bad records as dead letters with their reason, origin and payload, and goes on', async () => {
    // Prepare
    const notUtf8 = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    const event = eventOf([GOOD[0] as string, 'not json', trade('ACME', 1, 1, 'yesterday'), notUtf8]);

    // Act
    const response = await processorFor(ohlc).handle(event, context);

    // Assess
    expect(response).toStrictEqual({ batchItemFailures: [] });
    expect(resultPuts()).toHaveLength(1);
    const letters = deadLetterItems();
    expect(
      letters.map((item) => ({
        kind: item.kind?.S,
        reason: item.reason?.S,
        pipeline: item.pipeline?.S,
        shardId: item.shardId?.S,
        sequenceNumber: item.sequenceNumber?.S,
        payload: Buffer.from(item.payload?.B as Uint8Array).toString('latin1'),
      })),
    ).toStrictEqual([
      {
        kind: 'rejected',
        reason: 'invalid-json',
        pipeline: 'ohlc',
        shardId: SHARD,
        sequenceNumber: sequenceNumber(2),
        payload: 'not json',
      },
      {
        kind: 'rejected',
        reason: 'invalid-timestamp',
        pipeline: 'ohlc',
        shardId: SHARD,
        sequenceNumber: sequenceNumber(3),
        payload: trade('ACME', 1, 1, 'yesterday'),
      },
      {
        kind: 'rejected',
        reason: 'invalid-utf8',
        pipeline: 'ohlc',
        shardId: SHARD,
        sequenceNumber: sequenceNumber(4),
        payload: Buffer.from(notUtf8).toString('latin1'),
      },
    ]);
    expect(letters[0]?.pk).toStrictEqual({ S: 'ohlc#2026-11-21' });
    expect(letters[1]?.message?.S).toBe('Event time field "time" is not a valid iso timestamp ("yesterday")');
  });

  it('writes a late record as a dead letter of kind late with the windows it missed', async () => {
    // Prepare: window 08:20–08:21 closed at 08:26 (5 min allowed lateness); the record arrived 08:34
    const event = eventOf([GOOD[0] as string, trade('ACME', 90, 1, '2026-11-21T08:20:30Z')]);

    // Act
    const report = await processorFor(ohlc).process(event, context);

    // Assess
    expect(report.late).toBe(1);
    const [late] = deadLetterItems();
    expect(late).toMatchObject({
      kind: { S: 'late' },
      reason: { S: 'late' },
      sequenceNumber: { S: sequenceNumber(2) },
      windows: { L: [{ S: '2026-11-21T08:20:00.000Z' }] },
      message: {
        S: 'Arrived 2026-11-21T08:34:00.000Z, after the end plus allowed lateness of every window it belongs to',
      },
    });
  });

  it('reports the lowest sequence of a failed item write as the batch item failure', async () => {
    // Prepare: INIT (records 2 and 4) cannot be written; ACME (1 and 3) can
    refuseItemsOf('ohlc#INIT');
    const event = eventOf([...GOOD, trade('INIT', 21, 1, '2026-11-21T08:30:40Z')]);

    // Act
    const response = await processorFor(ohlc).handle(event, context);

    // Assess
    expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(2) }] });
  });

  it.each([
    ['the dead letter is lower', 'not json', 3, 2],
    ['the failed item is lower', trade('INIT', 20, 1, '2026-11-21T08:30:10Z'), 2, 2],
  ])(
    'reports the lower of a failed dead letter and a failed item when %s',
    async (_label, second, failedItemSequence, expected) => {
      // Prepare: record 2 is either a bad record (dead letter) or INIT's; record 3 is INIT's or a bad one
      refuseItemsOf('ohlc#INIT');
      failLetters(
        Object.assign(new Error('Requested resource not found'), {
          name: 'ResourceNotFoundException',
          $metadata: { httpStatusCode: 400 },
        }),
      );
      const third =
        failedItemSequence === 3 ? trade('INIT', 20, 1, '2026-11-21T08:30:10Z') : 'not json either';
      const event = eventOf([GOOD[0] as string, second, third]);

      // Act
      const response = await processorFor(ohlc).handle(event, context);

      // Assess
      expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(expected) }] });
    },
  );

  it('writes no dead letter for records from the failure point on: they are delivered again', async () => {
    // Prepare: INIT's item (record 2) fails; record 1 and 3 are bad
    refuseItemsOf('ohlc#INIT');
    const event = eventOf(['not json', trade('INIT', 20, 1, '2026-11-21T08:30:10Z'), 'not json either']);

    // Act
    const response = await processorFor(ohlc).handle(event, context);

    // Assess: a letter for record 3 could be replayed while Lambda (or redrive) folds record 3 again
    expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(2) }] });
    expect(deadLetterItems().map((item) => item.sequenceNumber?.S)).toStrictEqual([sequenceNumber(1)]);
  });

  it('reports a failed dead letter alone when every result lands', async () => {
    // Prepare
    failLetters(
      Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
    );
    const event = eventOf([...GOOD, 'not json']);

    // Act
    const report = await processorFor(ohlc).process(event, context);

    // Assess
    expect(report.failedSequence).toBe(sequenceNumber(4));
    expect(report.itemsWritten).toBe(2);
  });

  it('refuses a batch that mixes shards with a clear error', async () => {
    // Prepare
    const event: KinesisStreamEvent = {
      Records: [
        ...eventOf([GOOD[0] as string], 'shardId-000000000000').Records,
        ...eventOf([GOOD[1] as string], 'shardId-000000000001').Records,
      ],
    };

    // Act
    const run = processorFor(ohlc).handle(event, context);

    // Assess
    await expect(run).rejects.toThrow(
      'A Kinesis batch must come from one shard; this one mixes shardId-000000000000, shardId-000000000001',
    );
    expect(ddb.calls()).toHaveLength(0);
  });

  it('makes no call for an empty event', async () => {
    // Prepare
    const { telemetry, publish } = fakeTelemetry();

    // Act
    const response = await processorFor(ohlc, { telemetry }).handle({ Records: [] }, context);

    // Assess
    expect(response).toStrictEqual({ batchItemFailures: [] });
    expect(ddb.calls()).toHaveLength(0);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls[0]?.[0]).toMatchObject({ recordsIn: 0, kinesisRecords: 0, shardId: 'none' });
  });

  it('reports counts that conserve records (in = folded + filtered + rejected + late) and publishes them', async () => {
    // Prepare: a pipeline that filters test trades
    const filtered = definePipeline({
      name: 'ohlc-live',
      stream: 'trades',
      decode: json(),
      filter: (r) => r.symbol !== 'TEST',
      groupBy: ['symbol'],
      eventTime: 'time',
      window: tumbling('1m', { allowedLateness: '5m' }),
      metrics: { trades: count() },
      retention: '1d',
    });
    const { telemetry, publish } = fakeTelemetry();
    const event = eventOf([
      ...GOOD,
      trade('TEST', 1, 1, '2026-11-21T08:30:00Z'),
      'not json',
      trade('ACME', 1, 1, '2026-11-21T08:10:00Z'),
      '{"symbol":"ACME"}',
    ]);

    // Act
    const report = await processorFor(filtered, { telemetry }).process(event, context);

    // Assess
    expect(report).toStrictEqual({
      pipeline: 'ohlc-live',
      shardId: SHARD,
      mode: 'per-batch',
      kinesisRecords: 7,
      duplicates: 0,
      firstSequence: sequenceNumber(1),
      lastSequence: sequenceNumber(7),
      recordsIn: 7,
      folded: 3,
      filtered: 1,
      rejected: 2,
      late: 1,
      tooLarge: 0,
      rejectionsByReason: { 'invalid-json': 1, 'missing-field': 1 },
      itemsWritten: 2,
      itemsAlreadyApplied: 0,
      itemsFailed: 0,
      conditionalConflicts: 0,
      deadLettersWritten: 3,
      writeUnits: 3, // two items and the shard's ceiling (ADR 0002)
      readUnits: 0,
      maxItemBytes: expect.any(Number),
      durationMs: 0,
      failedSequence: undefined,
      flushed: false,
      bufferedItems: 0,
      stateBytes: 0,
      state: undefined,
    });
    expect(report.recordsIn).toBe(report.folded + report.filtered + report.rejected + report.late);
    expect(publish).toHaveBeenCalledTimes(1);
    expect(publish.mock.calls[0]?.[0]).toStrictEqual(report);
  });

  it('sets aside records whose item would exceed 400 KB as item-too-large dead letters', async () => {
    // Prepare
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
    const payloads = Array.from({ length: 36 }, (_, i) =>
      JSON.stringify({ k: 'big', v: `${i}:${'x'.repeat(12_000)}`, time: '2026-11-21T08:30:00Z' }),
    );

    // Act
    const report = await processorFor(blobs).process(eventOf(payloads), context);

    // Assess
    expect(report).toMatchObject({ folded: 36, tooLarge: 36, itemsWritten: 0, failedSequence: undefined });
    const letters = deadLetterItems();
    expect(letters).toHaveLength(36);
    expect(new Set(letters.map((item) => item.reason?.S))).toStrictEqual(new Set(['item-too-large']));
    expect(resultPuts()).toHaveLength(0);
  });

  it('logs counts and errors, never the record payloads', async () => {
    // Prepare: rejections, a late record, a failed item and failed dead letters
    const payloads = [
      trade('ACME', 123.4567, 10, '2026-11-21T08:30:01Z'),
      '{"password":"hunter2", not json',
      trade('INIT', 98.7654, 1, '2026-11-21T08:30:10Z'),
      trade('ACME', 55.5555, 1, '2026-11-21T08:10:00Z'),
    ];
    refuseItemsOf('ohlc#INIT');
    failLetters(Object.assign(new Error('Throughput exceeded'), { name: 'Oops' }));
    const { telemetry, log } = fakeTelemetry();

    // Act
    await processorFor(ohlc, { telemetry }).process(eventOf(payloads), context);

    // Assess
    expect(log.mock.calls.map(([level, message]) => [level, message])).toStrictEqual([
      ['error', 'Write failed; Lambda will redeliver from the failure point'],
      ['error', 'Write failed; Lambda will redeliver from the failure point'],
      ['warn', 'Batch processed'],
    ]);
    const logged = JSON.stringify(log.mock.calls);
    for (const secret of [...payloads, 'hunter2', '123.4567', '98.7654', '55.5555']) {
      expect(logged).not.toContain(secret);
    }
    expect(log.mock.calls[0]?.[2]).toStrictEqual({
      error: 'One or more parameter values were invalid',
      errorName: 'ValidationException',
      failedSequence: sequenceNumber(2),
    });
  });

  it('logs set-aside records with their payload at debug level only when logPayloads is on', async () => {
    // Prepare
    const { telemetry, log } = fakeTelemetry();

    // Act
    await processorFor(ohlc, { telemetry, logPayloads: true }).process(
      eventOf([trade('ACME', 1, 1, '2026-11-21T08:30:01Z'), '{"password":"hunter2", not json']),
      context,
    );

    // Assess
    const debug = log.mock.calls.filter(([level]) => level === 'debug');
    expect(debug).toHaveLength(1);
    expect(debug[0]?.[1]).toBe('Record set aside');
    expect(debug[0]?.[2]).toMatchObject({
      reason: 'invalid-json',
      payload: '{"password":"hunter2", not json',
    });
  });
});

describe('Function: toSourceRecord', () => {
  it('decodes the base64 data and turns the arrival time into milliseconds', () => {
    // Prepare
    const [record] = kinesisEvent([
      {
        data: 'héllo',
        sequenceNumber: sequenceNumber(1),
        arrivalMs: Date.parse('2026-11-21T08:34:00.123Z'),
        partitionKey: 'user-7',
      },
    ]).Records;

    // Act
    const source = toSourceRecord(record as KinesisStreamEvent['Records'][number]);

    // Assess
    expect(source).toStrictEqual({
      data: Buffer.from('héllo', 'utf8'),
      sequenceNumber: sequenceNumber(1),
      partitionKey: 'user-7',
      arrivalMs: Date.parse('2026-11-21T08:34:00.123Z'),
    });
  });
});

describe('Function: kinesisEvent', () => {
  it('builds a real-shaped Kinesis event record', () => {
    // Act
    const event = kinesisEvent(
      [
        {
          data: new Uint8Array([1, 2, 3]),
          sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
          arrivalMs: 1_700_000_000_500,
        },
      ],
      'shardId-000000000007',
    );

    // Assess
    expect(event).toStrictEqual({
      Records: [
        {
          awsRegion: 'eu-west-1',
          eventID: 'shardId-000000000007:49590338271490256608559692538361571095921575989136588898',
          eventName: 'aws:kinesis:record',
          eventSource: 'aws:kinesis',
          eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/access-logs',
          eventVersion: '1.0',
          invokeIdentityArn: 'arn:aws:iam::123456789012:role/streamfold-aggregate',
          kinesis: {
            approximateArrivalTimestamp: 1_700_000_000.5,
            data: 'AQID',
            kinesisSchemaVersion: '1.0',
            partitionKey: 'pk-0',
            sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
          },
        },
      ],
    });
  });
});
