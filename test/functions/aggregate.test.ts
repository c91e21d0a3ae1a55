import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, readConfig } from '../../functions/commons/config.ts';
import { EXAMPLE_PIPELINES, ohlc } from '../../shared/examples/index.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';

const EXAMPLES = [...EXAMPLE_PIPELINES.values()];

const ddb = mockClient(DynamoDBClient);

const ENV = {
  PIPELINE_NAME: 'ohlc',
  RESULTS_TABLE: 'streamfold-ohlc-results',
  DEAD_LETTER_TABLE: 'streamfold-ohlc-dead-letters',
};

const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'streamfold-ohlc-aggregate',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:streamfold-ohlc-aggregate',
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/streamfold-ohlc-aggregate',
  logStreamName: '2026/11/21/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

describe('Function: readConfig', () => {
  it('reads the pipeline, tables and defaults', () => {
    // Act
    const config = readConfig({ ...ENV }, EXAMPLES);

    // Assess
    expect(config).toStrictEqual({
      definition: ohlc,
      resultsTable: 'streamfold-ohlc-results',
      deadLetterTable: 'streamfold-ohlc-dead-letters',
      safetyMarginMs: 3000,
      concurrency: 16,
      dynamoDbEndpoint: undefined,
      logPayloads: false,
    });
  });

  it('reads the optional settings', () => {
    // Act
    const config = readConfig(
      {
        ...ENV,
        SAFETY_MARGIN_MS: '500',
        WRITE_CONCURRENCY: '4',
        DYNAMODB_ENDPOINT: 'http://localhost:8000',
      },
      EXAMPLES,
    );

    // Assess
    expect(config).toMatchObject({
      safetyMarginMs: 500,
      concurrency: 4,
      dynamoDbEndpoint: 'http://localhost:8000',
    });
  });

  it.each([
    ['WRITE_CONCURRENCY "0" is raised to 1', { WRITE_CONCURRENCY: '0' }, { concurrency: 1 }],
    ['an empty DYNAMODB_ENDPOINT means AWS', { DYNAMODB_ENDPOINT: '' }, { dynamoDbEndpoint: undefined }],
    ['an empty SAFETY_MARGIN_MS means the default', { SAFETY_MARGIN_MS: '' }, { safetyMarginMs: 3000 }],
  ])('%s', (_label, extra, expected) => {
    // Act
    const config = readConfig({ ...ENV, ...extra }, EXAMPLES);

    // Assess
    expect(config).toMatchObject(expected);
  });

  it.each([
    [
      'PIPELINE_NAME is missing',
      { PIPELINE_NAME: undefined },
      'Environment variable PIPELINE_NAME is not set',
    ],
    ['PIPELINE_NAME is empty', { PIPELINE_NAME: '' }, 'Environment variable PIPELINE_NAME is not set'],
    [
      'PIPELINE_NAME names no pipeline',
      { PIPELINE_NAME: 'ohcl' },
      'PIPELINE_NAME "ohcl" names no pipeline of the bundled config (known: requests-by-ip, category-averages, ohlc, sensor-stats)',
    ],
    [
      'RESULTS_TABLE is missing',
      { RESULTS_TABLE: undefined },
      'Environment variable RESULTS_TABLE is not set',
    ],
    [
      'DEAD_LETTER_TABLE is missing',
      { DEAD_LETTER_TABLE: undefined },
      'Environment variable DEAD_LETTER_TABLE is not set',
    ],
    [
      'SAFETY_MARGIN_MS is not a number',
      { SAFETY_MARGIN_MS: 'abc' },
      'Environment variable SAFETY_MARGIN_MS must be a non-negative integer (given "abc")',
    ],
    [
      'SAFETY_MARGIN_MS is negative',
      { SAFETY_MARGIN_MS: '-1' },
      'Environment variable SAFETY_MARGIN_MS must be a non-negative integer (given "-1")',
    ],
    [
      'WRITE_CONCURRENCY is fractional',
      { WRITE_CONCURRENCY: '1.5' },
      'Environment variable WRITE_CONCURRENCY must be a non-negative integer (given "1.5")',
    ],
  ])('throws a ConfigurationError when %s', (_label, change, message) => {
    // Prepare
    const env: NodeJS.ProcessEnv = { ...ENV, ...change };

    // Act
    const read = () => readConfig(env, EXAMPLES);

    // Assess
    expect(read).toThrow(new ConfigurationError(message));
    expect(read).toThrow(ConfigurationError);
  });
});

describe('Function: handler', () => {
  let stdout: string[];

  /** A fresh copy of the handler module, so its processor is built from this test's environment. */
  const loadHandler = async () => {
    vi.resetModules();
    const module = await import('../../functions/aggregate.ts');
    return (event: KinesisStreamEvent) =>
      module.handler(event, lambdaContext()) as Promise<KinesisStreamBatchResponse>;
  };

  const emfBlobs = (): Record<string, unknown>[] =>
    stdout
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  /** Trades that are on time now: event time 1 s before arrival. */
  const tradesEvent = (symbols: readonly string[]): KinesisStreamEvent => {
    const arrivalMs = Date.now();
    const time = new Date(arrivalMs - 1000).toISOString();
    return kinesisEvent(
      symbols.map((symbol, i) => ({
        data: JSON.stringify({ symbol, price: 100 + i, qty: 1, time, note: 'payload-marker-7f3a' }),
        sequenceNumber: sequenceNumber(i + 1),
        arrivalMs,
      })),
    );
  };

  beforeEach(() => {
    for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
    vi.stubEnv('POWERTOOLS_DEV', undefined);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', undefined);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    ddb.reset();
    ddb.on(BatchGetItemCommand).resolves({ Responses: { [ENV.RESULTS_TABLE]: [] } });
    ddb.on(PutItemCommand).resolves({});
    ddb.on(BatchWriteItemCommand).resolves({});
    stdout = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('processes a batch with the pipeline named in the environment', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    const response = await handler(tradesEvent(['ACME', 'INIT', 'ACME']));

    // Assess
    expect(response).toStrictEqual({ batchItemFailures: [] });
    const tables = ddb
      .commandCalls(PutItemCommand)
      .map((call) => [call.args[0].input.TableName, call.args[0].input.Item?.pk?.S]);
    expect(tables).toStrictEqual([
      ['streamfold-ohlc-results', 'ohlc'], // the shard's ceiling, raised before any item write (ADR 0002)
      ['streamfold-ohlc-results', 'ohlc#ACME'],
      ['streamfold-ohlc-results', 'ohlc#INIT'],
    ]);
  });

  it('returns the lowest failed sequence as the batch item failure', async () => {
    // Prepare
    ddb.on(PutItemCommand).callsFake(async (input: PutItemCommandInput) => {
      if (input.Item?.pk?.S === 'ohlc#INIT') {
        throw Object.assign(new Error('One or more parameter values were invalid'), {
          name: 'ValidationException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return {};
    });
    const handler = await loadHandler();

    // Act
    const response = await handler(tradesEvent(['ACME', 'INIT', 'ACME', 'INIT']));

    // Assess
    expect(response).toStrictEqual({ batchItemFailures: [{ itemIdentifier: sequenceNumber(2) }] });
  });

  it('publishes the batch counts as EMF in namespace streamfold, dimensioned by pipeline', async () => {
    // Prepare
    const handler = await loadHandler();
    const event = tradesEvent(['ACME', 'INIT']);
    event.Records.push(
      ...kinesisEvent([{ data: 'not json', sequenceNumber: sequenceNumber(3), arrivalMs: Date.now() }])
        .Records,
    );

    // Act
    await handler(event);

    // Assess
    const [emf, ...more] = emfBlobs();
    expect(more).toStrictEqual([]);
    expect(emf).toMatchObject({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'streamfold',
            Dimensions: [expect.arrayContaining(['pipeline'])],
            Metrics: expect.arrayContaining([
              { Name: 'RecordsIn', Unit: 'Count' },
              { Name: 'RecordsFolded', Unit: 'Count' },
              { Name: 'RecordsRejected', Unit: 'Count' },
              { Name: 'ItemsWritten', Unit: 'Count' },
              { Name: 'MaxItemBytes', Unit: 'Bytes' },
              { Name: 'BatchDuration', Unit: 'Milliseconds' },
            ]),
          },
        ],
      },
      pipeline: 'ohlc',
      RecordsIn: 3,
      RecordsFolded: 2,
      RecordsRejected: 1,
      RecordsLate: 0,
      ItemsWritten: 2,
      DeadLettersWritten: 1,
    });
  });

  it('keeps the pipeline dimension on every invocation of a warm container', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    await handler(tradesEvent(['ACME']));
    await handler(tradesEvent(['INIT']));

    // Assess
    const blobs = emfBlobs();
    expect(blobs).toHaveLength(2);
    expect(blobs.map((blob) => blob.pipeline)).toStrictEqual(['ohlc', 'ohlc']);
  });

  it('logs as structured JSON without the record payloads', async () => {
    // Prepare
    const handler = await loadHandler();

    // Act
    await handler(tradesEvent(['ACME']));

    // Assess
    const logs = stdout.join('');
    expect(logs).toContain('"message":"Batch processed"');
    expect(logs).not.toContain('payload-marker-7f3a');
  });

  it('fails the invocation with the configuration error when the environment is incomplete', async () => {
    // Prepare
    vi.stubEnv('RESULTS_TABLE', '');
    const handler = await loadHandler();

    // Act
    const run = handler(tradesEvent(['ACME']));

    // Assess
    await expect(run).rejects.toThrow(
      new ConfigurationError('Environment variable RESULTS_TABLE is not set'),
    );
    expect(ddb.calls()).toHaveLength(0);
  });
});
