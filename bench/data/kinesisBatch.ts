import type { KinesisStreamEvent } from 'aws-lambda';
import { kinesisEvent, sequenceNumber } from '../../test/helpers/kinesisEvent.ts';
import type { GeneratedRecord } from './types.ts';

/**
 * A generated batch as Lambda delivers it: a one-shard `KinesisStreamEvent` with base64 payloads and
 * increasing sequence numbers starting at `firstSequence`.
 *
 * @example
 * const event = kinesisBatch(requestsJson({ count: 10_000 }));
 */
export const kinesisBatch = (records: readonly GeneratedRecord[], firstSequence = 1): KinesisStreamEvent =>
  kinesisEvent(
    records.map((record, i) => ({
      data: record.text,
      sequenceNumber: sequenceNumber(firstSequence + i),
      arrivalMs: record.arrivalMs,
    })),
  );

/**
 * Total payload bytes of a batch (what Kinesis counts against 1 MB/s per shard), after base64 decoding.
 *
 * @example
 * payloadBytes(event); // 2_000_000
 */
export const payloadBytes = (event: KinesisStreamEvent): number => {
  let bytes = 0;
  for (const record of event.Records) {
    const b64 = record.kinesis.data;
    const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
    bytes += (b64.length / 4) * 3 - padding;
  }
  return bytes;
};
