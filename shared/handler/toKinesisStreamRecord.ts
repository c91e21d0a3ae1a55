import type { _Record } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';

/** The `kinesisSchemaVersion` and `eventVersion` Lambda stamps on Kinesis event records. */
const SCHEMA_VERSION = '1.0';

/** What Lambda stamps on every record of a mapping's events. */
export interface EventRecordContext {
  readonly shardId: string;
  /** The stream ARN, e.g. `arn:aws:kinesis:<region>:<account>:stream/<name>`. */
  readonly streamArn: string;
  readonly region: string;
  /** The function's execution role. */
  readonly invokeIdentityArn: string;
}

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
