import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { LetterReplayer } from '../../shared/replay/LetterReplayer.ts';
import { FaultyClient } from '../helpers/faultyClient.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import { scanAll } from '../helpers/scanAll.ts';
import { spawnCli } from '../helpers/spawnCli.ts';
import { notesFixed } from './fixtures/notesFixed.ts';
import { notes } from './fixtures/notesTopK.ts';

const FIXED = 'test/deadletters/fixtures/notesFixed.ts';

/** What a replay reports when its writes fail: no window claimed amended, a missing table named. */
describe('Replay reports when writes fail', () => {
  let service: LocalService;
  let client: DynamoDBClient;
  let tables: Awaited<ReturnType<typeof createPipelineTables>>;

  beforeAll(async () => {
    service = await startDynalite();
    client = dynamoDbClient(service.endpoint);
    tables = await createPipelineTables(client, notes);
    const arrivalMs = Date.now() - 60_000;
    // A renamed field (rejected); an hour old, so with the fix it is late: it folds only with --include-late.
    const line = { g: 'a', memo: 'hello', time: new Date(arrivalMs - 3_600_000).toISOString() };
    const report = await new BatchProcessor({
      definition: notes,
      client,
      resultsTable: tables.resultsTable,
      deadLetterTable: tables.deadLetterTable,
    }).process(kinesisEvent([{ data: JSON.stringify(line), sequenceNumber: sequenceNumber(1), arrivalMs }]), {
      getRemainingTimeInMillis: () => 60_000,
    });
    expect(report.rejected).toBe(1);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await service?.stop();
  });

  it('lists no window as amended when the write that would have amended it failed', async () => {
    // Prepare: the results item's PutItem fails
    const faulty = new FaultyClient(client, { kind: 'fail-item', nth: 0 });
    const replayer = new LetterReplayer({
      definition: notesFixed,
      client: faulty.asClient(),
      resultsTable: tables.resultsTable,
      deadLetterTable: tables.deadLetterTable,
      includeLate: true,
    });

    // Act
    const report = await replayer.run(
      queryLetters({
        client,
        tableName: tables.deadLetterTable,
        pipeline: notes.name,
        filter: { unreplayedOnly: true },
        withPayload: true,
      }),
    );

    // Assess
    expect(report).toMatchObject({ considered: 1, failed: 1, marked: 0, amendedWindows: [] });
    expect(report.errors).toStrictEqual([expect.stringContaining('write rejected (injected)')]);
  });

  it('names a results table that does not exist and stops (exit 1), leaving the letter unmarked', async () => {
    // Act
    const { code, stdout, stderr } = await spawnCli([
      'replay',
      FIXED,
      '--include-late',
      '--endpoint',
      service.endpoint,
      '--table',
      'no-such-results',
      '--dead-letter-table',
      tables.deadLetterTable,
    ]).exited;

    // Assess
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `Table "no-such-results" or "${tables.deadLetterTable}" does not exist at ${service.endpoint}`,
    );
    expect(code).toBe(1);
    const letters = await scanAll(client, tables.deadLetterTable);
    expect(letters.map((letter) => [letter.reason?.S, letter.replayedAt])).toStrictEqual([
      ['missing-field', undefined],
    ]);
  }, 60_000);
});
