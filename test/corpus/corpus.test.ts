import { createHash } from 'node:crypto';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { DEFAULT_DECODE_LIMITS, decodeSource, json } from '../../shared/decode/index.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { BatchFolder, encodeAggregate, type FoldedBatch } from '../../shared/fold/index.ts';
import { BatchProcessor } from '../../shared/handler/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { EXCERPT_LENGTH, type Rejection } from '../../shared/rejection/index.ts';
import { MAX_DEAD_LETTER_PAYLOAD_BYTES, readStoredAggregate, resultKey } from '../../shared/storage/index.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import { scanAll, scanResults } from '../helpers/scanAll.ts';
import {
  ALL_CASES,
  ARRIVAL_MS,
  CORPUS,
  type CorpusCase,
  type CorpusOutcome,
  goodPayloads,
  multiMemberGzipBomb,
  singleMemberGzipBomb,
} from './cases/index.ts';
import { keyed } from './cases/pipelines.ts';

/**
 * The bad-input corpus (issue 7, part 1): every case is set aside with exactly its reason (or counted late,
 * or folded when it must be accepted), nothing throws, the good records around it fold as if it were not
 * there, and conservation holds: in = folded + filtered + rejected + late.
 */

const NOW_MS = ARRIVAL_MS + 60_000;
const SHARD = 'shardId-000000000000';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding raw control characters is the point
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Longest rejection message seen in the corpus is well under this; dead letters keep 1,000 characters. */
const MAX_MESSAGE_LENGTH = 400;

const bytesOf = (payload: Uint8Array | string): Uint8Array =>
  typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;

const sourceOf = (payload: Uint8Array | string, n: number, arrivalMs = ARRIVAL_MS): SourceRecord => ({
  data: bytesOf(payload),
  sequenceNumber: sequenceNumber(n),
  partitionKey: `pk-${n % 7}`,
  arrivalMs,
});

/** Everything that became of the records of a batch, one entry per logical record. */
const outcomesOf = (batch: FoldedBatch): CorpusOutcome[] => [
  ...batch.rejections.map((r) => r.reason),
  ...batch.late.map((): CorpusOutcome => 'late'),
  ...new Array<CorpusOutcome>(batch.stats.folded).fill('folded'),
];

const conserved = (batch: FoldedBatch): boolean => {
  const { stats } = batch;
  return stats.in === stats.folded + stats.filtered + stats.rejected + stats.late;
};

/** Aggregates by (window, group): record count and encoded state, without the batch-relative `members`. */
const statesOf = (definition: PipelineDefinition, batch: FoldedBatch): Map<string, string> =>
  new Map(
    [...batch.aggregates].map(([key, aggregate]) => [
      key,
      `${aggregate.records} ${Buffer.from(encodeAggregate(definition, aggregate)).toString('hex')}`,
    ]),
  );

/** What must hold of every rejection: its excerpt and message are short and cannot forge log lines. */
const hygieneOf = (rejection: Rejection) => ({
  // EXCERPT_LENGTH input characters, each at most 6 once escaped (\u0085), and an ellipsis
  excerptShort: rejection.excerpt.length <= 6 * EXCERPT_LENGTH + 1,
  excerptPrintable: !RAW_CONTROL.test(rejection.excerpt),
  messageShort: rejection.message.length <= MAX_MESSAGE_LENGTH,
  messageOneLine: !/[\r\n\u2028\u2029]/.test(rejection.message),
});
const HYGIENIC = { excerptShort: true, excerptPrintable: true, messageShort: true, messageOneLine: true };

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

describe('Corpus: bad input', () => {
  it('holds at least 50 kinds of bad input, with unique names, across every family', () => {
    // Assess
    const names = ALL_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(ALL_CASES.filter((c) => c.expected !== 'folded').length).toBeGreaterThanOrEqual(50);
    for (const [family, cases] of CORPUS) expect(cases.length, family).toBeGreaterThan(0);
  });

  describe.each([...CORPUS])('Family: %s', (_family, cases) => {
    it.each(cases)('$name → $expected', (c: CorpusCase) => {
      // Prepare
      const folder = new BatchFolder(c.pipeline);

      // Act
      const batch = folder.fold([sourceOf(c.payload, 1, c.arrivalMs)]);

      // Assess
      expect({ outcomes: outcomesOf(batch), in: batch.stats.in, conserved: conserved(batch) }).toStrictEqual({
        outcomes: [c.expected],
        in: 1,
        conserved: true,
      });
      for (const rejection of batch.rejections) {
        expect(hygieneOf(rejection), `${rejection.reason}: ${rejection.message}`).toStrictEqual(HYGIENIC);
        expect(rejection.origin.sequenceNumber).toBe(sequenceNumber(1));
      }
    });

    it.each(cases)('$name: the good records around it proceed', (c: CorpusCase) => {
      // Prepare: the bad record third of five
      const [g1, g2, g3, g4] = goodPayloads(c.pipeline) as [string, string, string, string];
      const sources = [
        sourceOf(g1, 1),
        sourceOf(g2, 2),
        sourceOf(c.payload, 3, c.arrivalMs),
        sourceOf(g3, 4),
        sourceOf(g4, 5),
      ];
      const goodOnly = sources.filter((_, i) => i !== 2);

      // Act
      const mixed = new BatchFolder(c.pipeline).fold(sources);
      const reference = new BatchFolder(c.pipeline).fold(goodOnly);

      // Assess
      expect(reference.stats).toMatchObject({ in: 4, folded: 4 });
      expect(conserved(mixed)).toBe(true);
      expect([...mixed.rejectionSources, ...mixed.lateSources].every((index) => index === 2)).toBe(true);
      expect(mixed.stats.in).toBe(5);
      if (c.expected === 'folded') {
        expect(outcomesOf(mixed)).toStrictEqual(new Array(5).fill('folded'));
      } else {
        expect(outcomesOf(mixed)).toStrictEqual([c.expected, 'folded', 'folded', 'folded', 'folded']);
        expect(statesOf(c.pipeline, mixed)).toStrictEqual(statesOf(c.pipeline, reference));
      }
    });
  });

  it.each([
    ['900 gzip members of 1 MiB of zeros (946 KB)', multiMemberGzipBomb],
    ['one gzip member of 11 MiB of zeros', singleMemberGzipBomb],
  ])('decompresses a gzip bomb of %s in bounded memory and time', (_label, bomb) => {
    // Prepare
    const rejections: Rejection[] = [];
    const before = process.memoryUsage();
    const started = performance.now();

    // Act
    decodeSource(sourceOf(bomb, 1), json(), DEFAULT_DECODE_LIMITS, {
      record: () => {
        throw new Error('a gzip bomb must not decode to a record');
      },
      reject: (rejection) => rejections.push(rejection),
    });

    // Assess: the limit is 10 MiB; an unbounded gunzip would need 900 MiB
    const elapsedMs = performance.now() - started;
    const after = process.memoryUsage();
    expect(rejections.map((r) => r.reason)).toStrictEqual(['gzip-too-large']);
    expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * 1024 * 1024);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('bounds what one record can fan out to: a 1 MiB NDJSON of distinct groups folds quickly', () => {
    // Prepare: ~22,000 distinct group keys in one Kinesis record (hash flooding / Map growth)
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < DEFAULT_DECODE_LIMITS.maxRecordBytes - 100; i++) {
      const line = JSON.stringify({
        g: `g-${i.toString(36)}-${'x'.repeat(8)}`,
        t: ARRIVAL_MS - 60_000,
        v: i,
      });
      lines.push(line);
      size += line.length + 1;
    }
    const started = performance.now();

    // Act
    const batch = new BatchFolder(keyed).fold([sourceOf(lines.join('\n'), 1)]);

    // Assess
    expect(batch.stats).toMatchObject({ in: lines.length, folded: lines.length });
    expect(batch.aggregates.size).toBe(lines.length);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  describe('Integration: the corpus as Kinesis batches through BatchProcessor on dynalite', () => {
    let service: LocalService | undefined;
    let client: DynamoDBClient;

    beforeAll(async () => {
      service = await startDynalite();
      client = dynamoDbClient(service.endpoint, { maxAttempts: 1 });
    });

    afterAll(async () => {
      await service?.stop();
    });

    const byPipeline = new Map<PipelineDefinition, CorpusCase[]>();
    for (const c of ALL_CASES) byPipeline.set(c.pipeline, [...(byPipeline.get(c.pipeline) ?? []), c]);

    const digest = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex').slice(0, 16);
    const storedPayload = (data: Uint8Array): string =>
      data.length <= MAX_DEAD_LETTER_PAYLOAD_BYTES ? digest(data) : `${data.length} bytes, not copied`;

    /** Sends a pipeline's cases, each between good records, through the real handler; checks both tables. */
    const runThrough = async (pipeline: PipelineDefinition, cases: readonly CorpusCase[]): Promise<void> => {
      // Prepare: every bad payload between good records, one shard, sequence numbers 1, 2, 3, …
      const goods = goodPayloads(pipeline);
      const inputs: { source: SourceRecord; corpusCase: CorpusCase | undefined }[] = [];
      const add = (payload: Uint8Array | string, corpusCase?: CorpusCase) =>
        inputs.push({ source: sourceOf(payload, inputs.length + 1, corpusCase?.arrivalMs), corpusCase });
      cases.forEach((c, i) => {
        add(goods[i % goods.length] as string);
        add(c.payload, c);
      });
      for (const good of goods) add(good);
      const tables = await createPipelineTables(client, pipeline);
      const processor = new BatchProcessor({
        definition: pipeline,
        client,
        resultsTable: tables.resultsTable,
        deadLetterTable: tables.deadLetterTable,
        now: () => NOW_MS,
      });

      try {
        // Act: batches of 10 records
        const reports = [];
        for (let at = 0; at < inputs.length; at += 10) {
          const chunk = inputs.slice(at, at + 10).map(({ source }) => ({
            data: source.data,
            sequenceNumber: source.sequenceNumber,
            arrivalMs: source.arrivalMs,
            partitionKey: source.partitionKey,
          }));
          reports.push(
            await processor.process(kinesisEvent(chunk, SHARD), { getRemainingTimeInMillis: () => 60_000 }),
          );
        }

        // Assess: every batch landed whole, and conserved its records
        for (const report of reports) {
          expect(report.failedSequence).toBeUndefined();
          expect(report.tooLarge).toBe(0);
          expect(report.recordsIn).toBe(report.folded + report.filtered + report.rejected + report.late);
        }

        // Assess: exactly one dead letter per bad record, with its reason and its payload
        const expectedLetters = inputs
          .filter(({ corpusCase }) => corpusCase !== undefined && corpusCase.expected !== 'folded')
          .map(({ source, corpusCase }) => ({
            sequenceNumber: source.sequenceNumber,
            kind: corpusCase?.expected === 'late' ? 'late' : 'rejected',
            reason: corpusCase?.expected,
            payload: storedPayload(source.data),
          }));
        const letters = (await scanAll(client, tables.deadLetterTable)).map(
          (item: Record<string, AttributeValue>) => ({
            sequenceNumber: item.sequenceNumber?.S,
            kind: item.kind?.S,
            reason: item.reason?.S,
            payload:
              item.payload?.B !== undefined
                ? digest(item.payload.B)
                : `${item.payloadBytes?.N} bytes, not copied`,
          }),
        );
        const bySequence = (a: { sequenceNumber?: string }, b: { sequenceNumber?: string }) =>
          (a.sequenceNumber ?? '').localeCompare(b.sequenceNumber ?? '');
        expect(letters.sort(bySequence)).toStrictEqual(expectedLetters.sort(bySequence));

        // Assess: the results table equals a fold of the good records (and accepted corpus records) only
        const good = inputs
          .filter(({ corpusCase }) => corpusCase === undefined || corpusCase.expected === 'folded')
          .map(({ source }) => source);
        const reference = new BatchFolder(pipeline).fold(good);
        expect(reference.stats.folded).toBe(good.length);
        const expected = new Map(
          [...reference.aggregates.values()].map((aggregate) => {
            const key = resultKey(pipeline.name, aggregate.groupKey, aggregate.windowStartMs);
            return [
              `${key.pk} ${key.sk}`,
              `${aggregate.records} ${Buffer.from(encodeAggregate(pipeline, aggregate)).toString('hex')}`,
            ];
          }),
        );
        const stored = new Map(
          (await scanResults(client, tables.resultsTable)).map((item) => {
            const { aggregate } = readStoredAggregate(pipeline, item);
            return [
              `${item.pk?.S} ${item.sk?.S}`,
              `${aggregate.records} ${Buffer.from(encodeAggregate(pipeline, aggregate)).toString('hex')}`,
            ];
          }),
        );
        expect(stored).toStrictEqual(expected);
      } finally {
        await tables.drop();
      }
    };

    for (const [pipeline, cases] of byPipeline) {
      it(`${pipeline.name}: one dead letter per bad record, and results equal a fold of the good records only`, () =>
        runThrough(pipeline, cases));
    }
  });

  it('left Object.prototype untouched after the whole corpus', () => {
    // Assess
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toStrictEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
