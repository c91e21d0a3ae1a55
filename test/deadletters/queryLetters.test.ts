import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { LetterFilterError } from '../../shared/deadletters/errors.ts';
import { LetterSummary } from '../../shared/deadletters/LetterSummary.ts';
import { letterRange } from '../../shared/deadletters/letterDays.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import type { StoredLetter } from '../../shared/deadletters/types.ts';
import { ohlc } from '../../shared/examples/ohlc.ts';
import { DeadLetterWriter } from '../../shared/storage/DeadLetterWriter.ts';
import type { DeadLetter } from '../../shared/storage/deadLetterItem.ts';
import { sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';

const NOW = Date.parse('2026-12-06T12:00:00Z');

/** 12 letters: 7 on 2026-12-05 (every 3 h from 00:30), 5 on 2026-12-06 (every 2 h from 01:00). */
const letters = (): DeadLetter[] =>
  Array.from({ length: 12 }, (_, i) => {
    const arrivalMs =
      i < 7
        ? Date.parse('2026-12-05T00:30:00Z') + i * 3 * 3_600_000
        : Date.parse('2026-12-06T01:00:00Z') + (i - 7) * 2 * 3_600_000;
    const late = i % 4 === 3;
    return {
      kind: late ? 'late' : 'rejected',
      reason: late ? 'late' : i % 2 === 0 ? 'invalid-json' : 'missing-field',
      message: `letter ${i}`,
      origin: { sequenceNumber: sequenceNumber(i) },
      excerpt: `excerpt ${i}`,
      source: {
        data: Buffer.from(`payload ${i}`),
        sequenceNumber: sequenceNumber(i),
        partitionKey: 'p',
        arrivalMs,
      },
    };
  });

describe('Function: queryLetters', () => {
  let service: LocalService;
  let client: DynamoDBClient;
  let tableName: string;

  const read = async (filter: Parameters<typeof queryLetters>[0]['filter']): Promise<StoredLetter[]> => {
    const out: StoredLetter[] = [];
    for await (const letter of queryLetters({
      client,
      tableName,
      pipeline: 'ohlc',
      filter,
      pageSize: 2,
      now: () => NOW,
    }))
      out.push(letter);
    return out;
  };

  beforeAll(async () => {
    service = await startDynalite({});
    client = dynamoDbClient(service.endpoint, { maxAttempts: 1 });
    tableName = (await createPipelineTables(client, ohlc)).deadLetterTable;
    const outcome = await new DeadLetterWriter({ client, tableName, pipeline: 'ohlc', now: () => NOW }).write(
      letters(),
      'shardId-000000000000',
      NOW + 30_000,
    );
    expect(outcome.written).toBe(12);
  });

  afterAll(async () => {
    client?.destroy();
    await service?.stop();
  });

  it('reads every day of the range, newest first, page by page, without payloads', async () => {
    // Act
    const all = await read({});

    // Assess
    expect(all.map((l) => l.message)).toStrictEqual(
      [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((i) => `letter ${i}`),
    );
    expect(all.every((l) => l.payload === undefined)).toBe(true);
  });

  it('bounds by arrival time and filters by reason and kind', async () => {
    // Act
    const window = await read({
      fromMs: Date.parse('2026-12-05T12:00:00Z'),
      toMs: Date.parse('2026-12-06T05:00:00Z'),
    });
    const json = await read({ reason: 'invalid-json' });
    const late = await read({ kind: 'late' });

    // Assess
    expect(window.map((l) => l.message)).toStrictEqual([
      'letter 8',
      'letter 7',
      'letter 6',
      'letter 5',
      'letter 4',
    ]);
    expect(json.map((l) => l.message)).toStrictEqual([
      'letter 10',
      'letter 8',
      'letter 6',
      'letter 4',
      'letter 2',
      'letter 0',
    ]);
    expect(late.map((l) => l.reason)).toStrictEqual(['late', 'late', 'late']);
  });

  it('summarises by day and reason, keeping the newest letters', async () => {
    // Prepare
    const summary = new LetterSummary(3);

    // Act
    for (const letter of await read({})) summary.add(letter);

    // Assess
    expect(summary.total).toBe(12);
    expect(summary.newest().map((l) => l.message)).toStrictEqual(['letter 11', 'letter 10', 'letter 9']);
    expect(summary.summary().map((r) => [r.day, r.reason, r.count])).toStrictEqual([
      ['2026-12-06', 'invalid-json', 2],
      ['2026-12-06', 'late', 2],
      ['2026-12-06', 'missing-field', 1],
      ['2026-12-05', 'invalid-json', 4],
      ['2026-12-05', 'missing-field', 2],
      ['2026-12-05', 'late', 1],
    ]);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => letterRange({ fromMs: NOW, toMs: NOW - 1 }, NOW)).toThrow(LetterFilterError);
  });
});
