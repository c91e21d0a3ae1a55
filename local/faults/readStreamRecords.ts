import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { streamArn, toKinesisStreamRecord } from '../esm/kinesisStreamEvent.ts';

/** Every record one shard holds, as the handler sees them. */
export interface ShardRecords {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  /** Closed by resharding (it has an ending sequence number). */
  readonly closed: boolean;
  readonly records: readonly SourceRecord[];
}

/** Options of {@link readStreamRecords}. */
export interface ReadStreamRecordsOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /**
   * Most records per `GetRecords` call.
   * @default 10_000
   */
  readonly limit?: number;
}

const listShards = async (client: KinesisClient, streamName: string): Promise<Shard[]> => {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const input: ListShardsCommandInput =
      nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken };
    const out = await client.send(new ListShardsCommand(input));
    shards.push(...(out.Shards ?? []));
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  return shards.sort((a, b) => (a.ShardId ?? '').localeCompare(b.ShardId ?? ''));
};

/**
 * Reads back everything a stream holds, shard by shard (closed parents included), from `TRIM_HORIZON` to
 * the tip, and converts each record exactly as the local event source mapping and the handler do
 * (`toKinesisStreamRecord`, then `toSourceRecord`): same bytes, sequence numbers and arrival times. That is
 * the input of a reference fold that matches what the pipeline received, whatever the producer retried.
 *
 * @example
 * const shards = await readStreamRecords({ client: runtime.kinesis, streamName: 'trades' });
 * const total = shards.reduce((n, s) => n + s.records.length, 0);
 */
export const readStreamRecords = async (options: ReadStreamRecordsOptions): Promise<ShardRecords[]> => {
  const { client, streamName } = options;
  const limit = options.limit ?? 10_000;
  const context = {
    streamArn: streamArn('us-east-1', streamName),
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/reference',
  };
  const result: ShardRecords[] = [];
  for (const shard of await listShards(client, streamName)) {
    const shardId = shard.ShardId ?? '';
    const records: SourceRecord[] = [];
    const start = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = start.ShardIterator;
    while (iterator !== undefined) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
      for (const record of out.Records ?? []) {
        records.push(toSourceRecord(toKinesisStreamRecord(record, { ...context, shardId })));
      }
      iterator = out.NextShardIterator ?? undefined;
      if ((out.Records ?? []).length === 0 && (out.MillisBehindLatest ?? 0) === 0) break;
    }
    result.push({
      shardId,
      parentShardIds: [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (id): id is string => id !== undefined,
      ),
      closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      records,
    });
  }
  return result;
};
