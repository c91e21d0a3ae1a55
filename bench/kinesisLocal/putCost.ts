/**
 * How long one PutRecords call takes on kinesis-local as records accumulate, and whether the cost follows
 * the records held by the shard, by the stream, or by the whole emulator.
 *
 * Run: `npx tsx bench/kinesisLocal/putCost.ts [recordsToFill] [batchSize]`
 *
 * Streams: A (1 shard) is filled; B (1 shard) stays empty; C (2 shards) gets its fill on one shard only.
 * After every step of the fill, one probe call of `batchSize` records is timed into A, into B, into C's
 * empty shard, and a probe of 1 record into A.
 */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../local/services/clients.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';

const fill = Number(process.argv[2] ?? 16_000);
const batch = Number(process.argv[3] ?? 25);
const step = 2_000;
const payload = new TextEncoder().encode(
  JSON.stringify({ ip: '10.0.0.1', path: '/index.html', status: 200, bytes: 512 }),
);

const createStream = async (client: KinesisClient, name: string, shards: number): Promise<string[]> => {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const listed = await client.send(new ListShardsCommand({ StreamName: name }));
  return (listed.Shards ?? []).map((s) => s.HashKeyRange?.StartingHashKey ?? '0');
};

const put = async (client: KinesisClient, stream: string, n: number, hashKey: string): Promise<number> => {
  const started = performance.now();
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: n }, (_, i) => ({
        Data: payload,
        PartitionKey: `k${i}`,
        ExplicitHashKey: hashKey,
      })),
    }),
  );
  if ((out.FailedRecordCount ?? 0) > 0)
    throw new Error(`${out.FailedRecordCount} records failed in ${stream}`);
  return performance.now() - started;
};

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const service = await startKinesisLocal();
const client = kinesisClient(service.endpoint);
try {
  const [a = '0'] = await createStream(client, 'A', 1);
  const [b = '0'] = await createStream(client, 'B', 1);
  const [c0 = '0', c1 = '0'] = await createStream(client, 'C', 2);
  console.log(`fill per stream ${fill}, probe batch ${batch}`);
  console.log('held(A,C0)  put500(fill A)  probe A  probe A 1rec  probe B(empty)  probe C1(empty shard)  ms');
  for (let held = 0; held <= fill; held += step) {
    const probes = { a: [] as number[], a1: [] as number[], b: [] as number[], c1: [] as number[] };
    for (let i = 0; i < 3; i++) {
      probes.a.push(await put(client, 'A', batch, a));
      probes.a1.push(await put(client, 'A', 1, a));
      probes.b.push(await put(client, 'B', batch, b));
      probes.c1.push(await put(client, 'C', batch, c1));
    }
    const fillTimes: number[] = [];
    if (held < fill) {
      for (let n = 0; n < step; n += 500) {
        fillTimes.push(await put(client, 'A', 500, a));
        await put(client, 'C', 500, c0);
      }
    }
    console.log(
      [held, median(fillTimes), median(probes.a), median(probes.a1), median(probes.b), median(probes.c1)]
        .map((x) => (Number.isNaN(x) ? '-' : Math.round(x)).toString().padStart(8))
        .join(' '),
    );
  }
} finally {
  client.destroy();
  await service.stop();
}
