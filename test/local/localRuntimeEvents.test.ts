import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventSourceMappingEvent } from '../../local/esm/types.ts';
import { LocalRuntime } from '../../local/runtime/LocalRuntime.ts';
import { ohlc } from '../../shared/examples/index.ts';

describe('Class: LocalRuntime, mapping events', () => {
  let runtime: LocalRuntime | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await runtime?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('passes every mapping event on with its pipeline, besides eventSourceMapping.onEvent', async () => {
    // Prepare: every GetRecords answer counts as slow, so that each shard reports some
    dir = await mkdtemp(join(tmpdir(), 'runtime-events-'));
    const named: [string, EventSourceMappingEvent][] = [];
    const plain: EventSourceMappingEvent[] = [];
    runtime = await LocalRuntime.start({
      pipelines: [ohlc],
      shardCount: 1,
      onFailureDir: dir,
      finalizeIntervalMs: 3_600_000,
      eventSourceMapping: { slowCallMs: 0, onEvent: (event) => plain.push(event) },
      onMappingEvent: (pipeline, event) => named.push([pipeline, event]),
    });

    // Act
    await runtime.drain(30_000);
    const slow = named.filter(([, event]) => event.type === 'slow-call');

    // Assess
    expect(slow.length).toBeGreaterThan(0);
    expect(slow[0]?.[0]).toBe('ohlc');
    expect(slow[0]?.[1]).toMatchObject({ type: 'slow-call', operation: expect.stringMatching(/^Get/) });
    expect(plain).toStrictEqual(named.map(([, event]) => event));
  }, 60_000);
});
