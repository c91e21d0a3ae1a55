import { RemovalPolicy } from 'aws-cdk-lib';
import type { IEventSourceDlq } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FAILURE_QUEUE_SETTINGS } from './defaults.ts';

/** The event source mapping's on-failure queue and the dead-letter queue behind it. */
export interface FailureQueues {
  /** Receives one message per batch the event source mapping gave up on (shard id and sequence range). */
  readonly onFailure: Queue;
  /** Receives the on-failure messages that were received `maxReceiveCount` times without being deleted. */
  readonly deadLetter: Queue;
}

/**
 * The on-failure destination of the event source mapping: an SQS queue (SSE-SQS, TLS only) with its own
 * redrive policy to a second queue, so that a message that keeps failing to be handled is kept, not lost.
 * The messages hold metadata only (which shard, which sequence numbers), never record data.
 *
 * @example
 * const queues = buildFailureQueues(this);
 */
export const buildFailureQueues = (scope: Construct): FailureQueues => {
  // Failure notices point into the stream, which is deleted with the stack: keep neither.
  const removalPolicy = RemovalPolicy.DESTROY;
  const deadLetter = new Queue(scope, 'FailureDeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: FAILURE_QUEUE_SETTINGS.retentionPeriod,
    removalPolicy,
  });
  const onFailure = new Queue(scope, 'FailureQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: FAILURE_QUEUE_SETTINGS.retentionPeriod,
    deadLetterQueue: { queue: deadLetter, maxReceiveCount: FAILURE_QUEUE_SETTINGS.maxReceiveCount },
    removalPolicy,
  });
  return { onFailure, deadLetter };
};

/**
 * The queue as an on-failure destination, without the grants `SqsDlq` adds (`sqs:GetQueueAttributes`,
 * `sqs:GetQueueUrl`): the construct grants exactly `sqs:SendMessage` itself.
 *
 * @example
 * new EventSourceMapping(this, 'Mapping', { ..., onFailure: sendOnlyDestination(queues.onFailure) });
 */
export const sendOnlyDestination = (queue: Queue): IEventSourceDlq => ({
  bind: () => ({ destination: queue.queueArn }),
});
