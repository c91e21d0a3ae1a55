import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventSourceMapping,
  type EventSourceMappingEvent,
  type FunctionLogLine,
  memoryDestination,
  workerInvoker,
} from '../../local/esm/index.ts';
import {
  dynamoDbClient,
  type KinesisLocalService,
  kinesisClient,
  type LocalService,
  startDynalite,
  startKinesisLocal,
} from '../../local/services/index.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { ohlc } from '../../shared/examples/index.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';
import { scanAll, scanResults } from '../helpers/scanAll.ts';
import { createStream, FAST_POLLING, putTexts } from './streamHelpers.ts';

const VALID = 480;
const MALFORMED = 20;
const SYMBOLS = ['ACME', 'INIT', 'BOLT', 'CRUX'];

describe('EventSourceMapping end to end: kinesis-local → functions/aggregate.ts → dynalite', () => {
  let kinesis: KinesisLocalService;
  let dynamo: LocalService;
  let kinesisApi: KinesisClient;
  let dynamoApi: DynamoDBClient;

  beforeAll(async () => {
    [kinesis, dynamo] = await Promise.all([startKinesisLocal(), startDynalite()]);
    kinesisApi = kinesisClient(kinesis.endpoint);
    dynamoApi = dynamoDbClient(dynamo.endpoint);
  });

  afterAll(async () => {
    kinesisApi?.destroy();
    dynamoApi?.destroy();
    await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  });

  it('folds every valid trade of a 2-shard stream exactly once and dead-letters the malformed ones', async () => {
    // Prepare
    const names = pipelineResourceNames(ohlc);
    await dynamoApi.send(
      new CreateTableCommand(createTableInput(names.resultsTable, resultsTableSchema(ohlc))),
    );
    await dynamoApi.send(
      new CreateTableCommand(createTableInput(names.deadLetterTable, deadLetterTableSchema())),
    );
    await createStream(kinesisApi, names.stream, 2);
    const time = new Date(Date.now() - 1_000).toISOString();
    const trades = Array.from({ length: VALID }, (_, i) =>
      JSON.stringify({ symbol: SYMBOLS[i % SYMBOLS.length], price: 100 + (i % 7), qty: 1 + (i % 3), time }),
    );
    const malformed = Array.from({ length: MALFORMED }, (_, i) => `{"symbol": "ACME", "price": ${i}`);
    const texts = [...trades, ...malformed];
    const placed = await putTexts(kinesisApi, names.stream, texts, (_, i) => `trade-${i}`);
    const errors: FunctionLogLine[] = [];
    const functions = workerInvoker({
      env: {
        PIPELINE_NAME: ohlc.name,
        RESULTS_TABLE: names.resultsTable,
        DEAD_LETTER_TABLE: names.deadLetterTable,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        POWERTOOLS_LOG_LEVEL: 'WARN',
      },
      onLog: (line) => {
        if (line.line.includes('"level":"ERROR"')) errors.push(line);
      },
    });
    const events: EventSourceMappingEvent[] = [];
    const destination = memoryDestination();
    const esm = new EventSourceMapping({
      ...FAST_POLLING,
      client: kinesisApi,
      streamName: names.stream,
      invoker: functions.invoke,
      batchSize: 100,
      onFailureDestination: destination,
      onEvent: (event) => events.push(event),
    });

    // Act
    await esm.start();
    await esm.drain({ timeoutMs: 50_000 });
    await esm.stop();
    await functions.close();

    // Assess
    expect(new Set(placed.map((p) => p.shardId)).size).toBe(2);
    const results = await scanResults(dynamoApi, names.resultsTable);
    const total = (attribute: string): number =>
      results.reduce((sum, item) => sum + Number(item[attribute]?.N ?? 0), 0);
    expect(total('trades')).toBe(VALID);
    expect(total('records')).toBe(VALID);
    expect(total('volume')).toBe(
      trades.reduce((sum, text) => sum + (JSON.parse(text) as { qty: number }).qty, 0),
    );
    expect(new Set(results.map((item) => item.pk?.S))).toStrictEqual(
      new Set(SYMBOLS.map((s) => `ohlc#${s}`)),
    );
    expect(await scanAll(dynamoApi, names.deadLetterTable)).toHaveLength(MALFORMED);
    const stats = esm.stats();
    expect(stats.map((s) => s.recordsRead).reduce((a, b) => a + b, 0)).toBe(VALID + MALFORMED);
    expect(stats.every((s) => s.failures === 0 && s.recordsPending === 0)).toBe(true);
    const invocations = events.filter((event) => event.type === 'invocation');
    expect(invocations.every((event) => event.result.kind === 'ok')).toBe(true);
    expect(invocations.map((event) => event.result)).toContainEqual({
      kind: 'ok',
      response: { batchItemFailures: [] },
    });
    expect(destination.records).toStrictEqual([]);
    expect(errors).toStrictEqual([]);
  });
});
