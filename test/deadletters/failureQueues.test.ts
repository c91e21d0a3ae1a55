import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailureNoticeError } from '../../shared/redrive/errors.ts';
import { FileFailureQueue } from '../../shared/redrive/FileFailureQueue.ts';
import { parseFailureNotice } from '../../shared/redrive/parseFailureNotice.ts';
import { SqsFailureQueue } from '../../shared/redrive/SqsFailureQueue.ts';

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
    await queue.delete(first[0] as (typeof first)[number]);
    writeFileSync(path, `${notice('1', '2')}\n${notice('3', '4')}\n${notice('5', '6')}\n`);
    const second = await queue.receive(10);
    const later = await new FileFailureQueue(path).receive(10);

    // Assess
    expect(first.map((m) => m.range.startSequenceNumber)).toStrictEqual(['1', '3']);
    expect(second.map((m) => m.range.startSequenceNumber)).toStrictEqual(['5']);
    expect(later.map((m) => m.range.startSequenceNumber)).toStrictEqual(['3', '5']);
    expect(readFileSync(`${path}.done`, 'utf8').trim().split('\n')).toStrictEqual([first[0]?.id]);
  });

  it('reads a missing file as an empty queue, and names the line of a malformed one', async () => {
    expect(await new FileFailureQueue(join(dir, 'none.jsonl')).receive(10)).toStrictEqual([]);
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, `${notice('1', '2')}\n{"oops":1}\n`);
    await expect(new FileFailureQueue(path).receive(10)).rejects.toThrow(
      /bad\.jsonl line 2: The message has no KinesisBatchInfo/,
    );
  });
});

describe('Class: SqsFailureQueue', () => {
  const sqs = mockClient(SQSClient);

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
    await queue.delete(first[0] as (typeof first)[number]);

    // Assess
    expect(first).toStrictEqual([{ id: 'm1', handle: 'h1', range: parseFailureNotice(notice('1', '2')) }]);
    expect(again).toStrictEqual([]); // the same message again (visibility timeout over): handled once per run
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
});
