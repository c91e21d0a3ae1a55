import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import type { ReplayReport } from '../../shared/replay/types.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import { scanAll } from '../helpers/scanAll.ts';
import { spawnCli } from '../helpers/spawnCli.ts';
import { notes } from './fixtures/notesTopK.ts';

const FIXED = 'test/deadletters/fixtures/notesFixed.ts';
const NOTE_BYTES = 150 * 1024;

/**
 * A letter whose record would push its results item past DynamoDB's 400 KB is still rejected
 * (`item-too-large`), as the handler would dead-letter it: the run completes, the other letters are
 * replayed, and the letter stays unmarked for a later replay.
 */
describe('Replay of letters that would make their item exceed 400 KB', () => {
  let service: LocalService;
  let client: DynamoDBClient;
  let tables: Awaited<ReturnType<typeof createPipelineTables>>;

  beforeAll(async () => {
    service = await startDynalite();
    client = dynamoDbClient(service.endpoint);
    tables = await createPipelineTables(client, notes);
    const arrivalMs = Date.now() - 60_000;
    const time = new Date(arrivalMs - 10_000).toISOString();
    const lines = [
      { g: 'a', note: 'small', time },
      { g: 'a', memo: 'x'.repeat(NOTE_BYTES), time },
      { g: 'a', memo: 'y'.repeat(NOTE_BYTES), time },
      { g: 'a', memo: 'z'.repeat(NOTE_BYTES), time },
      { g: 'b', memo: 'fine', time },
    ];
    const processor = new BatchProcessor({
      definition: notes,
      client,
      resultsTable: tables.resultsTable,
      deadLetterTable: tables.deadLetterTable,
    });
    const report = await processor.process(
      kinesisEvent(
        lines.map((line, i) => ({
          data: JSON.stringify(line),
          sequenceNumber: sequenceNumber(i + 1),
          arrivalMs,
        })),
      ),
      { getRemainingTimeInMillis: () => 60_000 },
    );
    expect(report.rejected).toBe(4);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await service?.stop();
  });

  const replay = async (): Promise<{ code: number | null; report: ReplayReport; err: string }> => {
    const { code, stdout, stderr } = await spawnCli([
      'replay',
      FIXED,
      '--endpoint',
      service.endpoint,
      '--table',
      tables.resultsTable,
      '--dead-letter-table',
      tables.deadLetterTable,
      '--json',
    ]).exited;
    if (stdout === '') throw new Error(`replay printed nothing (exit ${code}): ${stderr}`);
    return { code, report: JSON.parse(stdout) as ReplayReport, err: stderr };
  };

  it('folds what fits, reports the others still rejected (item-too-large), exits 0, and does the same on a rerun', async () => {
    // Act
    const first = await replay();
    const second = await replay();

    // Assess: one large note fits beside the small one; two would not
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.report).toMatchObject({
      considered: 4,
      verdicts: { folds: 2, rejected: 2 },
      stillRejected: { 'item-too-large': 2 },
      marked: 2,
      failed: 0,
      errors: [],
    });
    const rejected = first.report.outcomes.filter((o) => o.verdict === 'rejected');
    expect(rejected).toHaveLength(2);
    for (const outcome of rejected) {
      expect(outcome.reason).toBe('missing-field');
      expect(outcome.detail).toMatch(
        /^item-too-large: folding it into window \S+ of notes#a would make the results item \d+ bytes, over DynamoDB’s 400 KB item limit$/,
      );
    }
    expect(second.code).toBe(0);
    expect(second.report).toMatchObject({
      considered: 2,
      verdicts: { folds: 0, rejected: 2 },
      stillRejected: { 'item-too-large': 2 },
      marked: 0,
      itemsWritten: 0,
      failed: 0,
    });

    const items = (await scanAll(client, tables.resultsTable)).filter((item) => item.groupKey !== undefined);
    const counts = Object.fromEntries(items.map((item) => [item.groupKey?.S, item.notes?.N]));
    expect(counts).toStrictEqual({ a: '2', b: '1' });
    expect(items.every((item) => item.replayed === undefined)).toBe(true);
    const letters = await scanAll(client, tables.deadLetterTable);
    const unmarked = letters
      .filter((letter) => letter.replayedAt === undefined)
      .map((letter) => letter.sk?.S);
    expect(unmarked.sort()).toStrictEqual(rejected.map((o) => o.sk).sort());
  }, 120_000);
});
