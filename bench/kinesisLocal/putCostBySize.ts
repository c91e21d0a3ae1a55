/**
 * Whether kinesis-local's PutRecords cost follows the number of records a shard holds or their bytes:
 * two one-shard streams are filled with the same number of records, small (~100 B) in S and large (~3 kB,
 * the size of a KPL aggregate of ~25 demo records) in L, in 200-record calls whose median time is printed
 * per step. (A 1-record call costs about the same whatever the shard holds: the cost grows with records
 * put × records held.)
 *
 * Run: `npx tsx bench/kinesisLocal/putCostBySize.ts [recordsToFill]`
 */
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../local/services/clients.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';

const fill = Number(process.argv[2] ?? 8_000);
const step = 2_000;
const small = new Uint8Array(100).fill(65);
const large = new Uint8Array(3_000).fill(65);

const createStream = async (client: KinesisClient, name: string): Promise<void> => {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  for (;;) {
    const d = await client.send(new DescribeStreamCommand({ StreamName: name }));
    if (d.StreamDescription?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
};

const put = async (client: KinesisClient, stream: string, n: number, data: Uint8Array): Promise<number> => {
  const started = performance.now();
  await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: n }, (_, i) => ({ Data: data, PartitionKey: `k${i}` })),
    }),
  );
  return performance.now() - started;
};

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const service = await startKinesisLocal();
const client = kinesisClient(service.endpoint);
try {
  await createStream(client, 'S');
  await createStream(client, 'L');
  console.log('held  200-record put into S (100 B records)  into L (3 kB records)  ms');
  for (let held = 0; held < fill; held += step) {
    const s: number[] = [];
    const l: number[] = [];
    for (let n = 0; n < step; n += 200) {
      s.push(await put(client, 'S', 200, small));
      l.push(await put(client, 'L', 200, large));
    }
    console.log([held, median(s), median(l)].map((x) => Math.round(x).toString().padStart(8)).join(' '));
  }
} finally {
  client.destroy();
  await service.stop();
}
