import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeadLetters } from '../../cli/commands/deadLetters.ts';
import { runReplay } from '../../cli/commands/replay.ts';
import { compareWithReference } from '../../local/faults/compareWithReference.ts';
import { readStreamRecords, type ShardRecords } from '../../local/faults/readStreamRecords.ts';
import { LocalRuntime } from '../../local/runtime/LocalRuntime.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { LetterReplayer } from '../../shared/replay/LetterReplayer.ts';
import { FaultyClient } from '../helpers/faultyClient.ts';
import { scanAll } from '../helpers/scanAll.ts';
import { sensorStatsFixed } from './fixtures/sensorStatsRenamed.ts';
import { produceSensors } from './produceSensors.ts';

/**
 * Dead letters on the local stack (kinesis-local, dynalite, the local event source mapping running the
 * deployed handler): a producer renamed a field, so its records are rejected; the definition is fixed
 * (tests/deadletters/fixtures); replay folds them exactly once, whether interrupted, repeated or dry.
 */

const FIXED = 'test/deadletters/fixtures/sensorStatsRenamed.ts';
const INPUT = { good: 240, renamed: 60, invalidJson: 8, notUtf8: 3 };
const names = pipelineResourceNames(sensorStats);

/** The stream's records with the producer's mistake undone: what the pipeline should have received. */
const corrected = (shards: readonly ShardRecords[]): ShardRecords[] =>
  shards.map((shard) => ({
    ...shard,
    records: shard.records.map((record) => {
      const text = Buffer.from(record.data).toString('utf8');
      if (!text.includes('"temp":')) return record;
      return { ...record, data: Buffer.from(text.replace('"temp":', '"temperature":')) };
    }),
  }));

const snapshot = async (runtime: LocalRuntime): Promise<string> =>
  JSON.stringify([
    await scanAll(runtime.dynamodb, names.resultsTable),
    await scanAll(runtime.dynamodb, names.deadLetterTable),
  ]);

describe('Dead letters on the local stack: inspect, then replay exactly once', () => {
  let runtime: LocalRuntime;
  let endpoint: string;
  let onFailureDir: string;

  beforeAll(async () => {
    onFailureDir = mkdtempSync(join(tmpdir(), 'streamfold-dl-'));
    runtime = await LocalRuntime.start({
      pipelines: [sensorStats],
      shardCount: 2,
      flushEveryMs: 0,
      eventSourceMapping: { maxBatchingWindowMs: 200 },
      finalizeIntervalMs: 3_600_000,
      onFailureDir,
    });
    endpoint = runtime.endpoints.dynamodb;
    await produceSensors(runtime.kinesis, names.stream, INPUT);
    await runtime.drain(120_000);
  }, 180_000);

  afterAll(async () => {
    await runtime?.stop();
    rmSync(onFailureDir, { recursive: true, force: true });
  });

  it('dead-letters summarises the letters by reason and day, and shows one payload as text or hex', async () => {
    // Act
    const { result } = await runDeadLetters('sensor-stats', { endpoint, limit: '5' });

    // Assess
    if (result.mode !== 'list') throw new Error('expected a list');
    const byReason = Object.fromEntries(result.summary.summary().map((r) => [r.reason, r.count]));
    expect(byReason).toStrictEqual({
      'missing-field': INPUT.renamed,
      'invalid-json': INPUT.invalidJson,
      'invalid-utf8': INPUT.notUtf8,
    });
    expect(result.summary.total).toBe(INPUT.renamed + INPUT.invalidJson + INPUT.notUtf8);
    const newest = result.summary.newest();
    expect(newest).toHaveLength(5);
    expect([...newest].sort((a, b) => (a.sk < b.sk ? 1 : -1))).toStrictEqual(newest);

    const utf8 = await runDeadLetters('sensor-stats', { endpoint, reason: 'invalid-utf8', limit: '1' });
    if (utf8.result.mode !== 'list') throw new Error('expected a list');
    expect(utf8.result.summary.total).toBe(INPUT.notUtf8);
    const sk = utf8.result.summary.newest()[0]?.sk as string;
    const shown = await runDeadLetters('sensor-stats', { endpoint, show: sk });
    if (shown.result.mode !== 'show') throw new Error('expected one letter');
    expect(shown.result.letter.reason).toBe('invalid-utf8');
    expect(shown.result.letter.payload?.[1]).toBe(0xff);
  });

  it('replay --dry-run reports what would fold and what stays rejected, and writes nothing', async () => {
    // Prepare
    const before = await snapshot(runtime);

    // Act
    const { report } = await runReplay(FIXED, { endpoint, dryRun: true });

    // Assess
    expect(report.verdicts.folds).toBe(INPUT.renamed);
    expect(report.verdicts.rejected).toBe(INPUT.invalidJson + INPUT.notUtf8);
    expect(report.stillRejected).toStrictEqual({
      'invalid-json': INPUT.invalidJson,
      'invalid-utf8': INPUT.notUtf8,
    });
    expect(await snapshot(runtime)).toBe(before);
  });

  it('a replay killed midway, then run again, folds every renamed record exactly once', async () => {
    // Prepare: a replay whose DynamoDB dies after a few writes (every later call fails)
    const faulty = new FaultyClient(runtime.dynamodb, { kind: 'crash', afterWrites: 12 });
    const killed = new LetterReplayer({
      definition: sensorStatsFixed,
      client: faulty.asClient(),
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
      chunkSize: 10,
    });
    await expect(
      killed.run(
        queryLetters({
          client: faulty.asClient(),
          tableName: names.deadLetterTable,
          pipeline: 'sensor-stats',
          filter: { unreplayedOnly: true },
          withPayload: true,
        }),
      ),
    ).rejects.toThrow(/crashed/);
    expect(faulty.crashed).toBe(true);
    const half = await compareWithReference({
      definition: sensorStats,
      shards: corrected(await readStreamRecords({ client: runtime.kinesis, streamName: names.stream })),
      dynamodb: runtime.dynamodb,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
    });
    expect(half.doubled).toBe(0);
    expect(half.lost).toBeGreaterThan(0); // it did not get far

    // Act
    const { report } = await runReplay(FIXED, { endpoint });

    // Assess
    expect(report.failed).toBe(0);
    expect(report.verdicts.rejected).toBe(INPUT.invalidJson + INPUT.notUtf8);
    const check = await compareWithReference({
      definition: sensorStats,
      shards: corrected(await readStreamRecords({ client: runtime.kinesis, streamName: names.stream })),
      dynamodb: runtime.dynamodb,
      resultsTable: names.resultsTable,
      deadLetterTable: names.deadLetterTable,
    });
    // The letters stay (marked replayed): only the stored results must match.
    expect(check.problems.filter((p) => !p.startsWith('dead letter'))).toStrictEqual([]);
    expect(check.items.missing + check.items.unexpected + check.items.mismatched).toBe(0);
    expect(check.lost).toBe(0);
    expect(check.doubled).toBe(0);
    // Every renamed record's letter is marked, and no results item still names a letter.
    const letters = await runDeadLetters('sensor-stats', { endpoint, reason: 'missing-field', limit: '0' });
    if (letters.result.mode !== 'list') throw new Error('expected a list');
    expect(letters.result.summary.summary()[0]?.replayed).toBe(INPUT.renamed);
    const items = await scanAll(runtime.dynamodb, names.resultsTable);
    expect(items.filter((item) => item.replayed !== undefined)).toStrictEqual([]);
  });

  it('replaying again changes nothing', async () => {
    // Prepare
    const before = await snapshot(runtime);

    // Act
    const { report } = await runReplay(FIXED, { endpoint });

    // Assess
    expect(report.verdicts.folds).toBe(0);
    expect(report.itemsWritten).toBe(0);
    expect(report.marked).toBe(0);
    expect(await snapshot(runtime)).toBe(before);
  });
});
