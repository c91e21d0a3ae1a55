import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, RECORD_ENVELOPE_BYTES, SCHEMA_VERSION } from './constants.ts';

/** What Lambda stamps on every record of a mapping's events. */
export interface EventRecordContext {
  readonly shardId: string;
  /** `arn:aws:kinesis:<region>:000000000000:stream/<name>`, see {@link streamArn}. */
  readonly streamArn: string;
  readonly region: string;
  /** The function's execution role. */
  readonly invokeIdentityArn: string;
}

/**
 * The local ARN of a stream, as the event records and on-failure records carry it.
 *
 * @example
 * ```ts
 * streamArn('us-east-1', 'trades'); // 'arn:aws:kinesis:us-east-1:000000000000:stream/trades'
 * ```
 */
export const streamArn = (region: string, streamName: string): string =>
  `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${streamName}`;

/**
 * Turns a record from `GetRecords` into the record Lambda puts in a `KinesisStreamEvent`: base64 data,
 * `eventID` `<shardId>:<sequenceNumber>`, arrival time in (fractional) seconds.
 *
 * @example
 * ```ts
 * const record = toKinesisStreamRecord(out.Records[0], { shardId, streamArn: arn, region, invokeIdentityArn });
 * ```
 */
export const toKinesisStreamRecord = (record: _Record, context: EventRecordContext): KinesisStreamRecord => {
  const sequenceNumber = record.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: SCHEMA_VERSION,
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: SCHEMA_VERSION,
    eventID: `${context.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: context.invokeIdentityArn,
    awsRegion: context.region,
    eventSourceARN: context.streamArn,
  };
};

/**
 * Approximate JSON size of an event record, to keep a batch's event under Lambda's 6 MB payload limit.
 *
 * @example
 * ```ts
 * const bytes = eventRecordBytes(record);
 * ```
 */
export const eventRecordBytes = (record: KinesisStreamRecord): number =>
  record.kinesis.data.length + record.kinesis.partitionKey.length + RECORD_ENVELOPE_BYTES;

/**
 * The event of one invocation: records of one shard, in sequence order.
 *
 * @example
 * ```ts
 * const event = kinesisStreamEvent(batch.map((r) => toKinesisStreamRecord(r, context)));
 * ```
 */
export const kinesisStreamEvent = (records: readonly KinesisStreamRecord[]): KinesisStreamEvent => ({
  Records: [...records],
});
