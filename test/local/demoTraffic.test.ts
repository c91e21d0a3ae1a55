import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoTraffic } from '../../local/runtime/DemoTraffic.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import { deaggregate, isKplAggregate } from '../../shared/decode/kpl.ts';
import { requestsByIp } from '../../shared/examples/index.ts';
import { createStream } from '../esm/streamHelpers.ts';

const COUNT = 300;

/** Every Kinesis record of the stream, shard by shard. */
const readStream = async (client: KinesisClient, stream: string): Promise<Uint8Array[]> => {
  const listed = await client.send(new ListShardsCommand({ StreamName: stream }));
  const records: Uint8Array[] = [];
  for (const shard of listed.Shards ?? []) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = ShardIterator;
    while (iterator !== undefined) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(out.Records ?? []).map((r) => r.Data ?? new Uint8Array()));
      if ((out.MillisBehindLatest ?? 0) === 0 && (out.Records ?? []).length === 0) break;
      iterator = out.NextShardIterator;
    }
  }
  return records;
};

describe('Class: DemoTraffic', () => {
  let kinesis: KinesisLocalService;
  let client: KinesisClient;

  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    client = kinesisClient(kinesis.endpoint);
  });

  afterAll(async () => {
    client?.destroy();
    await kinesis?.stop();
  });

  it('puts its records as a few KPL aggregates, so that kinesis-local holds few records', async () => {
    // Prepare
    await createStream(client, requestsByIp.stream, 2);
    const sent: string[] = [];
    const demo = new DemoTraffic({
      kinesis: client,
      pipelines: [requestsByIp],
      ratePerSecond: 150,
      count: COUNT,
      onRecord: (_pipeline, record) => sent.push(record.data),
    });

    // Act
    demo.start();
    await demo.finished();
    const held = await readStream(client, requestsByIp.stream);

    // Assess: every record arrives once, inside aggregates of many records each
    expect(demo.counts.get(requestsByIp.name)).toMatchObject({ produced: COUNT, failed: 0 });
    expect(held.every(isKplAggregate)).toBe(true);
    expect(held.length).toBeLessThanOrEqual(COUNT / 10);
    const unpacked = held.flatMap((data) => {
      const result = deaggregate(data);
      if (!result.ok) throw new Error(`not a KPL aggregate: ${result.message}`);
      return result.records.map((r) => Buffer.from(r.data).toString('utf8'));
    });
    expect(unpacked.sort()).toStrictEqual([...sent].sort());
  }, 60_000);
});
