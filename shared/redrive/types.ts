import type { FailureNoticeError } from './errors.ts';

/** The part of Lambda's on-failure record (`KinesisBatchInfo`) that says which range was given up on. */
export interface FailedRange {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
  readonly streamArn: string;
  /** ISO 8601. */
  readonly approximateArrivalOfFirstRecord: string;
}

/** One message of the on-failure queue. */
export interface FailureMessage {
  /** Stable while the message is in the queue (SQS message id; a file line's number and digest). */
  readonly id: string;
  readonly range: FailedRange;
  /** What deleting it needs (an SQS receipt handle). */
  readonly handle: string;
}

/** A message of the on-failure queue that is not an on-failure record: reported, kept in the queue. */
export interface UnreadableMessage {
  readonly id: string;
  readonly handle: string;
  /** What is wrong with it (names the message or line). */
  readonly error: FailureNoticeError;
}

/**
 * The on-failure destination as redrive reads it: SQS on AWS ({@link SqsFailureQueue}), the local
 * runtime's JSON-lines file locally ({@link FileFailureQueue}); one interface, one redrive.
 */
export interface FailureQueue {
  /** What it is, for messages (`queue https://…`, `file .streamfold/…`). */
  readonly description: string;
  /**
   * Messages not handed out yet in this run, oldest first, at most `max` (an empty array: none left).
   * A message that is not an on-failure record comes back as an {@link UnreadableMessage}, never a throw.
   */
  receive(max: number): Promise<(FailureMessage | UnreadableMessage)[]>;
  /** Deletes a message once its range is applied. */
  delete(message: FailureMessage): Promise<void>;
}
