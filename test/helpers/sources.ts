import type { SourceRecord } from '../../shared/record/types.ts';

/** Builds Kinesis-like source records from text payloads, with increasing sequence numbers. */
export const sourcesFrom = (
  payloads: readonly (string | Uint8Array)[],
  arrivalMs: number,
  firstSequence = 1,
): SourceRecord[] =>
  payloads.map((payload, i) => ({
    data: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
    sequenceNumber: String(firstSequence + i).padStart(20, '0'),
    partitionKey: `pk-${i % 7}`,
    arrivalMs,
  }));
