import {
  type _Record,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { compareSequence } from '../storage/sequence.ts';
import { StreamReadError } from './errors.ts';

/** What {@link readShardRange} found. */
export type ShardRange =
  | { readonly retained: true; readonly records: readonly _Record[] }
  /** The stream no longer holds the first record of the range (trimmed after its retention, or the shard is gone). */
  | { readonly retained: false; readonly reason: string };

/** Options of {@link readShardRange}. */
export interface ReadShardRangeOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly shardId: string;
  /** First sequence number of the range (inclusive). */
  readonly startSequence: string;
  /** Last sequence number of the range (inclusive). */
  readonly endSequence: string;
  /**
   * GetRecords calls that may come back empty in a row before the range is taken as read to the
   * shard's end (a shard's iterator can return empty pages before reaching the records).
   * @default 5
   */
  readonly maxEmptyPages?: number;
}

const NOT_RETAINED_ERRORS = new Set(['ResourceNotFoundException', 'InvalidArgumentException']);

/**
 * Reads the records of one shard from `startSequence` to `endSequence` (inclusive) back from the stream:
 * an `AT_SEQUENCE_NUMBER` iterator, then `GetRecords` until a record past the range. When the stream no
 * longer holds the range's first record, says so instead of returning a partial range.
 *
 * @throws {StreamReadError} on an error other than "not retained" (throttling after the SDK's retries, …).
 * @example
 * const range = await readShardRange({ client, streamName: 'trades', shardId, startSequence, endSequence });
 * if (range.retained) console.log(range.records.length);
 */
export const readShardRange = async (options: ReadShardRangeOptions): Promise<ShardRange> => {
  const { client, streamName, shardId, startSequence, endSequence } = options;
  let iterator: string | undefined;
  try {
    const response = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: startSequence,
      }),
    );
    iterator = response.ShardIterator;
  } catch (error) {
    const name = (error as Error).name;
    if (NOT_RETAINED_ERRORS.has(name)) {
      return { retained: false, reason: `${name}: ${(error as Error).message}` };
    }
    throw new StreamReadError(
      `Cannot read shard ${shardId} of stream ${streamName} at ${startSequence}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const records: _Record[] = [];
  let empty = 0;
  const maxEmpty = options.maxEmptyPages ?? 5;
  while (iterator !== undefined) {
    let page: GetRecordsCommandOutput;
    try {
      page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    } catch (error) {
      throw new StreamReadError(
        `Cannot read shard ${shardId} of stream ${streamName} after ${records.length} record(s) of ${startSequence}…${endSequence}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const got = page.Records ?? [];
    if (records.length === 0 && got.length > 0 && got[0]?.SequenceNumber !== startSequence) {
      return {
        retained: false,
        reason: `the shard's oldest readable record is ${got[0]?.SequenceNumber}, past ${startSequence}`,
      };
    }
    for (const record of got) {
      if (compareSequence(record.SequenceNumber ?? '', endSequence) > 0) return { retained: true, records };
      records.push(record);
    }
    if (got.length === 0) {
      empty += 1;
      if (empty >= maxEmpty && (page.MillisBehindLatest ?? 0) === 0) break;
    } else empty = 0;
    iterator = page.NextShardIterator;
  }
  if (records.length === 0) {
    return { retained: false, reason: `no record at ${startSequence} in shard ${shardId}` };
  }
  return { retained: true, records };
};
