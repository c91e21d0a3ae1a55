import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStreamRecords } from '../../local/faults/readStreamRecords.ts';
import { createResources } from '../../local/runtime/createResources.ts';
import { dynamoDbClient, kinesisClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';
import type { LocalService } from '../../local/services/types.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { toKinesisStreamRecord } from '../../shared/handler/toKinesisStreamRecord.ts';
import { LetterReplayer } from '../../shared/replay/LetterReplayer.ts';
import { scanAll } from '../helpers/scanAll.ts';
import { sensorStatsFixed } from './fixtures/sensorStatsRenamed.ts';

/**
 * A rejected record over the 300 KB kept in a letter: replay reads its payload back from the stream by
 * shard and sequence number (kinesis-local), or reports it unrecoverable when it cannot.
 */
describe('Replay of a letter whose payload is over 300 KB', () => {
  const names = pipelineResourceNames(sensorStats);
  const services: LocalService[] = [];
  let kinesis: KinesisClient;
  let dynamodb: DynamoDBClient;

  const replayer = (withStream: boolean, dryRun: boolean) =>
    new LetterReplayer({
      definition: sensorStatsFixed,
      client: dynamodb,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
      dryRun,
      ...(withStream ? { kinesis: { client: kinesis, streamName: names.stream } } : {}),
    });
  const letters = () =>
    queryLetters({
      client: dynamodb,
      tableName: names.deadLetterTable,
      pipeline: sensorStats.name,
      filter: { unreplayedOnly: true },
      withPayload: true,
    });

  beforeAll(async () => {
    const stream = await startKinesisLocal({});
    services.push(stream);
    const db = await startDynalite({});
    services.push(db);
    kinesis = kinesisClient(stream.endpoint);
    dynamodb = dynamoDbClient(db.endpoint);
    await createResources({
      kinesis,
      dynamodb,
      pipelines: [sensorStats],
      shardCount: 1,
      onProgress: () => undefined,
    });
    const data = Buffer.from(
      JSON.stringify({
        device: 'big',
        temp: 21.5,
        humidity: 40,
        time: new Date(Date.now() - 30_000).toISOString(),
        note: 'x'.repeat(320 * 1024),
      }),
    );
    await kinesis.send(new PutRecordCommand({ StreamName: names.stream, PartitionKey: 'big', Data: data }));
    const [shard] = await readStreamRecords({ client: kinesis, streamName: names.stream });
    const processor = new BatchProcessor({
      definition: sensorStats,
      client: dynamodb,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
    });
    const record = shard?.records[0];
    if (shard === undefined || record === undefined) throw new Error('the record is not in the stream');
    const report = await processor.process(
      {
        Records: [
          toKinesisStreamRecord(
            {
              Data: record.data,
              SequenceNumber: record.sequenceNumber,
              PartitionKey: record.partitionKey,
              ApproximateArrivalTimestamp: new Date(record.arrivalMs),
            },
            { shardId: shard.shardId, streamArn: 'arn', region: 'us-east-1', invokeIdentityArn: 'test' },
          ),
        ],
      },
      { getRemainingTimeInMillis: () => 60_000 },
    );
    expect(report.rejected).toBe(1);
  }, 60_000);

  afterAll(async () => {
    kinesis?.destroy();
    dynamodb?.destroy();
    for (const service of services) await service.stop();
  });

  it('keeps only the size in the letter, and without the stream reports the letter unrecoverable', async () => {
    // Act
    const report = await replayer(false, true).run(letters());

    // Assess
    const [letter] = await scanAll(dynamodb, names.deadLetterTable);
    expect(letter?.payload).toBeUndefined();
    expect(Number(letter?.payloadBytes?.N)).toBeGreaterThan(300 * 1024);
    expect(report.verdicts.unrecoverable).toBe(1);
    expect(report.outcomes[0]?.detail).toContain('too large to keep in the letter');
  });

  it('reads the payload back from the stream by shard and sequence number and folds it once', async () => {
    // Act
    const report = await replayer(true, false).run(letters());
    const again = await replayer(true, false).run(letters());

    // Assess
    expect(report.verdicts.folds).toBe(1);
    expect(report.marked).toBe(1);
    expect(again.considered).toBe(0);
    const items = await scanAll(dynamodb, names.resultsTable);
    const windows = items.filter((item) => item.pk?.S === 'sensor-stats#big');
    expect(windows.length).toBe(5); // hopping: 5-minute windows every minute
    expect(windows.every((item) => item.records?.N === '1' && item.maxTemp?.N === '21.5')).toBe(true);
  });
});
