import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeadLetterError } from './errors.ts';
import type { StoredLetter } from './types.ts';

const text = (item: Readonly<Record<string, AttributeValue>>, name: string): string => item[name]?.S ?? '';

const optionalNumber = (item: Readonly<Record<string, AttributeValue>>, name: string): number | undefined => {
  const value = item[name]?.N;
  return value === undefined ? undefined : Number(value);
};

/**
 * Reads a dead-letter item (as `buildDeadLetterItem` wrote it, plus the replay marks) into a
 * {@link StoredLetter}.
 *
 * @throws {DeadLetterError} when the item has no key or an unknown kind: not a streamfold dead letter.
 * @example
 * const letter = readStoredLetter(response.Item);
 */
export const readStoredLetter = (item: Readonly<Record<string, AttributeValue>>): StoredLetter => {
  const pk = text(item, 'pk');
  const sk = text(item, 'sk');
  const kind = text(item, 'kind');
  if (pk === '' || sk === '' || (kind !== 'rejected' && kind !== 'late')) {
    throw new DeadLetterError(
      `Item ${pk || '?'} / ${sk || '?'} is not a streamfold dead letter (kind ${JSON.stringify(kind)})`,
    );
  }
  const subIndex = optionalNumber(item, 'subIndex');
  const line = optionalNumber(item, 'line');
  const payloadBytes = optionalNumber(item, 'payloadBytes');
  const payload = item.payload?.B;
  const windows = item.windows?.L?.map((w) => w.S ?? '');
  const replayedAt = item.replayedAt?.S;
  const replayOutcome = item.replayOutcome?.S;
  const replayPending = item.replayPending?.SS;
  return {
    pk,
    sk,
    kind,
    reason: text(item, 'reason'),
    message: text(item, 'message'),
    shardId: text(item, 'shardId'),
    sequenceNumber: text(item, 'sequenceNumber'),
    partitionKey: text(item, 'partitionKey'),
    arrivedAt: text(item, 'arrivedAt'),
    recordedAt: text(item, 'recordedAt'),
    excerpt: text(item, 'excerpt'),
    ...(subIndex !== undefined ? { subIndex } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(windows !== undefined ? { windows } : {}),
    ...(payload !== undefined ? { payload } : {}),
    ...(payloadBytes !== undefined ? { payloadBytes } : {}),
    ...(replayedAt !== undefined ? { replayedAt } : {}),
    ...(replayOutcome !== undefined ? { replayOutcome } : {}),
    ...(replayPending !== undefined ? { replayPending } : {}),
  };
};
