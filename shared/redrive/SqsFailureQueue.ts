import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FailureNoticeError } from './errors.ts';
import { parseFailureNotice } from './parseFailureNotice.ts';
import type { FailureMessage, FailureQueue, UnreadableMessage } from './types.ts';

/** Options of {@link SqsFailureQueue}. */
export interface SqsFailureQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /**
   * How long a received message stays invisible to other readers while its range is redriven, in seconds.
   * @default 300
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Receives in a row that bring back only messages this run has handled (their visibility timeout ran
   * out) before the queue is taken as done.
   * @default 10
   */
  readonly maxSeenOnlyReceives?: number;
}

/**
 * The on-failure SQS queue the construct creates, read as a {@link FailureQueue}: `ReceiveMessage` (up to
 * 10 at a time, short wait), `DeleteMessage` by receipt handle once a range is applied. A message that is
 * not deleted (its range not retained, or not applied) becomes visible again after the visibility
 * timeout, and moves to the queue's own dead-letter queue after `maxReceiveCount` receives.
 *
 * @example
 * const queue = new SqsFailureQueue({ client: new SQSClient({}), queueUrl });
 */
export class SqsFailureQueue implements FailureQueue {
  public readonly description: string;
  private readonly seen = new Set<string>();

  public constructor(private readonly options: SqsFailureQueueOptions) {
    this.description = `queue ${options.queueUrl}`;
  }

  /**
   * Receives until a response holds a message this run has not handled yet (or holds none: the queue is
   * done). A response of only handled messages (kept ones whose visibility timeout ran out) is not the
   * end of the queue: receiving goes on, up to `maxSeenOnlyReceives` such responses in a row. A message
   * that is not an on-failure record comes back as an {@link UnreadableMessage}.
   */
  public async receive(max: number): Promise<(FailureMessage | UnreadableMessage)[]> {
    const limit = this.options.maxSeenOnlyReceives ?? 10;
    for (let seenOnly = 0; seenOnly < limit; seenOnly++) {
      const response = await this.options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
          WaitTimeSeconds: 1,
          VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 300,
        }),
      );
      const received = response.Messages ?? [];
      if (received.length === 0) return [];
      const messages: (FailureMessage | UnreadableMessage)[] = [];
      for (const message of received) {
        const id = message.MessageId ?? '';
        // Kept messages come back after the visibility timeout; one pass handles each once.
        if (this.seen.has(id)) continue;
        this.seen.add(id);
        const handle = message.ReceiptHandle ?? '';
        try {
          messages.push({ id, range: parseFailureNotice(message.Body ?? ''), handle });
        } catch (error) {
          if (!(error instanceof FailureNoticeError)) throw error;
          error.message = `message ${id}: ${error.message}`;
          messages.push({ id, handle, error });
        }
      }
      if (messages.length > 0) return messages;
    }
    return [];
  }

  public async delete(message: FailureMessage): Promise<void> {
    await this.options.client.send(
      new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: message.handle }),
    );
  }
}
