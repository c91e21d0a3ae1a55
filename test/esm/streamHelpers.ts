import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { EventSourceMappingOptions } from '../../local/esm/EventSourceMapping.ts';
import type { InvokeResult, Invoker } from '../../local/esm/types.ts';

/** Polling fast enough for tests (the defaults are Lambda's: 1 s idle polls, a 5 s batching window). */
export const FAST_POLLING = {
  idlePollIntervalMs: 50,
  minGetRecordsIntervalMs: 20,
  retryDelayMs: 10,
  maxRetryDelayMs: 200,
  shardDiscoveryIntervalMs: 500,
  maxBatchingWindowMs: 0,
  startingPosition: 'TRIM_HORIZON',
} as const satisfies Partial<EventSourceMappingOptions>;

let streams = 0;

/** A fresh stream name for this test file's kinesis-local. */
export const uniqueStreamName = (prefix: string): string => {
  streams += 1;
  return `${prefix}-${process.pid}-${streams}`;
};

/** Creates a provisioned stream and waits until it is ACTIVE. */
export const createStream = async (
  client: KinesisClient,
  name: string,
  shardCount: number,
): Promise<void> => {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  for (;;) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Puts UTF-8 records in order (PutRecords batches of 500) and returns their sequence numbers. */
export const putTexts = async (
  client: KinesisClient,
  stream: string,
  texts: readonly string[],
  partitionKey: (text: string, index: number) => string = () => 'pk',
): Promise<{ sequenceNumber: string; shardId: string }[]> => {
  const placed: { sequenceNumber: string; shardId: string }[] = [];
  for (let start = 0; start < texts.length; start += 500) {
    const chunk = texts.slice(start, start + 500);
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map((text, i) => ({
          Data: Buffer.from(text, 'utf8'),
          PartitionKey: partitionKey(text, start + i),
        })),
      }),
    );
    if ((out.FailedRecordCount ?? 0) > 0)
      throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
    for (const entry of out.Records ?? []) {
      placed.push({ sequenceNumber: entry.SequenceNumber ?? '', shardId: entry.ShardId ?? '' });
    }
  }
  return placed;
};

/** The UTF-8 text of an event record. */
export const textOf = (record: KinesisStreamRecord): string =>
  Buffer.from(record.kinesis.data, 'base64').toString('utf8');

/** One invocation seen by a {@link recordingInvoker}. */
export interface RecordedCall {
  readonly event: KinesisStreamEvent;
  readonly shardId: string;
  readonly texts: readonly string[];
  readonly sequenceNumbers: readonly string[];
  readonly result: InvokeResult;
}

/**
 * An Invoker stub that records every call and answers with `decide(texts, call)` (`call` counts from 0).
 */
export const recordingInvoker = (
  decide: (texts: readonly string[], call: number, event: KinesisStreamEvent) => InvokeResult = () => ({
    kind: 'ok',
    response: { batchItemFailures: [] },
  }),
): { readonly invoker: Invoker; readonly calls: RecordedCall[] } => {
  const calls: RecordedCall[] = [];
  const invoker: Invoker = async (event) => {
    const texts = event.Records.map(textOf);
    const result = decide(texts, calls.length, event);
    calls.push({
      event,
      shardId: event.Records[0]?.eventID.split(':')[0] ?? '',
      texts,
      sequenceNumbers: event.Records.map((r) => r.kinesis.sequenceNumber),
      result,
    });
    return result;
  };
  return { invoker, calls };
};

/** Successful calls' texts, in call order. */
export const deliveredTexts = (calls: readonly RecordedCall[]): string[] =>
  calls.filter((call) => call.result.kind === 'ok').flatMap((call) => call.texts);
