import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  MergeShardsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventSourceMapping, type EventSourceMappingEvent, type Invoker } from '../../local/esm/index.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import { compareSequence } from '../../shared/storage/sequence.ts';
import {
  createStream,
  deliveredTexts,
  FAST_POLLING,
  putTexts,
  recordingInvoker,
  uniqueStreamName,
} from './streamHelpers.ts';

const waitActive = async (client: KinesisClient, streamName: string): Promise<void> => {
  await vi.waitFor(
    async () => {
      const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      expect(out.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    },
    { timeout: 10_000, interval: 20 },
  );
};

const texts = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe('Class: EventSourceMapping, resharding', () => {
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

  it('reads child shards only after their parents, losing and repeating nothing (split, then merge)', async () => {
    // Prepare
    const streamName = uniqueStreamName('reshard');
    await createStream(client, streamName, 1);
    const before = texts('before-split', 60);
    const afterSplit = texts('after-split', 60);
    const afterMerge = texts('after-merge', 40);
    const key = (_: string, i: number): string => `key-${i}`;
    await putTexts(client, streamName, before, key);
    const { invoker, calls } = recordingInvoker();
    // The first batch stays in flight until the stream is resharded: the split happens mid-shard.
    let resharded: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      resharded = resolve;
    });
    let entered: () => void = () => undefined;
    const firstBatch = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const gated: Invoker = async (event, timeoutMs) => {
      entered();
      await gate;
      return invoker(event, timeoutMs);
    };
    const events: EventSourceMappingEvent[] = [];
    const esm = new EventSourceMapping({
      ...FAST_POLLING,
      client,
      streamName,
      invoker: gated,
      batchSize: 10,
      onEvent: (event) => events.push(event),
    });

    // Act
    await esm.start();
    await firstBatch;
    await client.send(
      new SplitShardCommand({
        StreamName: streamName,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await waitActive(client, streamName);
    await putTexts(client, streamName, afterSplit, key);
    resharded();
    await client.send(
      new MergeShardsCommand({
        StreamName: streamName,
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000002',
      }),
    );
    await waitActive(client, streamName);
    await putTexts(client, streamName, afterMerge, key);
    await esm.drain({ timeoutMs: 30_000 });
    await esm.stop();

    // Assess
    const delivered = deliveredTexts(calls);
    expect([...delivered].sort()).toStrictEqual([...before, ...afterSplit, ...afterMerge].sort());
    const shardsOf = (prefix: string): Set<string> =>
      new Set(calls.filter((call) => call.texts[0]?.startsWith(prefix)).map((call) => call.shardId));
    expect(shardsOf('before-split')).toStrictEqual(new Set(['shardId-000000000000']));
    expect(shardsOf('after-split')).toStrictEqual(new Set(['shardId-000000000001', 'shardId-000000000002']));
    expect(shardsOf('after-merge')).toStrictEqual(new Set(['shardId-000000000003']));

    const callIndexes = (shardId: string): number[] =>
      calls.flatMap((call, index) => (call.shardId === shardId ? [index] : []));
    const [parent, left, right, merged] = ['0', '1', '2', '3'].map((n) =>
      callIndexes(`shardId-00000000000${n}`),
    ) as [number[], number[], number[], number[]];
    expect(Math.max(...parent)).toBeLessThan(Math.min(...left, ...right));
    expect(Math.max(...left, ...right)).toBeLessThan(Math.min(...merged));

    const order = events.flatMap((event) =>
      event.type === 'shard-started' || event.type === 'shard-closed'
        ? [`${event.type} ${event.shardId}`]
        : [],
    );
    expect(order.indexOf('shard-started shardId-000000000003')).toBeGreaterThan(
      Math.max(
        order.indexOf('shard-closed shardId-000000000001'),
        order.indexOf('shard-closed shardId-000000000002'),
      ),
    );
    for (const shardId of ['0', '1', '2', '3'].map((n) => `shardId-00000000000${n}`)) {
      const sequence = calls
        .filter((call) => call.shardId === shardId)
        .flatMap((call) => call.sequenceNumbers);
      expect([...sequence].sort(compareSequence)).toStrictEqual(sequence);
    }
    expect(esm.stats().map((s) => [s.shardId, s.state, s.parentShardIds])).toStrictEqual([
      ['shardId-000000000000', 'closed', []],
      ['shardId-000000000001', 'closed', ['shardId-000000000000']],
      ['shardId-000000000002', 'closed', ['shardId-000000000000']],
      ['shardId-000000000003', 'stopped', ['shardId-000000000001', 'shardId-000000000002']],
    ]);
  });
});
