import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventSourceMappingEvent } from '../../local/esm/types.ts';
import { failureLine } from '../../local/runtime/failureLine.ts';
import { LocalRuntime } from '../../local/runtime/LocalRuntime.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { Producer } from '../../shared/producer/Producer.ts';

/** An invocation event of shard 1 (records 1–3) with the given retry, result and duration. */
const invocation = (
  retry: number,
  result: Extract<EventSourceMappingEvent, { type: 'invocation' }>['result'],
  durationMs = 12,
): EventSourceMappingEvent => ({
  type: 'invocation',
  shardId: 'shardId-000000000001',
  batchSize: 3,
  firstSequenceNumber: '1',
  lastSequenceNumber: '3',
  retry,
  result,
  durationMs,
});

describe('Function: failureLine', () => {
  it('says which pipeline and shard failed, how, and at which retry; nothing for other events (Kinesis calls included)', () => {
    // Act & Assess
    expect(
      failureLine(
        'ohlc',
        invocation(2, { kind: 'error', error: new Error('connect ECONNREFUSED 127.0.0.1:9') }),
      ),
    ).toBe('ohlc shardId-000000000001: the handler failed (retry 2): connect ECONNREFUSED 127.0.0.1:9');
    expect(failureLine('ohlc', invocation(0, { kind: 'timeout' }, 60_000))).toBe(
      'ohlc shardId-000000000001: the handler timed out (retry 0)',
    );
    expect(
      failureLine('ohlc', {
        type: 'error',
        shardId: 'shardId-000000000000',
        operation: 'GetRecords',
        error: new Error('socket hang up'),
        retryInMs: 400,
      }),
    ).toBeUndefined(); // a Kinesis call: dev's throttled warnings say it (test/local/mappingWarnings.test.ts)
    expect(
      failureLine('ohlc', invocation(0, { kind: 'ok', response: { batchItemFailures: [] } })),
    ).toBeUndefined();
  });
});

/**
 * A local pipeline whose handler cannot reach DynamoDB (its endpoint points at a closed port), buffered:
 * the handler throws before it logs anything (reading the shard's ceiling), and the runtime's log lines
 * say why its invocations fail, where before only the shard's failure count moved.
 */
describe('Class: LocalRuntime, failed invocations', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      pipelines: [ohlc],
      shardCount: 1,
      flushEveryMs: 1_000,
      eventSourceMapping: { maxBatchingWindowMs: 200 },
      functionEnv: { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' },
      finalizeIntervalMs: 3_600_000,
      onFailureDir: '.streamfold/test-on-failure',
    });
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('keeps a line naming the pipeline, the shard and the handler’s error', async () => {
    // Prepare
    const producer = new Producer({ client: runtime.kinesis, stream: ohlc.stream });
    await producer.put({
      data: Buffer.from('{"symbol":"ACME","price":1,"qty":1,"time":"2026-12-06T08:00:00Z"}'),
      partitionKey: 'ACME',
    });
    await producer.close();

    // Act
    const failed = (): string | undefined =>
      runtime.counters.recentLines().find((line) => line.includes('the handler failed'));
    const deadline = Date.now() + 50_000;
    while (failed() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    // Assess
    expect(failed()).toMatch(
      /^ohlc shardId-000000000000: the handler failed \(retry \d+\): .*127\.0\.0\.1:9/,
    );
  });
});
