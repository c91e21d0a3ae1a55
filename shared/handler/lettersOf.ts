import type { BufferedItem } from '../buffer/ShardBuffer.ts';
import type { FoldedBatch } from '../fold/types.ts';
import type { SourceRecord } from '../record/types.ts';
import { excerpt } from '../rejection/excerpt.ts';
import type { DeadLetter } from '../storage/deadLetterItem.ts';

/**
 * The dead letters of one fold: its rejections, its late records, and the (record, window) contributions
 * its write set aside because the item would exceed 400 KB.
 *
 * @example
 * const letters = lettersOf(batch, sources, written.tooLarge);
 */
export const lettersOf = (
  batch: FoldedBatch,
  sources: readonly SourceRecord[],
  tooLarge: readonly { readonly sourceIndex: number; readonly windowStartMs: number }[],
): DeadLetter[] => {
  const letters: DeadLetter[] = [];
  batch.rejections.forEach((rejection, i) => {
    letters.push({
      kind: 'rejected',
      reason: rejection.reason,
      message: rejection.message,
      origin: rejection.origin,
      excerpt: rejection.excerpt,
      source: sources[batch.rejectionSources[i] as number] as SourceRecord,
    });
  });
  batch.late.forEach((late, i) => {
    letters.push({
      kind: 'late',
      reason: 'late',
      message: `Arrived ${new Date(late.arrivalMs).toISOString()}, after the end plus allowed lateness of every window it belongs to`,
      origin: late.origin,
      excerpt: late.excerpt,
      source: sources[batch.lateSources[i] as number] as SourceRecord,
      windows: late.windows.map((w) => new Date(w.startMs).toISOString()),
    });
  });
  const tooLargeWindows = new Map<number, string[]>();
  for (const { sourceIndex, windowStartMs } of tooLarge) {
    const windows = tooLargeWindows.get(sourceIndex) ?? [];
    windows.push(new Date(windowStartMs).toISOString());
    tooLargeWindows.set(sourceIndex, windows);
  }
  for (const [index, windows] of tooLargeWindows) {
    const source = sources[index] as SourceRecord;
    letters.push({
      kind: 'rejected',
      reason: 'item-too-large',
      message: `Folding this record into window(s) ${windows.join(', ')} would make the results item exceed DynamoDB’s 400 KB item limit; its other windows, if any, were written`,
      origin: { sequenceNumber: source.sequenceNumber },
      excerpt: excerpt(source.data),
      source,
      windows: windows.sort(),
    });
  }
  return letters;
};

/**
 * The dead letter of a buffered (group, window) that could not be written because the item would exceed
 * 400 KB: the buffer no longer holds its records one by one, so the letter names the shard's sequence
 * range they came from (replayable from the stream while it retains them) and how many they were.
 *
 * @example
 * const letter = bufferedTooLargeLetter(item);
 */
export const bufferedTooLargeLetter = (item: BufferedItem): DeadLetter => {
  const window = new Date(item.windowStartMs).toISOString();
  return {
    kind: 'rejected',
    reason: 'item-too-large',
    message: `Writing the buffered contribution of ${item.kinesisRecords} Kinesis record(s), sequence numbers ${item.lowest}…${item.highest}, to group ${JSON.stringify(item.groupKey)} window ${window} would make the results item exceed DynamoDB’s 400 KB item limit; that contribution was set aside`,
    origin: { sequenceNumber: item.lowest },
    excerpt: '',
    source: {
      data: new Uint8Array(0),
      sequenceNumber: item.lowest,
      partitionKey: '',
      arrivalMs: item.windowStartMs,
    },
    windows: [window],
  };
};
