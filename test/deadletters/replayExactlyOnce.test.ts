import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { encodeAggregate } from '../../shared/fold/aggregateCodec.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { LetterReplayer } from '../../shared/replay/LetterReplayer.ts';
import { readStoredAggregate, resultKey } from '../../shared/storage/resultItem.ts';
import { FaultyClient } from '../helpers/faultyClient.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import { scanAll } from '../helpers/scanAll.ts';
import { sensorStatsFixed } from './fixtures/sensorStatsRenamed.ts';

/**
 * Replay is exactly once under any interruption: for random crash points (the DynamoDB client dies after
 * k writes, so every later call fails, as when the process is killed), random chunk sizes and late records
 * included or not, any number of killed replays followed by one that finishes leaves the results table
 * equal to the reference fold of the corrected input, on dynalite. REPLAY_RUNS sets the number of runs.
 */

const RUNS = Number(process.env.REPLAY_RUNS ?? 8);
const nowMs = Date.now();

/** 40 Kinesis records: good readings, renamed ones, NDJSON payloads with one renamed line, one late reading. */
const input = (): { data: string; arrivalMs: number }[] =>
  Array.from({ length: 40 }, (_, i) => {
    const reading = (field: string, j = 0, eventMs = nowMs - 60_000 + i * 100) =>
      JSON.stringify({
        device: `dev-${(i + j) % 3}`,
        [field]: 10 + ((i * 7 + j) % 11),
        humidity: 40 + (i % 5),
        time: new Date(eventMs).toISOString(),
      });
    if (i === 13) return { data: reading('temperature', 0, nowMs - 20 * 60_000), arrivalMs: nowMs };
    if (i % 5 === 0)
      return {
        data: [reading('temperature', 0), reading('temp', 1), reading('temperature', 2)].join('\n'),
        arrivalMs: nowMs,
      };
    return { data: reading(i % 5 === 1 ? 'temp' : 'temperature'), arrivalMs: nowMs };
  });

const corrected = (records: readonly { data: string; arrivalMs: number }[]) =>
  records.map((r, n) => ({
    data: Buffer.from(r.data.replaceAll('"temp":', '"temperature":')),
    sequenceNumber: sequenceNumber(n + 1),
    partitionKey: 'pk-0',
    arrivalMs: r.arrivalMs,
  }));

describe('Replay: exactly once under interruption (property)', () => {
  let service: LocalService;
  let client: DynamoDBClient;

  beforeAll(async () => {
    service = await startDynalite({});
    client = dynamoDbClient(service.endpoint, { maxAttempts: 1 });
  });

  afterAll(async () => {
    client?.destroy();
    await service?.stop();
  });

  it('killed replays followed by one that finishes fold each letter exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 60 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        async (crashes, chunkSize, includeLate) => {
          // Prepare: the shipped definition rejects the renamed records and sets the late one aside
          const tables = await createPipelineTables(client, sensorStats);
          try {
            const records = input();
            const processor = new BatchProcessor({
              definition: sensorStats,
              client,
              resultsTable: tables.resultsTable,
              deadLetterTable: tables.deadLetterTable,
              now: () => nowMs,
            });
            for (let at = 0; at < records.length; at += 10) {
              const batch = records
                .slice(at, at + 10)
                .map((r, k) => ({ ...r, sequenceNumber: sequenceNumber(at + k + 1) }));
              const report = await processor.process(kinesisEvent(batch), {
                getRemainingTimeInMillis: () => 60_000,
              });
              expect(report.failedSequence).toBeUndefined();
            }
            const replayer = (c: DynamoDBClient) =>
              new LetterReplayer({
                definition: sensorStatsFixed,
                client: c,
                resultsTable: tables.resultsTable,
                deadLetterTable: tables.deadLetterTable,
                chunkSize,
                includeLate,
              });
            const letters = (c: DynamoDBClient) =>
              queryLetters({
                client: c,
                tableName: tables.deadLetterTable,
                pipeline: sensorStats.name,
                filter: { unreplayedOnly: true },
                withPayload: true,
              });

            // Act: killed replays, then one that runs to the end
            for (const afterWrites of crashes) {
              const faulty = new FaultyClient(client, { kind: 'crash', afterWrites }).asClient();
              await replayer(faulty)
                .run(letters(faulty))
                .catch(() => undefined);
            }
            const report = await replayer(client).run(letters(client));

            // Assess: the table equals the reference fold of the corrected input
            expect(report.failed).toBe(0);
            const reference = new BatchFolder(sensorStats).fold(corrected(records), {
              ignoreLateness: includeLate,
            });
            const stored = new Map(
              (await scanAll(client, tables.resultsTable))
                .filter((item) => item.pk?.S?.includes('#'))
                .map((item) => [`${item.pk?.S} ${item.sk?.S}`, item]),
            );
            expect(stored.size).toBe(reference.aggregates.size);
            for (const aggregate of reference.aggregates.values()) {
              const { pk, sk } = resultKey(sensorStats.name, aggregate.groupKey, aggregate.windowStartMs);
              const item = stored.get(`${pk} ${sk}`);
              expect(item?.replayed).toBeUndefined();
              const got = readStoredAggregate(sensorStats, item ?? {});
              expect(got.aggregate.records).toBe(aggregate.records);
              expect(Buffer.from(encodeAggregate(sensorStats, got.aggregate)).toString('hex')).toBe(
                Buffer.from(encodeAggregate(sensorStats, aggregate)).toString('hex'),
              );
            }
            const letterItems = await scanAll(client, tables.deadLetterTable);
            const marked = letterItems.filter((l) => l.replayedAt !== undefined);
            expect(marked).toHaveLength(8 + 8 + (includeLate ? 1 : 0));
            expect(letterItems.filter((l) => l.replayPending !== undefined)).toStrictEqual([]);
          } finally {
            await tables.drop();
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);

  it('stops between chunks when its signal is aborted (Ctrl-C), and a rerun does the rest', async () => {
    // Prepare
    const tables = await createPipelineTables(client, sensorStats);
    const records = input();
    const processor = new BatchProcessor({
      definition: sensorStats,
      client,
      resultsTable: tables.resultsTable,
      deadLetterTable: tables.deadLetterTable,
      now: () => nowMs,
    });
    await processor.process(
      kinesisEvent(records.map((r, n) => ({ ...r, sequenceNumber: sequenceNumber(n + 1) }))),
      { getRemainingTimeInMillis: () => 60_000 },
    );
    const controller = new AbortController();
    const replay = (signal?: AbortSignal) =>
      new LetterReplayer({
        definition: sensorStatsFixed,
        client,
        resultsTable: tables.resultsTable,
        deadLetterTable: tables.deadLetterTable,
        chunkSize: 5,
        ...(signal !== undefined ? { signal, onProgress: () => controller.abort() } : {}),
      }).run(
        queryLetters({
          client,
          tableName: tables.deadLetterTable,
          pipeline: sensorStats.name,
          filter: { unreplayedOnly: true },
          withPayload: true,
        }),
      );

    // Act
    const stopped = await replay(controller.signal);
    const rest = await replay();

    // Assess
    expect(stopped.interrupted).toBe(true);
    expect(stopped.considered).toBe(5);
    expect(rest.interrupted).toBe(false);
    expect(stopped.marked + rest.marked).toBe(16);
    expect(rest.considered).toBe(17 - stopped.marked);
    await tables.drop();
  });
});
