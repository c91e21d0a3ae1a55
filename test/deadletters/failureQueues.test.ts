import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderRedriveReport, runRedrive } from '../../cli/commands/redrive.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { FailureNoticeError } from '../../shared/redrive/errors.ts';
import { FileFailureQueue } from '../../shared/redrive/FileFailureQueue.ts';
import { parseFailureNotice } from '../../shared/redrive/parseFailureNotice.ts';
import { Redriver } from '../../shared/redrive/Redriver.ts';
import { SqsFailureQueue } from '../../shared/redrive/SqsFailureQueue.ts';
import type { FailureMessage, UnreadableMessage } from '../../shared/redrive/types.ts';

/** The first sequence number of each message received, `unreadable` for one that is not a notice. */
const starts = (messages: readonly (FailureMessage | UnreadableMessage)[]): string[] =>
  messages.map((m) => ('range' in m ? m.range.startSequenceNumber : 'unreadable'));

/** One mock of the SQS client for the file (a second `mockClient` would replace the first). */
const sqs = mockClient(SQSClient);

const notice = (start: string, end: string): string =>
  JSON.stringify({
    requestContext: {
      requestId: 'r',
      functionArn: 'f',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    version: '1.0',
    timestamp: '2026-12-06T10:00:00.000Z',
    KinesisBatchInfo: {
      shardId: 'shardId-000000000000',
      startSequenceNumber: start,
      endSequenceNumber: end,
      approximateArrivalOfFirstRecord: '2026-12-06T09:59:00.000Z',
      approximateArrivalOfLastRecord: '2026-12-06T09:59:01.000Z',
      batchSize: 2,
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/trades',
    },
  });

describe('Function: parseFailureNotice', () => {
  it('reads the range of an on-failure record', () => {
    expect(parseFailureNotice(notice('1', '9'))).toStrictEqual({
      shardId: 'shardId-000000000000',
      startSequenceNumber: '1',
      endSequenceNumber: '9',
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/trades',
      batchSize: 2,
      approximateArrivalOfFirstRecord: '2026-12-06T09:59:00.000Z',
    });
  });

  it.each([
    ['not JSON', 'The message is not JSON'],
    ['{"KinesisBatchInfo":{"shardId":"s"}}', 'has no KinesisBatchInfo with shardId, startSequenceNumber'],
    ['null', 'has no KinesisBatchInfo'],
  ])('rejects %s', (body, message) => {
    expect(() => parseFailureNotice(body)).toThrow(FailureNoticeError);
    expect(() => parseFailureNotice(body)).toThrow(message);
  });
});

describe('Class: FileFailureQueue', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'streamfold-queue-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands each message out once, and a deleted one never again, while the file keeps growing', async () => {
    // Prepare
    const path = join(dir, 'p.jsonl');
    writeFileSync(path, `${notice('1', '2')}\n${notice('3', '4')}\n`);
    const queue = new FileFailureQueue(path);

    // Act
    const first = await queue.receive(10);
    await queue.delete(first[0] as FailureMessage);
    writeFileSync(path, `${notice('1', '2')}\n${notice('3', '4')}\n${notice('5', '6')}\n`);
    const second = await queue.receive(10);
    const later = await new FileFailureQueue(path).receive(10);

    // Assess
    expect(starts(first)).toStrictEqual(['1', '3']);
    expect(starts(second)).toStrictEqual(['5']);
    expect(starts(later)).toStrictEqual(['3', '5']);
    expect(readFileSync(`${path}.done`, 'utf8').trim().split('\n')).toStrictEqual([first[0]?.id]);
  });

  it('reads a missing file as an empty queue, and hands a malformed line out as unreadable, naming it', async () => {
    expect(await new FileFailureQueue(join(dir, 'none.jsonl')).receive(10)).toStrictEqual([]);
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, `${notice('1', '2')}\n{"oops":1}\n${notice('3', '4')}\n`);
    const messages = await new FileFailureQueue(path).receive(10);
    expect(starts(messages)).toStrictEqual(['1', 'unreadable', '3']);
    const bad = messages[1] as UnreadableMessage;
    expect(bad.error).toBeInstanceOf(FailureNoticeError);
    expect(bad.error.message).toMatch(/bad\.jsonl line 2: The message has no KinesisBatchInfo/);
  });
});

describe('Class: SqsFailureQueue', () => {
  afterEach(() => {
    sqs.reset();
  });

  it('receives up to 10 messages with a visibility timeout, and deletes by receipt handle', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'h1', Body: notice('1', '2') }] });
    sqs.on(DeleteMessageCommand).resolves({});
    const queue = new SqsFailureQueue({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://q',
    });

    // Act
    const first = await queue.receive(50);
    const again = await queue.receive(50);
    await queue.delete(first[0] as FailureMessage);

    // Assess
    expect(first).toStrictEqual([{ id: 'm1', handle: 'h1', range: parseFailureNotice(notice('1', '2')) }]);
    // The same message again, every time (visibility timeout over): handled once per run, then given up
    expect(again).toStrictEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1 + 10);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toStrictEqual({
      QueueUrl: 'https://q',
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      VisibilityTimeout: 300,
    });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toStrictEqual({
      QueueUrl: 'https://q',
      ReceiptHandle: 'h1',
    });
  });

  it('keeps receiving past a response that holds only messages it handled: that is not the end of the queue', async () => {
    // Prepare: m1 comes back (its visibility timeout ran out) before m2 does
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'h1', Body: notice('1', '2') }] })
      .resolvesOnce({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'h1b', Body: notice('1', '2') }] })
      .resolvesOnce({ Messages: [{ MessageId: 'm2', ReceiptHandle: 'h2', Body: notice('3', '4') }] })
      .resolves({});
    const queue = new SqsFailureQueue({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://q',
    });

    // Act
    const first = await queue.receive(10);
    const second = await queue.receive(10);
    const third = await queue.receive(10);

    // Assess
    expect(starts(first)).toStrictEqual(['1']);
    expect(starts(second)).toStrictEqual(['3']);
    expect(third).toStrictEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(4);
  });

  it('hands a message that is not an on-failure record out as unreadable, with the others', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolvesOnce({
      Messages: [
        { MessageId: 'm1', ReceiptHandle: 'h1', Body: 'hello' },
        { MessageId: 'm2', ReceiptHandle: 'h2', Body: notice('3', '4') },
      ],
    });
    const queue = new SqsFailureQueue({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrl: 'https://q',
    });

    // Act
    const messages = await queue.receive(10);

    // Assess
    expect(starts(messages)).toStrictEqual(['unreadable', '3']);
    expect((messages[0] as UnreadableMessage).error.message).toBe(
      'message m1: The message is not JSON: hello',
    );
  });
});

describe('Class: Redriver (queue handling)', () => {
  const kinesis = mockClient(KinesisClient);
  const dynamodb = mockClient(DynamoDBClient);

  afterEach(() => {
    sqs.reset();
    kinesis.reset();
    dynamodb.reset();
  });

  const redriver = () =>
    new Redriver({
      definition: sensorStats,
      dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
      kinesis: new KinesisClient({ region: 'us-east-1' }),
      resultsTable: 'results',
      deadLetterTable: 'dead-letters',
      queue: new SqsFailureQueue({ client: new SQSClient({ region: 'us-east-1' }), queueUrl: 'https://q' }),
    });

  it('reports a malformed message as failed, keeps it, and redrives the rest', async () => {
    // Prepare: m1 is not a notice; m2's shard is gone from the stream
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'm1', ReceiptHandle: 'h1', Body: '{"oops":1}' },
          { MessageId: 'm2', ReceiptHandle: 'h2', Body: notice('3', '4') },
        ],
      })
      .resolves({});
    kinesis
      .on(GetShardIteratorCommand)
      .rejects(Object.assign(new Error('Shard not found'), { name: 'ResourceNotFoundException' }));

    // Act
    const report = await redriver().run();

    // Assess
    expect(report).toMatchObject({ messages: 2, applied: 0, notRetained: 1, failed: 1 });
    expect(report.ranges[0]?.detail).toMatch(/^not an on-failure record, left in the queue: message m1:/);
    expect(report.ranges[1]?.startSequenceNumber).toBe('3');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    const kept = renderRedriveReport(sensorStats, report)
      .split('\n')
      .filter((line) => line.endsWith('(message kept)'));
    expect(kept).toHaveLength(2);
    expect(kept[0]).toMatch(/^not an on-failure record, left in the queue: message m1:/);
    expect(kept[1]).toMatch(/^shardId-\S+ 3…4: /);
  });

  it('goes on past a receive of only messages handled already, to the ones behind them', async () => {
    // Prepare: m2 (kept) comes back before m3
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm2', ReceiptHandle: 'h2', Body: notice('3', '4') }] })
      .resolvesOnce({ Messages: [{ MessageId: 'm2', ReceiptHandle: 'h2b', Body: notice('3', '4') }] })
      .resolvesOnce({ Messages: [{ MessageId: 'm3', ReceiptHandle: 'h3', Body: notice('5', '6') }] })
      .resolves({});
    kinesis
      .on(GetShardIteratorCommand)
      .rejects(Object.assign(new Error('Shard not found'), { name: 'ResourceNotFoundException' }));

    // Act
    const report = await redriver().run();

    // Assess
    expect(report.ranges.map((r) => r.startSequenceNumber)).toStrictEqual(['3', '5']);
  });
});

describe('Command: redrive --queue <name>', () => {
  afterEach(() => {
    sqs.reset();
    vi.unstubAllEnvs();
  });

  it('names a queue that does not exist, and the region it looked in', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    sqs
      .on(GetQueueUrlCommand)
      .rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));

    // Act
    const run = runRedrive('sensor-stats', { queue: 'sensor-stats-failures', region: 'eu-west-1' });

    // Assess
    await expect(run).rejects.toThrow(
      'On-failure queue "sensor-stats-failures" does not exist in eu-west-1: give the stack output <pipeline>FailureQueueName or the queue\'s URL (and the stack\'s --region/--profile)',
    );
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toStrictEqual({
      QueueName: 'sensor-stats-failures',
    });
  });
});
