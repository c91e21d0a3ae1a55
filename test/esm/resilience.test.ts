import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSourceMapping, type EventSourceMappingEvent } from '../../local/esm/index.ts';
import { type KinesisLocalService, kinesisClient, startKinesisLocal } from '../../local/services/index.ts';
import { createStream, deliveredTexts, FAST_POLLING, putTexts, recordingInvoker } from './streamHelpers.ts';

describe('Class: EventSourceMapping, Kinesis restarts', () => {
  let kinesis: KinesisLocalService;
  let client: KinesisClient;
  let persistDir: string;

  beforeAll(async () => {
    persistDir = await mkdtemp(join(tmpdir(), 'esm-restart-'));
    kinesis = await startKinesisLocal({ persistDir });
    client = kinesisClient(kinesis.endpoint, { maxAttempts: 1 });
  });

  afterAll(async () => {
    client?.destroy();
    await kinesis?.stop();
    await rm(persistDir, { recursive: true, force: true });
  });

  it('keeps polling through a restart of the local Kinesis and resumes after its checkpoint', async () => {
    // Prepare
    await createStream(client, 'restarts', 2);
    const first = Array.from({ length: 50 }, (_, i) => `first-${i}`);
    const second = Array.from({ length: 50 }, (_, i) => `second-${i}`);
    const key = (_: string, i: number): string => `key-${i}`;
    await putTexts(client, 'restarts', first, key);
    const { invoker, calls } = recordingInvoker();
    const events: EventSourceMappingEvent[] = [];
    const esm = new EventSourceMapping({
      ...FAST_POLLING,
      client,
      streamName: 'restarts',
      invoker,
      requestTimeoutMs: 2_000,
      onEvent: (event) => events.push(event),
    });
    await esm.start();
    await esm.drain();

    // Act
    await kinesis.restart();
    await putTexts(client, 'restarts', second, key);
    await esm.drain({ timeoutMs: 30_000 });
    await esm.stop();

    // Assess
    expect([...deliveredTexts(calls)].sort()).toStrictEqual([...first, ...second].sort());
    const failedCalls = events.flatMap((event) => (event.type === 'error' ? [event.operation] : []));
    expect(failedCalls.length).toBeGreaterThan(0);
    expect(new Set(failedCalls)).not.toContain('poll');
  });
});
