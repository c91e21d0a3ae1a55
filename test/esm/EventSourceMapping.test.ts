import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventSourceMapping,
  type EventSourceMappingEvent,
  type EventSourceMappingOptions,
  FunctionError,
  fileDestination,
  type InvokeResult,
  memoryDestination,
  workerInvoker,
} from '../../local/esm/index.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import {
  createStream,
  deliveredTexts,
  FAST_POLLING,
  putTexts,
  recordingInvoker,
  uniqueStreamName,
} from './streamHelpers.ts';

const SHARD = 'shardId-000000000000';
const failure: InvokeResult = { kind: 'error', error: new Error('boom') };
const ok: InvokeResult = { kind: 'ok', response: { batchItemFailures: [] } };

describe('Class: EventSourceMapping', () => {
  let kinesis: KinesisLocalService;
  let client: KinesisClient;
  const running: EventSourceMapping[] = [];

  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    client = kinesisClient(kinesis.endpoint);
  });

  afterAll(async () => {
    await Promise.all(running.map((esm) => esm.stop()));
    client?.destroy();
    await kinesis?.stop();
  });

  /** A one-shard stream holding `texts`, and a mapping on it (not started). */
  const prepare = async (
    texts: readonly string[],
    options: Omit<EventSourceMappingOptions, 'client' | 'streamName'>,
  ): Promise<{ esm: EventSourceMapping; sequenceNumbers: string[]; streamName: string }> => {
    const streamName = uniqueStreamName('esm');
    await createStream(client, streamName, 1);
    const placed = await putTexts(client, streamName, texts);
    const esm = new EventSourceMapping({ ...FAST_POLLING, ...options, client, streamName });
    running.push(esm);
    return { esm, sequenceNumbers: placed.map((p) => p.sequenceNumber), streamName };
  };

  it('retries a failing batch with exactly the same records until it succeeds', async () => {
    // Prepare
    const texts = ['a', 'b', 'c', 'd', 'e'];
    const { invoker, calls } = recordingInvoker((_, call) => (call < 2 ? failure : ok));
    const { esm, sequenceNumbers } = await prepare(texts, {
      invoker,
      batchSize: 10,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: 5,
    });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();

    // Assess
    expect(calls.map((call) => call.sequenceNumbers)).toStrictEqual([
      sequenceNumbers,
      sequenceNumbers,
      sequenceNumbers,
    ]);
    expect(calls.map((call) => call.result.kind)).toStrictEqual(['error', 'error', 'ok']);
    expect(esm.stats()).toMatchObject([
      { shardId: SHARD, recordsRead: 5, batchesInvoked: 3, retries: 2, failures: 2, recordsDiscarded: 0 },
    ]);
    expect(esm.stats()[0]?.lastSequenceNumber).toBe(sequenceNumbers[4]);
  });

  it('isolates a poison record by bisecting and delivers every other record', async () => {
    // Prepare
    const texts = ['r0', 'r1', 'poison', 'r3', 'r4', 'r5', 'r6', 'r7'];
    const destination = memoryDestination();
    const { invoker, calls } = recordingInvoker((batch) => (batch.includes('poison') ? failure : ok));
    const { esm, sequenceNumbers } = await prepare(texts, {
      invoker,
      batchSize: 8,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 0,
      onFailureDestination: destination,
    });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();

    // Assess
    expect(calls.map((call) => call.texts.length)).toStrictEqual([8, 4, 2, 2, 1, 1, 4]);
    expect(deliveredTexts(calls)).toStrictEqual(texts.filter((text) => text !== 'poison'));
    expect(destination.records).toHaveLength(1);
    expect(destination.records[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 },
      responseContext: { statusCode: 200, functionError: 'Unhandled' },
      KinesisBatchInfo: {
        shardId: SHARD,
        startSequenceNumber: sequenceNumbers[2],
        endSequenceNumber: sequenceNumbers[2],
        batchSize: 1,
        streamArn: esm.streamArn,
      },
    });
  });

  it('redelivers from the lowest batchItemFailures record, in a new batch that may hold more records', async () => {
    // Prepare
    const texts = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const { invoker, calls } = recordingInvoker((_, call, event) =>
      call === 0
        ? {
            kind: 'ok',
            response: {
              batchItemFailures: [
                { itemIdentifier: event.Records[4]?.kinesis.sequenceNumber ?? '' },
                { itemIdentifier: event.Records[3]?.kinesis.sequenceNumber ?? '' },
              ],
            },
          }
        : ok,
    );
    const { esm, sequenceNumbers } = await prepare(texts, { invoker, batchSize: 6 });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();

    // Assess
    expect(calls.map((call) => call.sequenceNumbers)).toStrictEqual([
      sequenceNumbers.slice(0, 6),
      sequenceNumbers.slice(3, 9),
      sequenceNumbers.slice(9, 12),
    ]);
    expect(esm.stats()[0]).toMatchObject({
      retries: 1,
      failures: 1,
      lastSequenceNumber: sequenceNumbers[11],
    });
  });

  it('fails the whole batch when batchItemFailures names a record that is not in it', async () => {
    // Prepare
    const { invoker, calls } = recordingInvoker((_, call) =>
      call === 0 ? { kind: 'ok', response: { batchItemFailures: [{ itemIdentifier: '' }] } } : ok,
    );
    const { esm, sequenceNumbers } = await prepare(['a', 'b', 'c'], {
      invoker,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: 1,
    });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();

    // Assess
    expect(calls.map((call) => call.sequenceNumbers)).toStrictEqual([sequenceNumbers, sequenceNumbers]);
  });

  it('sends records older than maximumRecordAgeSeconds to the on-failure destination without invoking', async () => {
    // Prepare
    const streamName = uniqueStreamName('age');
    await createStream(client, streamName, 1);
    const old = await putTexts(client, streamName, ['old-0', 'old-1', 'old-2']);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const fresh = await putTexts(client, streamName, ['new-0', 'new-1']);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: SHARD,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const stored = (await client.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [];
    const arrivals = stored.map((record) => record.ApproximateArrivalTimestamp?.getTime() ?? 0);
    const [lastOld, firstFresh] = [arrivals[2] ?? 0, arrivals[3] ?? 0];
    expect(firstFresh).toBeGreaterThan(lastOld);
    // A clock 60 s after the moment between the two puts: the old records are past a 60 s max age.
    const now = (): number => (lastOld + firstFresh) / 2 + 60_000;
    const destinationFile = join(await mkdtemp(join(tmpdir(), 'esm-age-')), 'failures', 'on-failure.jsonl');
    const { invoker, calls } = recordingInvoker();
    const esm = new EventSourceMapping({
      ...FAST_POLLING,
      client,
      streamName,
      invoker,
      now,
      maximumRecordAgeSeconds: 60,
      onFailureDestination: fileDestination(destinationFile),
    });
    running.push(esm);

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();

    // Assess
    expect(calls.map((call) => call.texts)).toStrictEqual([['new-0', 'new-1']]);
    const lines = (await readFile(destinationFile, 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toStrictEqual([
      {
        requestContext: {
          requestId: expect.any(String),
          functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:streamfold-local',
          condition: 'RecordAgeExceeded',
          approximateInvokeCount: 0,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST' },
        version: '1.0',
        timestamp: new Date(now()).toISOString(),
        KinesisBatchInfo: {
          shardId: SHARD,
          startSequenceNumber: old[0]?.sequenceNumber,
          endSequenceNumber: old[2]?.sequenceNumber,
          approximateArrivalOfFirstRecord: new Date(arrivals[0] ?? 0).toISOString(),
          approximateArrivalOfLastRecord: new Date(lastOld).toISOString(),
          batchSize: 3,
          streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
        },
      },
    ]);
    expect(fresh).toHaveLength(2);
    await rm(join(destinationFile, '..', '..'), { recursive: true, force: true });
  });

  it('gives a batch up to the on-failure destination once its retries are exhausted, then moves on', async () => {
    // Prepare
    const destination = memoryDestination();
    const events: EventSourceMappingEvent[] = [];
    const { invoker, calls } = recordingInvoker((batch) => (batch.includes('bad') ? failure : ok));
    const { esm, sequenceNumbers } = await prepare(['bad', 'bad', 'bad', 'good-0', 'good-1'], {
      invoker,
      batchSize: 3,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: 2,
      onFailureDestination: destination,
      onEvent: (event) => events.push(event),
    });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();

    // Assess
    expect(calls.map((call) => call.texts)).toStrictEqual([
      ['bad', 'bad', 'bad'],
      ['bad', 'bad', 'bad'],
      ['bad', 'bad', 'bad'],
      ['good-0', 'good-1'],
    ]);
    expect(destination.records).toMatchObject([
      {
        requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
        responseContext: { functionError: 'Unhandled' },
        KinesisBatchInfo: {
          startSequenceNumber: sequenceNumbers[0],
          endSequenceNumber: sequenceNumbers[2],
          batchSize: 3,
        },
      },
    ]);
    expect(events.filter((event) => event.type === 'invocation').map((event) => event.retry)).toStrictEqual([
      0, 1, 2, 0,
    ]);
    expect(esm.stats()[0]).toMatchObject({ recordsDiscarded: 3, lastSequenceNumber: sequenceNumbers[4] });
  });

  it('terminates a timed-out function and retries the batch on a fresh container', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'esm-timeout-'));
    const marker = join(dir, 'marker');
    const logs: { containerToken: string; texts: string[] }[] = [];
    const functions = workerInvoker({
      module: new URL('../fixtures/handlers/probe.ts', import.meta.url),
      env: { PROBE_MARKER: marker },
      onLog: ({ stream, line }) => {
        if (stream === 'stdout' && line.startsWith('{')) logs.push(JSON.parse(line));
      },
    });
    const events: EventSourceMappingEvent[] = [];
    const { esm, sequenceNumbers } = await prepare(['a', 'hang-once', 'b'], {
      invoker: functions.invoke,
      functionTimeoutMs: 1_500,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: 2,
      onEvent: (event) => events.push(event),
    });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();
    await functions.close();

    // Assess
    const invocations = events.filter((event) => event.type === 'invocation');
    expect(
      invocations.map((event) => [event.result.kind, event.firstSequenceNumber, event.batchSize]),
    ).toStrictEqual([
      ['timeout', sequenceNumbers[0], 3],
      ['ok', sequenceNumbers[0], 3],
    ]);
    expect(functions.stats()).toMatchObject({ coldStarts: 2, invocations: 2, timeouts: 1, containers: 0 });
    const [first, second] = logs;
    expect(second?.containerToken).not.toBe(first?.containerToken);
    expect(await readFile(marker, 'utf8')).toBe(first?.containerToken);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops gracefully: the invocation in flight completes and is checkpointed, nothing more is invoked', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { invoker, calls } = recordingInvoker();
    const { esm, sequenceNumbers } = await prepare(['a', 'b', 'c', 'd'], {
      batchSize: 2,
      invoker: async (event, timeoutMs) => {
        entered();
        await held;
        return invoker(event, timeoutMs);
      },
    });
    await esm.start();
    await inFlight;

    // Act
    const stopped = esm.stop();
    release();
    await stopped;

    // Assess
    expect(calls.map((call) => call.texts)).toStrictEqual([['a', 'b']]);
    expect(esm.stats()[0]).toMatchObject({ state: 'stopped', lastSequenceNumber: sequenceNumbers[1] });
  });

  it('reports a handler error as a FunctionError with its type', async () => {
    // Prepare
    const functions = workerInvoker({ module: new URL('../fixtures/handlers/probe.ts', import.meta.url) });
    const destination = memoryDestination();
    const events: EventSourceMappingEvent[] = [];
    const { esm } = await prepare(['throw'], {
      invoker: functions.invoke,
      maximumRetryAttempts: 0,
      onFailureDestination: destination,
      onEvent: (event) => events.push(event),
    });

    // Act
    await esm.start();
    await esm.drain();
    await esm.stop();
    await functions.close();

    // Assess
    const results = events.flatMap((event) => (event.type === 'invocation' ? [event.result] : []));
    expect(results).toHaveLength(1);
    const error = results[0]?.kind === 'error' ? results[0].error : undefined;
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ errorType: 'TypeError', message: 'poison record' });
    expect(destination.records).toHaveLength(1);
  });

  describe('with tumbling windows (TumblingWindowInSeconds)', () => {
    /** The tumbling-window fields of a recorded event. */
    const windowOf = (event: KinesisStreamEvent) => event as KinesisStreamTumblingWindowEvent;
    /** A handler that counts the records of its window in its state. */
    const counting = (texts: readonly string[], _call: number, event: KinesisStreamEvent): InvokeResult => {
      const state = windowOf(event).state ?? {};
      const n = Number(state.n ?? 0) + texts.length;
      return {
        kind: 'ok',
        response: { state: windowOf(event).isFinalInvokeForWindow ? {} : { n: String(n) } },
      };
    };

    it('passes the state from invocation to invocation and ends the interval with a final invocation', async () => {
      // Prepare
      const { invoker, calls } = recordingInvoker(counting);
      const { esm } = await prepare(['a', 'b', 'c', 'd', 'e'], {
        invoker,
        batchSize: 2,
        tumblingWindowSeconds: 1,
      });

      // Act
      await esm.start();
      await esm.drain();
      await esm.stop();

      // Assess
      const finals = calls.filter((call) => windowOf(call.event).isFinalInvokeForWindow);
      expect(finals.length).toBeGreaterThanOrEqual(1);
      expect(finals.every((call) => call.event.Records.length === 0)).toBe(true);
      // Every record reaches a final invocation through the state: the finals' counts add up to 5.
      expect(finals.reduce((n, call) => n + Number(windowOf(call.event).state?.n ?? 0), 0)).toBe(5);
      for (const call of calls) {
        const { window } = windowOf(call.event);
        expect(Date.parse(window.end) - Date.parse(window.start)).toBe(1000);
        for (const record of call.event.Records) {
          const arrival = record.kinesis.approximateArrivalTimestamp * 1000;
          expect(arrival).toBeGreaterThanOrEqual(Date.parse(window.start));
          expect(arrival).toBeLessThan(Date.parse(window.end));
        }
      }
      expect(esm.stats()[0]).toMatchObject({ windowsClosed: finals.length });
    });

    it('retries a failed invocation with the state it had, and a response without state is a failure', async () => {
      // Prepare: call 1 throws, call 2 answers without state; both must be retried with their state.
      const { invoker, calls } = recordingInvoker((texts, call, event) =>
        call === 1 ? failure : call === 2 ? ok : counting(texts, call, event),
      );
      const { esm } = await prepare(['a', 'b', 'c', 'd'], {
        invoker,
        batchSize: 2,
        tumblingWindowSeconds: 2,
        bisectBatchOnFunctionError: false,
      });

      // Act
      await esm.start();
      await esm.drain();
      await esm.stop();

      // Assess
      for (const failed of [1, 2]) {
        const retry = calls[failed + 1] as (typeof calls)[number];
        expect(retry.texts).toStrictEqual(calls[failed]?.texts);
        expect(windowOf(retry.event).state).toStrictEqual(
          windowOf(calls[failed]?.event as KinesisStreamEvent).state,
        );
      }
      const finals = calls.filter((call) => windowOf(call.event).isFinalInvokeForWindow);
      expect(finals.reduce((n, call) => n + Number(windowOf(call.event).state?.n ?? 0), 0)).toBe(4);
    });

    it('ends the window early when the state passes 1 MB, then goes on with a fresh state', async () => {
      // Prepare
      const big = 'x'.repeat(1_100_000);
      const { invoker, calls } = recordingInvoker((texts, _call, event) => {
        const { state, isFinalInvokeForWindow } = windowOf(event);
        if (isFinalInvokeForWindow) return { kind: 'ok', response: { state: {} } };
        return { kind: 'ok', response: { state: { n: String(Number(state?.n ?? 0) + texts.length), big } } };
      });
      const { esm } = await prepare(['a', 'b', 'c'], { invoker, batchSize: 1, tumblingWindowSeconds: 2 });

      // Act
      await esm.start();
      await esm.drain();
      await esm.stop();

      // Assess: every batch is followed by an early end carrying its state, and the next batch starts fresh.
      calls.forEach((call, i) => {
        if (call.texts.length === 0) return;
        expect(windowOf(call.event).state?.n).toBeUndefined();
        const next = windowOf(calls[i + 1]?.event as KinesisStreamEvent);
        expect(next).toMatchObject({ isFinalInvokeForWindow: true, isWindowTerminatedEarly: true });
        expect(next.state?.n).toBe('1');
      });
      expect(calls.flatMap((call) => call.texts)).toStrictEqual(['a', 'b', 'c']);
    });
  });
});
