import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RecordOrigin, SourceRecord } from '../record/types.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import { DEAD_LETTER_ATTRIBUTES as D } from './attributes.ts';

/** Payloads larger than this are not copied into the dead letter; its `shardId` and `sequenceNumber` point to the record in the stream. */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 300 * 1024;

/** One record set aside. */
export interface DeadLetter {
  readonly kind: 'rejected' | 'late';
  readonly reason: RejectionReason | 'late';
  readonly message: string;
  readonly origin: RecordOrigin;
  readonly excerpt: string;
  readonly source: SourceRecord;
  /** For late records: the windows they missed (ISO starts). */
  readonly windows?: readonly string[];
}

/**
 * The sort key of a dead letter: deterministic from the record, so a redelivered record overwrites its own
 * dead letter instead of adding a second one (exact counts under redelivery).
 *
 * @example
 * deadLetterSortKey(origin, arrivalMs, 'shardId-000000000000');
 */
export const deadLetterSortKey = (origin: RecordOrigin, arrivalMs: number, shardId: string): string =>
  `${new Date(arrivalMs).toISOString()}#${shardId}#${origin.sequenceNumber}#${origin.subIndex ?? ''}#${origin.line ?? ''}`;

/**
 * Builds the dead-letter item: partition `<pipeline>#<arrival day>`, the reason and message, where the record
 * came from, and its original payload (base64-able binary) so it can be replayed.
 *
 * @example
 * const item = buildDeadLetterItem('ohlc', 'shardId-000000000000', letter, 14 * 86_400_000, Date.now());
 */
export const buildDeadLetterItem = (
  pipeline: string,
  shardId: string,
  letter: DeadLetter,
  retentionMs: number,
  nowMs: number,
): Record<string, AttributeValue> => {
  const { source, origin } = letter;
  const arrival = new Date(source.arrivalMs).toISOString();
  const item: Record<string, AttributeValue> = {
    [D.pk]: { S: `${pipeline}#${arrival.slice(0, 10)}` },
    [D.sk]: { S: deadLetterSortKey(origin, source.arrivalMs, shardId) },
    pipeline: { S: pipeline },
    kind: { S: letter.kind },
    reason: { S: letter.reason },
    message: { S: letter.message.slice(0, 1000) },
    shardId: { S: shardId },
    sequenceNumber: { S: origin.sequenceNumber },
    partitionKey: { S: source.partitionKey },
    arrivedAt: { S: arrival },
    excerpt: { S: letter.excerpt },
    recordedAt: { S: new Date(nowMs).toISOString() },
    [D.expiresAt]: { N: String(Math.ceil((nowMs + retentionMs) / 1000)) },
  };
  if (origin.subIndex !== undefined) item.subIndex = { N: String(origin.subIndex) };
  if (origin.line !== undefined) item.line = { N: String(origin.line) };
  if (letter.windows !== undefined && letter.windows.length > 0)
    item.windows = { L: letter.windows.map((w) => ({ S: w })) };
  if (source.data.length <= MAX_DEAD_LETTER_PAYLOAD_BYTES) {
    item.payload = { B: source.data };
  } else {
    item.payloadBytes = { N: String(source.data.length) };
  }
  return item;
};
