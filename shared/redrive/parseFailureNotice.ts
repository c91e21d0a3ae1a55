import { FailureNoticeError } from './errors.ts';
import type { FailedRange } from './types.ts';

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Reads the range out of an on-failure record (the JSON Lambda sends to an SQS or SNS on-failure
 * destination of a Kinesis event source mapping; the local runtime writes the same document).
 *
 * @throws {FailureNoticeError} naming what is missing when the document is not such a record.
 * @example
 * const range = parseFailureNotice(message.Body);
 */
export const parseFailureNotice = (body: string): FailedRange => {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    throw new FailureNoticeError(`The message is not JSON: ${body.slice(0, 80)}`, { cause: error });
  }
  const info = (document as { KinesisBatchInfo?: Record<string, unknown> } | null)?.KinesisBatchInfo;
  if (
    info === undefined ||
    !isText(info.shardId) ||
    !isText(info.startSequenceNumber) ||
    !isText(info.endSequenceNumber) ||
    !isText(info.streamArn)
  ) {
    throw new FailureNoticeError(
      `The message has no KinesisBatchInfo with shardId, startSequenceNumber, endSequenceNumber and streamArn: ${body.slice(0, 120)}`,
    );
  }
  return {
    shardId: info.shardId,
    startSequenceNumber: info.startSequenceNumber,
    endSequenceNumber: info.endSequenceNumber,
    streamArn: info.streamArn,
    batchSize: typeof info.batchSize === 'number' ? info.batchSize : 0,
    approximateArrivalOfFirstRecord: isText(info.approximateArrivalOfFirstRecord)
      ? info.approximateArrivalOfFirstRecord
      : '',
  };
};
