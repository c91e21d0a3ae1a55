import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record, KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRedrive } from '../../cli/commands/redrive.ts';
import { streamArn } from '../../local/esm/kinesisStreamEvent.ts';
import { compareWithReference } from '../../local/faults/compareWithReference.ts';
import { readStreamRecords } from '../../local/faults/readStreamRecords.ts';
import { createResources } from '../../local/runtime/createResources.ts';
import { dynamoDbClient, kinesisClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';
import type { LocalService } from '../../local/services/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { toKinesisStreamRecord } from '../../shared/handler/toKinesisStreamRecord.ts';
import { readShardRange } from '../../shared/stream/readShardRange.ts';
import { FaultyClient } from '../helpers/faultyClient.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';
import { produceSensors } from './produceSensors.ts';

/**
 * Redrive of the on-failure queue on local Kinesis and DynamoDB: batches delivered to the pipeline's
 * BatchProcessor as the event source mapping would, some given up on (an on-failure record written to
 * the local runtime's file, as the mapping writes it); redrive re-reads and re-delivers those ranges.
 */

const names = pipelineResourceNames(sensorStats);
const SHARD = 'shardId-000000000000';
const arn = streamArn('us-east-1', names.stream);

/** The on-failure record the local mapping (and Lambda) writes for a batch given up on. */
const notice = (records: readonly _Record[]): string =>
  JSON.stringify({
    requestContext: {
      requestId: 'test',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:streamfold-sensor-stats',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    KinesisBatchInfo: {
      shardId: SHARD,
      startSequenceNumber: records[0]?.SequenceNumber,
      endSequenceNumber: records[records.length - 1]?.SequenceNumber,
      approximateArrivalOfFirstRecord: records[0]?.ApproximateArrivalTimestamp?.toISOString(),
      approximateArrivalOfLastRecord: records[records.length - 1]?.ApproximateArrivalTimestamp?.toISOString(),
      batchSize: records.length,
      streamArn: arn,
    },
  });

describe('Redrive of the on-failure queue', () => {
  const services: LocalService[] = [];
  let kinesis: KinesisClient;
  let dynamodb: DynamoDBClient;
  let dir: string;
  let queueFile: string;
  let records: _Record[];
  let endpoints: { endpoint: string; kinesisEndpoint: string };

  const deliver = async (batch: readonly _Record[], client: DynamoDBClient = dynamodb) =>
    new BatchProcessor({
      definition: sensorStats,
      client,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
      retry: { maxAttempts: 1 },
    }).process(
      {
        Records: batch.map((r) =>
          toKinesisStreamRecord(r, {
            shardId: SHARD,
            streamArn: arn,
            region: 'us-east-1',
            invokeIdentityArn: 'test',
          }),
        ),
      },
      { getRemainingTimeInMillis: () => 60_000 },
    );

  const compare = async () =>
    compareWithReference({
      definition: sensorStats,
      shards: await readStreamRecords({ client: kinesis, streamName: names.stream }),
      dynamodb,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
    });

  beforeAll(async () => {
    const stream = await startKinesisLocal({});
    services.push(stream);
    const db = await startDynalite({});
    services.push(db);
    kinesis = kinesisClient(stream.endpoint);
    dynamodb = dynamoDbClient(db.endpoint);
    endpoints = { endpoint: db.endpoint, kinesisEndpoint: stream.endpoint };
    await createResources({
      kinesis,
      dynamodb,
      pipelines: [sensorStats],
      shardCount: 1,
      onProgress: () => undefined,
    });
    await produceSensors(kinesis, names.stream, { good: 150, renamed: 0, invalidJson: 0, notUtf8: 0 });
    const all = await readStreamRecords({ client: kinesis, streamName: names.stream });
    const first = all[0]?.records[0]?.sequenceNumber as string;
    const last = all[0]?.records.at(-1)?.sequenceNumber as string;
    const range = await readShardRange({
      client: kinesis,
      streamName: names.stream,
      shardId: SHARD,
      startSequence: first,
      endSequence: last,
    });
    if (!range.retained) throw new Error(range.reason);
    records = [...range.records];
    dir = mkdtempSync(join(tmpdir(), 'streamfold-redrive-'));
    queueFile = join(dir, 'sensor-stats.jsonl');
  }, 60_000);

  afterAll(async () => {
    kinesis?.destroy();
    dynamodb?.destroy();
    for (const service of services) await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('redrive of a range given up on after a partial write equals a normal delivery', async () => {
    // Prepare: the first 60 records delivered; the next 40 fail after writing part of their items, and the
    // mapping gives up on them (the range is the shard's tail: nothing after it was delivered yet)
    expect(records).toHaveLength(150);
    for (let at = 0; at < 60; at += 30)
      expect((await deliver(records.slice(at, at + 30))).failedSequence).toBeUndefined();
    const failing = new FaultyClient(dynamodb, { kind: 'fail-item', nth: 2 });
    const attempt = await deliver(records.slice(60, 100), failing.asClient());
    expect(attempt.failedSequence).toBeDefined();
    expect(attempt.itemsWritten).toBeGreaterThan(0);
    appendFileSync(queueFile, `${notice(records.slice(60, 100))}\n`);

    // Act
    const { report } = await runRedrive('sensor-stats', { ...endpoints, queueFile });

    // Assess: the results equal the reference fold of everything delivered (records 0–99)
    expect(report).toMatchObject({ messages: 1, applied: 1, notRetained: 0, failed: 0, overtakenItems: 0 });
    expect(report.ranges[0]?.records).toBe(40);
    expect(report.ranges[0]?.itemsAlreadyApplied).toBeGreaterThan(0);
    await deliver(records.slice(100, 150));
    const check = await compare();
    expect(check.problems).toStrictEqual([]);
    expect(check.ok).toBe(true);
  });

  it('a rerun finds the message deleted and changes nothing', async () => {
    // Act
    const { report } = await runRedrive('sensor-stats', { ...endpoints, queueFile });

    // Assess
    expect(report.messages).toBe(0);
    expect(readFileSync(`${queueFile}.done`, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a range the stream does not hold is reported, its message kept, and the command exits 1', () => {
    // Prepare
    const gone = JSON.parse(notice(records.slice(0, 2))) as { KinesisBatchInfo: Record<string, string> };
    gone.KinesisBatchInfo.shardId = 'shardId-000000000009';
    appendFileSync(queueFile, `${JSON.stringify(gone)}\n`);

    // Act
    const run = runCliProcess([
      'redrive',
      'sensor-stats',
      '--endpoint',
      endpoints.endpoint,
      '--kinesis-endpoint',
      endpoints.kinesisEndpoint,
      '--queue-file',
      queueFile,
    ]);

    // Assess
    expect(run.stderr).toContain('1 range(s) could not be redriven');
    expect(run.stdout).toContain('no longer holds the range');
    expect(run.code).toBe(1);
    expect(readFileSync(`${queueFile}.done`, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('reports items that later records overtook instead of guessing (the documented limit)', async () => {
    // Prepare: a fresh stream tail: 20 records fail outright and are given up on, the next 20 are applied
    const more = await (async () => {
      await produceSensors(kinesis, names.stream, { good: 40, renamed: 0, invalidJson: 0, notUtf8: 0 });
      const last = (await readStreamRecords({ client: kinesis, streamName: names.stream }))[0]?.records.at(-1)
        ?.sequenceNumber as string;
      const range = await readShardRange({
        client: kinesis,
        streamName: names.stream,
        shardId: SHARD,
        startSequence: records.at(-1)?.SequenceNumber as string,
        endSequence: last,
      });
      if (!range.retained) throw new Error(range.reason);
      return range.records.slice(1);
    })();
    expect(more).toHaveLength(40);
    const dead = new FaultyClient(dynamodb, { kind: 'crash', afterWrites: 0 });
    await expect(deliver(more.slice(0, 20), dead.asClient())).resolves.toMatchObject({ itemsWritten: 0 });
    appendFileSync(queueFile, `${notice(more.slice(0, 20))}\n`);
    await deliver(more.slice(20));

    // Act
    const { report } = await runRedrive('sensor-stats', { ...endpoints, queueFile });

    // Assess: the overtaken items are counted (and their records are missing from them, as documented)
    const range = report.ranges.find((r) => r.startSequenceNumber === more[0]?.SequenceNumber);
    expect(range?.status).toBe('applied');
    expect(range?.overtakenItems).toBeGreaterThan(0);
    expect((await compare()).lost).toBeGreaterThan(0);
  });
});
