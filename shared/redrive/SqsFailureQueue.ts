import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { parseFailureNotice } from './parseFailureNotice.ts';
import type { FailureMessage, FailureQueue } from './types.ts';

/** Options of {@link SqsFailureQueue}. */
export interface SqsFailureQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /**
   * How long a received message stays invisible to other readers while its range is redriven, in seconds.
   * @default 300
   */
  readonly visibilityTimeoutSeconds?: number;
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

  /** @throws {FailureNoticeError} for a message that is not an on-failure record. */
  public async receive(max: number): Promise<FailureMessage[]> {
    const response = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: 1,
        VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 300,
      }),
    );
    const messages: FailureMessage[] = [];
    for (const message of response.Messages ?? []) {
      const id = message.MessageId ?? '';
      // Kept messages come back after the visibility timeout; one pass handles each once.
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      messages.push({
        id,
        range: parseFailureNotice(message.Body ?? ''),
        handle: message.ReceiptHandle ?? '',
      });
    }
    return messages;
  }

  public async delete(message: FailureMessage): Promise<void> {
    await this.options.client.send(
      new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: message.handle }),
    );
  }
}
