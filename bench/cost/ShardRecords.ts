import type { ChunkFold } from './ScenarioFold.ts';

/** One generated record of a shard, as the stream holds it. */
export interface StreamRecord {
  readonly text: string;
  readonly arrivalMs: number;
  readonly partitionKey: string;
}

interface Chunk {
  readonly first: number;
  readonly records: readonly StreamRecord[];
  readonly fold: ChunkFold;
}

/**
 * The recent records of one shard, by position in the shard (the positions the event source mapping's
 * invocations refer to), with what the fold said about each. Keeps the last few chunks only.
 *
 * @example
 * const shard = new ShardRecords(2);
 * shard.add(records, chunkFold);
 * shard.record(1234).text;
 */
export class ShardRecords {
  private readonly chunks: Chunk[] = [];
  private next = 0;

  public constructor(private readonly keep: number) {}

  /** Appends the shard's next chunk of records (consecutive positions) and forgets the oldest beyond `keep`. */
  public add(records: readonly StreamRecord[], fold: ChunkFold): void {
    this.chunks.push({ first: this.next, records, fold });
    this.next += records.length;
    while (this.chunks.length > this.keep) this.chunks.shift();
  }

  /** Calls `visit` with the chunk and index within it of each record at positions `[first, first + count)`. */
  public forEach(
    first: number,
    count: number,
    visit: (fold: ChunkFold, index: number, record: StreamRecord) => void,
  ): void {
    let position = first;
    const end = first + count;
    for (const chunk of this.chunks) {
      const chunkEnd = chunk.first + chunk.records.length;
      if (position >= chunkEnd) continue;
      if (position < chunk.first) throw new Error(`Record ${position} of the shard is no longer kept`);
      for (; position < Math.min(end, chunkEnd); position++) {
        const index = position - chunk.first;
        visit(chunk.fold, index, chunk.records[index] as StreamRecord);
      }
      if (position >= end) return;
    }
    if (position < end) throw new Error(`Record ${position} of the shard was never added`);
  }
}
