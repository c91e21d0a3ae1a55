import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSourceMapping, type EventSourceMappingEvent } from '../../local/esm/index.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import { createStream, deliveredTexts, FAST_POLLING, putTexts, recordingInvoker } from './streamHelpers.ts';

/** How long the proxy holds every `GetRecords` call before passing it on. */
const GET_RECORDS_DELAY_MS = 1_200;
/** Less than the delay: every `GetRecords` call runs out of time at first. */
const REQUEST_TIMEOUT_MS = 300;

/**
 * A proxy in front of kinesis-local that passes every call on, `GetRecords` only after a pause: a server
 * that answers every read, but slower than the mapping's request timeout (kinesis-local once it holds
 * many records).
 */
const slowGetRecordsProxy = async (target: string, delay: { ms: number }): Promise<Server> => {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const slow = String(incoming.headers['x-amz-target'] ?? '').endsWith('.GetRecords');
      if (slow && delay.ms === Number.POSITIVE_INFINITY) return; // a server that never answers
      setTimeout(
        () => {
          const forwarded = request(
            {
              host: upstream.hostname,
              port: upstream.port,
              method: incoming.method,
              path: incoming.url,
              headers: incoming.headers,
            },
            (answer) => {
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(outgoing);
            },
          );
          forwarded.on('error', () => outgoing.destroy());
          forwarded.end(Buffer.concat(chunks));
        },
        slow ? delay.ms : 0,
      );
    });
    outgoing.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
};

/** Resolves once `ready()` holds, checking every 20 ms; fails after `timeoutMs` (a hang, not a timing). */
const until = async (ready: () => boolean, timeoutMs = 60_000): Promise<void> => {
  const give = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > give) throw new Error('condition not reached');
    await new Promise((done) => setTimeout(done, 20));
  }
};

describe('Class: EventSourceMapping, a slow Kinesis', () => {
  const delay = { ms: GET_RECORDS_DELAY_MS };
  let kinesis: KinesisLocalService;
  let proxy: Server;
  let direct: KinesisClient;
  let slow: KinesisClient;

  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    proxy = await slowGetRecordsProxy(kinesis.endpoint, delay);
    direct = kinesisClient(kinesis.endpoint);
    slow = kinesisClient(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, { maxAttempts: 1 });
  });

  afterAll(async () => {
    direct?.destroy();
    slow?.destroy();
    proxy?.closeAllConnections();
    proxy?.close();
    await kinesis?.stop();
  });

  it('keeps reading when every GetRecords answer comes after the request timeout, and reports it', async () => {
    // Prepare
    delay.ms = GET_RECORDS_DELAY_MS;
    await createStream(direct, 'slow-reads', 1);
    const texts = Array.from({ length: 30 }, (_, i) => `slow-${i}`);
    await putTexts(direct, 'slow-reads', texts, (_, i) => `key-${i}`);
    const { invoker, calls } = recordingInvoker();
    const events: EventSourceMappingEvent[] = [];
    const esm = new EventSourceMapping({
      ...FAST_POLLING,
      client: slow,
      streamName: 'slow-reads',
      invoker,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      maxRequestTimeoutMs: 60_000,
      slowCallMs: REQUEST_TIMEOUT_MS,
      onEvent: (event) => events.push(event),
    });

    // Act
    await esm.start();
    await esm.drain({ timeoutMs: 30_000 });
    await esm.stop();

    // Assess
    expect(deliveredTexts(calls)).toStrictEqual(texts);
    const timedOut = events.filter((e) => e.type === 'error' && e.operation === 'GetRecords');
    expect(timedOut.length).toBeGreaterThan(0);
    const slowCalls = events.flatMap((e) => (e.type === 'slow-call' ? [e] : []));
    expect(slowCalls.length).toBeGreaterThan(0);
    expect(slowCalls[0]).toMatchObject({ operation: 'GetRecords', shardId: 'shardId-000000000000' });
    expect(slowCalls[0]?.timeoutMs).toBeGreaterThan(REQUEST_TIMEOUT_MS);
  }, 120_000);

  it('gives the timeout back once answers are quick again, so a call that never answers is dropped soon', async () => {
    // Prepare: a slow spell grows the shard's request timeout past the delay.
    delay.ms = GET_RECORDS_DELAY_MS;
    await createStream(direct, 'slow-then-quick', 1);
    await putTexts(direct, 'slow-then-quick', ['a', 'b'], (_, i) => `key-${i}`);
    const { invoker, calls } = recordingInvoker();
    const events: EventSourceMappingEvent[] = [];
    const esm = new EventSourceMapping({
      ...FAST_POLLING,
      client: slow,
      streamName: 'slow-then-quick',
      invoker,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      maxRequestTimeoutMs: 60_000,
      slowCallMs: REQUEST_TIMEOUT_MS,
      onEvent: (event) => events.push(event),
    });
    await esm.start();
    await until(() => deliveredTexts(calls).length === 2);
    const grown = events.flatMap((e) => (e.type === 'slow-call' ? [e.timeoutMs] : []));
    expect(Math.max(...grown)).toBeGreaterThan(GET_RECORDS_DELAY_MS);

    // Act: quick answers for a while (idle polls), then a server that never answers.
    delay.ms = 0;
    await putTexts(direct, 'slow-then-quick', ['c'], () => 'key-c');
    await until(() => deliveredTexts(calls).length === 3);
    await new Promise((done) => setTimeout(done, 1_000)); // ~20 idle polls at FAST_POLLING's 50 ms
    const errorsBefore = events.filter((e) => e.type === 'error').length;
    delay.ms = Number.POSITIVE_INFINITY;
    await until(() => events.filter((e) => e.type === 'error').length > errorsBefore);
    await esm.stop();

    // Assess: the hung call was given the base timeout again, not the grown one.
    const hung = events.filter((e) => e.type === 'error')[errorsBefore];
    const error = hung?.type === 'error' ? hung.error : undefined;
    const message = `${error?.message ?? ''} ${error?.cause instanceof Error ? error.cause.message : ''}`;
    expect(message).toContain(`No answer within ${REQUEST_TIMEOUT_MS} ms`);
  }, 120_000);
});
