import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, RECORD_ENVELOPE_BYTES } from './constants.ts';

// The record shape is shared with `streamfold redrive`, which builds deliveries the same way.
export {
  type EventRecordContext,
  toKinesisStreamRecord,
} from '../../shared/handler/toKinesisStreamRecord.ts';

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
