import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRedrive } from '../../cli/commands/redrive.ts';
import { compareWithReference } from '../../local/faults/compareWithReference.ts';
import { readStreamRecords } from '../../local/faults/readStreamRecords.ts';
import { LocalRuntime } from '../../local/runtime/LocalRuntime.ts';
import { freePort } from '../../local/services/freePort.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { produceSensors } from './produceSensors.ts';

/**
 * A real give-up on the local stack: the function cannot reach DynamoDB (its endpoint points nowhere), the
 * local event source mapping retries no more and writes each batch to the on-failure file, as the stack's
 * mapping sends it to SQS. Once DynamoDB is reachable, `redrive` re-delivers those ranges and the results
 * equal the reference fold of the stream.
 */
describe('Redrive after the local event source mapping gave up', () => {
  const names = pipelineResourceNames(sensorStats);
  let runtime: LocalRuntime;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'streamfold-giveup-'));
    runtime = await LocalRuntime.start({
      pipelines: [sensorStats],
      shardCount: 1,
      flushEveryMs: 0,
      functionEnv: { DYNAMODB_ENDPOINT: `http://127.0.0.1:${await freePort()}`, SAFETY_MARGIN_MS: '500' },
      eventSourceMapping: {
        functionTimeoutMs: 2_000,
        maximumRetryAttempts: 0,
        bisectBatchOnFunctionError: false,
        maxBatchingWindowMs: 300,
      },
      finalizeIntervalMs: 3_600_000,
      onFailureDir: dir,
    });
    await produceSensors(runtime.kinesis, names.stream, { good: 60, renamed: 0, invalidJson: 0, notUtf8: 0 });
    await runtime.drain(120_000);
  }, 180_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-delivers every range given up on, and the results equal the reference fold', async () => {
    // Prepare
    const queueFile = join(dir, 'sensor-stats.jsonl');
    const messages = readFileSync(queueFile, 'utf8').trim().split('\n');
    expect(messages.length).toBeGreaterThan(0);

    // Act
    const { report } = await runRedrive('sensor-stats', {
      endpoint: runtime.endpoints.dynamodb,
      kinesisEndpoint: runtime.endpoints.kinesis,
      queueFile,
    });

    // Assess
    expect(report).toMatchObject({
      messages: messages.length,
      applied: messages.length,
      notRetained: 0,
      failed: 0,
    });
    expect(report.ranges.reduce((n, r) => n + r.records, 0)).toBe(60);
    const check = await compareWithReference({
      definition: sensorStats,
      shards: await readStreamRecords({ client: runtime.kinesis, streamName: names.stream }),
      dynamodb: runtime.dynamodb,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
    });
    expect(check.problems).toStrictEqual([]);
    expect(check.ok).toBe(true);
  });
});
