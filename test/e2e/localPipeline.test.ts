import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../local/runtime/LocalRuntime.ts';
import { BatchFolder, buildFoldReport } from '../../shared/fold/index.ts';
import { generatorFor } from '../../shared/producer/generators/index.ts';
import { Producer } from '../../shared/producer/Producer.ts';
import { queryWindows, toReportResult } from '../../shared/query/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import projectConfig from '../../streamfold.config.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';
import { scanAll } from '../helpers/scanAll.ts';

const { pipelines } = projectConfig;

/**
 * The whole local pipeline, as a user runs it: kinesis-local and dynalite, streams and tables from the same
 * schemas as the stack, the local event source mapping invoking functions/aggregate.ts in workers. 20,000
 * generated records (2 % malformed on purpose) go through the real producer; after the pipeline drains,
 * what `streamfold query --json` reads equals the reference fold of the input, the dead letters equal the
 * reference rejections, and records are conserved. Once writing every batch, once buffered in the
 * tumbling-window state (ADR 0002).
 */

const PER_PIPELINE = 5_000;

describe.each([
  ['per batch', 0],
  ['buffered, flushed every 2 s', 2_000],
])('End to end: the local pipeline, writes %s', (_mode, flushEveryMs) => {
  let runtime: LocalRuntime;
  const produced = new Map<string, SourceRecord[]>();

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      pipelines,
      shardCount: 2,
      flushEveryMs,
      eventSourceMapping: { maxBatchingWindowMs: 500 },
      finalizeIntervalMs: 3_600_000,
      onFailureDir: '.streamfold/test-on-failure',
    });
    await Promise.all(
      pipelines.map(async (definition, i) => {
        const records = generatorFor(definition.name)({ seed: 100 + i, malformedShare: 0.02 });
        const producer = new Producer({ client: runtime.kinesis, stream: definition.stream, maxInFlight: 2 });
        const sent: SourceRecord[] = [];
        for (let n = 0; n < PER_PIPELINE; n++) {
          const record = records.next().value;
          await producer.put({ data: record.data, partitionKey: record.partitionKey });
          sent.push({
            data: Buffer.from(record.data),
            sequenceNumber: String(n + 1),
            partitionKey: record.partitionKey,
            arrivalMs: Date.now(),
          });
        }
        const result = await producer.close();
        expect(result.stats.failed).toBe(0);
        produced.set(definition.name, sent);
      }),
    );
    await runtime.drain(300_000);
  }, 600_000);

  afterAll(async () => {
    await runtime?.stop();
  });

  it.each(pipelines.map((p) => [p.name, p] as const))(
    '%s: the stored results equal the reference fold, dead letters equal its rejections',
    async (_name, definition) => {
      // Prepare: the reference, every record folded exactly once (nothing is late: arrival ≈ production)
      const sources = produced.get(definition.name) as SourceRecord[];
      const reference = buildFoldReport(definition, new BatchFolder(definition).fold(sources), (o) =>
        Number(o.sequenceNumber),
      );
      expect(reference.stats.in).toBe(
        reference.stats.folded + reference.stats.rejected + reference.stats.late,
      );
      expect(reference.late).toBe(0);
      const starts = reference.results.map((r) => Date.parse(r.window.start));
      const pipeline = runtime.pipelines.find((p) => p.definition.name === definition.name);

      // Act: read back what the pipeline stored, as `streamfold query --json` does
      const stored = await queryWindows({
        client: runtime.dynamodb,
        tableName: pipeline?.names.resultsTable as string,
        definition,
        fromMs: Math.min(...starts),
        toMs: Math.max(...starts),
      });
      const letters = await scanAll(runtime.dynamodb, pipeline?.names.deadLetterTable as string);

      // Assess: every metric exactly; top-k exactly where a window has at most `capacity` distinct values,
      // and within the space-saving error bound (total / capacity) beyond that, since truncation then
      // depends on how records were batched.
      const actual = stored.results.map(toReportResult);
      const topKMetrics = definition.metricNames.filter((m) => definition.metrics[m]?.kind === 'topK');
      const withoutTopK = (results: typeof reference.results) =>
        results.map((r) => ({
          ...r,
          metrics: Object.fromEntries(
            Object.entries(r.metrics).filter(([name]) => !topKMetrics.includes(name)),
          ),
        }));
      expect(withoutTopK(actual)).toStrictEqual(withoutTopK(reference.results));
      actual.forEach((result, i) => {
        const expected = reference.results[i];
        for (const name of topKMetrics) {
          const got = result.metrics[name] as readonly { value: string; count: number }[];
          const want = expected?.metrics[name] as readonly { value: string; count: number }[];
          const records = Number(expected?.metrics.requests ?? 0);
          const bound = Math.ceil(records / 32);
          expect(got.length).toBe(want.length);
          for (const entry of got) {
            const reference = want.find((w) => w.value === entry.value);
            if (reference !== undefined)
              expect(Math.abs(entry.count - reference.count)).toBeLessThanOrEqual(bound);
          }
        }
      });
      expect(letters).toHaveLength(reference.rejected.length);
      const reasons = (list: readonly string[]) => [...list].sort();
      expect(reasons(letters.map((l) => l.reason?.S ?? ''))).toStrictEqual(
        reasons(reference.rejected.map((r) => r.reason)),
      );
      expect(reference.rejected.length).toBeGreaterThan(0);
      const totals = runtime.counters.of(definition.name);
      expect(totals.recordsIn).toBeGreaterThanOrEqual(PER_PIPELINE);
      const stats = pipeline?.mapping.stats() ?? [];
      expect(stats.reduce((n, s) => n + s.recordsDiscarded, 0)).toBe(0);
      if (flushEveryMs > 0) expect(stats.reduce((n, s) => n + s.windowsClosed, 0)).toBeGreaterThan(0);
    },
  );
});

describe('End to end: `streamfold dev --demo`, as npm start runs it', () => {
  it('starts everything, produces demo traffic, drains, prints a summary and exits cleanly', () => {
    // Act
    const { code, stdout, stderr } = runCliProcess([
      'dev',
      '--demo',
      '--count',
      '200',
      '--rate',
      '400',
      '--no-dashboard',
    ]);

    // Assess
    expect(stderr).toContain('streamfold dev: ready. Kinesis http://127.0.0.1:');
    expect(stderr).toContain('streamfold dev: local services stopped');
    expect(code).toBe(0);
    for (const name of ['requests-by-ip', 'category-averages', 'ohlc', 'sensor-stats']) {
      const line = stdout.split('\n').find((l) => l.startsWith(`${name}: produced 200`));
      expect(line, name).toBeDefined();
      const [, malformed, recordsIn, folded, rejected, late] =
        (line as string)
          .match(/malformed (\d+)\), in (\d+), folded (\d+), rejected (\d+), late (\d+)/)
          ?.map(Number) ?? [];
      expect(recordsIn).toBe((folded as number) + (rejected as number) + (late as number));
      expect(rejected).toBe(malformed);
    }
  });
});
