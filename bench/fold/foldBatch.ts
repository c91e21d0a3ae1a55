import type { KinesisStreamEvent } from 'aws-lambda';
import type { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import type { FoldedBatch } from '../../shared/fold/types.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';

/**
 * What the handler does before writing: base64-decode every record (`toSourceRecord`) and fold the batch.
 * The unit timed as "full fold".
 *
 * @example
 * const batch = foldBatch(new BatchFolder(ohlc), event);
 */
export const foldBatch = (folder: BatchFolder, event: KinesisStreamEvent): FoldedBatch =>
  folder.fold(event.Records.map(toSourceRecord));
