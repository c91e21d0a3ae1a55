import type { KinesisStreamRecord } from 'aws-lambda';
import type { SourceRecord } from '../record/types.ts';

/**
 * A Lambda Kinesis event record as a {@link SourceRecord}: base64 data decoded, arrival time in ms.
 *
 * @example
 * const sources = event.Records.map(toSourceRecord);
 */
export const toSourceRecord = (record: KinesisStreamRecord): SourceRecord => ({
  data: Buffer.from(record.kinesis.data, 'base64'),
  sequenceNumber: record.kinesis.sequenceNumber,
  partitionKey: record.kinesis.partitionKey,
  arrivalMs: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
});
