import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** One record of a {@link kinesisEvent} fixture. */
export interface KinesisRecordInput {
  /** Payload: text (UTF-8) or raw bytes; base64-encoded into `kinesis.data`. */
  readonly data: string | Uint8Array;
  readonly sequenceNumber: string;
  /** Arrival time, epoch milliseconds (becomes `approximateArrivalTimestamp` in seconds). */
  readonly arrivalMs: number;
  /** @default 'pk-0' */
  readonly partitionKey?: string;
}

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/access-logs`;

/**
 * A realistic Kinesis sequence number (56 digits) ending in `n`, so that fixtures order like real ones.
 *
 * @example
 * sequenceNumber(3); // '4959033827149025660855969253836157109592157598913600000003'
 */
export const sequenceNumber = (n: number): string =>
  `49590338271490256608559692538361571095921575989136${String(n).padStart(6, '0')}`;

/**
 * A `KinesisStreamEvent` shaped like the one Lambda's event source mapping delivers for one shard.
 *
 * @example
 * const event = kinesisEvent([{ data: '{"a":1}', sequenceNumber: sequenceNumber(1), arrivalMs: Date.now() }]);
 */
export const kinesisEvent = (
  records: readonly KinesisRecordInput[],
  shardId = 'shardId-000000000000',
): KinesisStreamEvent => ({
  Records: records.map(
    (record): KinesisStreamRecord => ({
      awsRegion: REGION,
      eventID: `${shardId}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN: STREAM_ARN,
      eventVersion: '1.0',
      invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/streamfold-aggregate`,
      kinesis: {
        approximateArrivalTimestamp: record.arrivalMs / 1000,
        data: Buffer.from(
          typeof record.data === 'string' ? Buffer.from(record.data, 'utf8') : record.data,
        ).toString('base64'),
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey ?? 'pk-0',
        sequenceNumber: record.sequenceNumber,
      },
    }),
  ),
});
