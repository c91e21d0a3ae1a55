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
const slowGetRecordsProxy = async (target: string, delayMs: number): Promise<Server> => {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const slow = String(incoming.headers['x-amz-target'] ?? '').endsWith('.GetRecords');
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
        slow ? delayMs : 0,
      );
    });
    outgoing.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
};

describe('Class: EventSourceMapping, a slow Kinesis', () => {
  let kinesis: KinesisLocalService;
  let proxy: Server;
  let direct: KinesisClient;
  let slow: KinesisClient;

  beforeAll(async () => {
    kinesis = await startKinesisLocal();
    proxy = await slowGetRecordsProxy(kinesis.endpoint, GET_RECORDS_DELAY_MS);
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
});
