import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type _Record, type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamArn } from '../../local/esm/kinesisStreamEvent.ts';
import { createResources } from '../../local/runtime/createResources.ts';
import { dynamoDbClient, kinesisClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { startKinesisLocal } from '../../local/services/startKinesisLocal.ts';
import type { LocalService } from '../../local/services/types.ts';
import { queryLetters } from '../../shared/deadletters/queryLetters.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { sensorStats } from '../../shared/examples/sensorStats.ts';
import { encodeAggregate } from '../../shared/fold/aggregateCodec.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { toKinesisStreamRecord } from '../../shared/handler/toKinesisStreamRecord.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import { Redriver } from '../../shared/redrive/Redriver.ts';
import type { FailureMessage, FailureQueue } from '../../shared/redrive/types.ts';
import { ReplayLockedError } from '../../shared/replay/errors.ts';
import { LetterReplayer } from '../../shared/replay/LetterReplayer.ts';
import { ReplayLock } from '../../shared/replay/ReplayLock.ts';
import type { ReplayReport } from '../../shared/replay/types.ts';
import { readStoredAggregate, resultKey } from '../../shared/storage/resultItem.ts';
import { readShardRange } from '../../shared/stream/readShardRange.ts';
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

  it('a lease that runs out in the middle of a chunk stops the replay before its next write: no double count', async () => {
    // Prepare: the letters of the shipped definition; replay A holds the lock (120 s lease) on a clock of its own
    const tables = await createPipelineTables(client, sensorStats);
    try {
      const records = input();
      await new BatchProcessor({
        definition: sensorStats,
        client,
        resultsTable: tables.resultsTable,
        deadLetterTable: tables.deadLetterTable,
        now: () => nowMs,
      }).process(kinesisEvent(records.map((r, n) => ({ ...r, sequenceNumber: sequenceNumber(n + 1) }))), {
        getRemainingTimeInMillis: () => 60_000,
      });
      const clock = { ms: nowMs };
      const now = () => clock.ms;
      const lockOf = () =>
        new ReplayLock({ client, tableName: tables.deadLetterTable, pipeline: sensorStats.name, now });
      const replayer = (c: DynamoDBClient, lock: ReplayLock) =>
        new LetterReplayer({
          definition: sensorStatsFixed,
          client: c,
          resultsTable: tables.resultsTable,
          deadLetterTable: tables.deadLetterTable,
          chunkSize: 100,
          lock,
          now,
        }).run(
          queryLetters({
            client: c,
            tableName: tables.deadLetterTable,
            pipeline: sensorStats.name,
            filter: { unreplayedOnly: true },
            withPayload: true,
          }),
        );
      // A's first read of a results item stalls 200 s: its lease runs out, replay B takes the lock and
      // replays every letter, then A's read goes on (it sees B's writes, but A read its letters before)
      let stalled = false;
      let second: ReplayReport | undefined;
      const stalling = {
        send: async (command: GetItemCommand, options?: { abortSignal?: AbortSignal }) => {
          if (
            !stalled &&
            command instanceof GetItemCommand &&
            command.input.TableName === tables.resultsTable
          ) {
            stalled = true;
            clock.ms += 200_000;
            const lockB = lockOf();
            await lockB.acquire();
            second = await replayer(client, lockB);
            await lockB.release();
          }
          return client.send(command, options);
        },
      } as unknown as DynamoDBClient;
      const lockA = lockOf();
      await lockA.acquire();

      // Act
      const first = replayer(stalling, lockA);

      // Assess: A stops before writing; B's replay alone is in the table
      await expect(first).rejects.toThrow(ReplayLockedError);
      expect(stalled).toBe(true);
      expect(second?.marked).toBe(16);
      const reference = new BatchFolder(sensorStats).fold(corrected(records));
      const stored = new Map(
        (await scanAll(client, tables.resultsTable))
          .filter((item) => item.pk?.S?.includes('#'))
          .map((item) => [`${item.pk?.S} ${item.sk?.S}`, item]),
      );
      expect(stored.size).toBe(reference.aggregates.size);
      for (const aggregate of reference.aggregates.values()) {
        const { pk, sk } = resultKey(sensorStats.name, aggregate.groupKey, aggregate.windowStartMs);
        const got = readStoredAggregate(sensorStats, stored.get(`${pk} ${sk}`) ?? {});
        expect(`${pk} ${sk}: ${got.aggregate.records}`).toBe(`${pk} ${sk}: ${aggregate.records}`);
      }
    } finally {
      await tables.drop();
    }
  });

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

/**
 * The three paths that count a record (the handler, replay, redrive) together: a record that has a dead
 * letter is counted once whatever runs in which order (docs/adr/0003-dead-letter-replay.md, "Redrive and
 * dead letters"). On kinesis-local and dynalite.
 */
describe('Replay, redrive and redelivery together: each record counted once', () => {
  const services: LocalService[] = [];
  let kinesis: KinesisClient;
  let client: DynamoDBClient;
  const names = pipelineResourceNames(sensorStats);
  const SHARD = 'shardId-000000000000';
  const arn = streamArn('us-east-1', names.stream);
  const context = { shardId: SHARD, streamArn: arn, region: 'us-east-1', invokeIdentityArn: 'test' };

  beforeAll(async () => {
    const stream = await startKinesisLocal({});
    services.push(stream);
    const db = await startDynalite({});
    services.push(db);
    kinesis = kinesisClient(stream.endpoint);
    client = dynamoDbClient(db.endpoint, { maxAttempts: 1 });
    await createResources({
      kinesis,
      dynamodb: client,
      pipelines: [sensorStats],
      shardCount: 1,
      onProgress: () => undefined,
    });
  }, 60_000);

  afterAll(async () => {
    kinesis?.destroy();
    client?.destroy();
    for (const service of services) await service.stop();
  });

  /**
   * Puts dev-0 and dev-1 readings, then a dev-0 reading with `temperature` renamed `temp` (rejected by the
   * shipped definition): it is the last record of dev-0, so no item's mark covers it.
   */
  const putReadings = async (): Promise<_Record[]> => {
    const at = Date.now() - 60_000;
    const reading = (device: string, field: string, n: number) =>
      Buffer.from(
        JSON.stringify({ device, [field]: 20 + n, humidity: 40 + n, time: new Date(at + n).toISOString() }),
      );
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: names.stream,
        Records: [
          reading('dev-0', 'temperature', 1),
          reading('dev-1', 'temperature', 2),
          reading('dev-0', 'temp', 3),
        ].map((Data) => ({ Data, PartitionKey: 'pk-0' })),
      }),
    );
    const sequences = (put.Records ?? []).map((r) => r.SequenceNumber as string);
    const range = await readShardRange({
      client: kinesis,
      streamName: names.stream,
      shardId: SHARD,
      startSequence: sequences[0] as string,
      endSequence: sequences.at(-1) as string,
    });
    if (!range.retained) throw new Error(range.reason);
    expect(range.records).toHaveLength(3);
    return [...range.records];
  };

  const deliver = (
    definition: PipelineDefinition,
    tables: { resultsTable: string; deadLetterTable: string },
    records: readonly _Record[],
  ) =>
    new BatchProcessor({ definition, client, ...tables }).process(
      { Records: records.map((r) => toKinesisStreamRecord(r, context)) },
      { getRemainingTimeInMillis: () => 60_000 },
    );

  const replay = (tables: { resultsTable: string; deadLetterTable: string }) =>
    new LetterReplayer({ definition: sensorStatsFixed, client, ...tables }).run(
      queryLetters({
        client,
        tableName: tables.deadLetterTable,
        pipeline: sensorStats.name,
        filter: { unreplayedOnly: true },
        withPayload: true,
      }),
    );

  /** Redrives one on-failure message for `records` with the fixed definition. */
  const redrive = (
    tables: { resultsTable: string; deadLetterTable: string },
    records: readonly _Record[],
  ) => {
    const pending: FailureMessage[] = [
      {
        id: 'm-1',
        handle: 'm-1',
        range: {
          shardId: SHARD,
          startSequenceNumber: records[0]?.SequenceNumber as string,
          endSequenceNumber: records.at(-1)?.SequenceNumber as string,
          batchSize: records.length,
          streamArn: arn,
          approximateArrivalOfFirstRecord: '',
        },
      },
    ];
    const queue: FailureQueue = {
      description: 'a test queue',
      receive: async () => pending.splice(0),
      delete: async () => undefined,
    };
    return new Redriver({
      definition: sensorStatsFixed,
      dynamodb: client,
      kinesis,
      ...tables,
      queue,
    }).run();
  };

  /** The results table equals the fold of the corrected records, each once. */
  const expectReference = async (resultsTable: string, records: readonly _Record[]) => {
    const reference = new BatchFolder(sensorStats).fold(
      records.map((r) => {
        const source = toSourceRecord(toKinesisStreamRecord(r, context));
        return {
          ...source,
          data: Buffer.from(
            Buffer.from(source.data).toString('utf8').replaceAll('"temp":', '"temperature":'),
          ),
        };
      }),
    );
    const stored = new Map(
      (await scanAll(client, resultsTable))
        .filter((item) => item.pk?.S?.includes('#'))
        .map((item) => [`${item.pk?.S} ${item.sk?.S}`, item]),
    );
    expect(stored.size).toBe(reference.aggregates.size);
    for (const aggregate of reference.aggregates.values()) {
      const { pk, sk } = resultKey(sensorStats.name, aggregate.groupKey, aggregate.windowStartMs);
      const got = readStoredAggregate(sensorStats, stored.get(`${pk} ${sk}`) ?? {});
      expect(`${pk} ${sk}: ${got.aggregate.records}`).toBe(`${pk} ${sk}: ${aggregate.records}`);
    }
  };

  it.each([
    ['replay, then a redrive of the range', ['replay', 'redrive']],
    ['a redrive of the range, then replay', ['redrive', 'replay']],
  ] as const)(
    '%s: the renamed reading is counted once',
    async (_label, order) => {
      // Prepare: the shipped definition rejects the renamed reading (a dead letter)
      const tables = await createPipelineTables(client, sensorStats);
      try {
        const records = await putReadings();
        expect((await deliver(sensorStats, tables, records)).rejected).toBe(1);

        // Act: the definition is fixed; both replay and redrive run, in either order
        const reports = [];
        for (const step of order)
          reports.push(step === 'replay' ? await replay(tables) : await redrive(tables, records));

        // Assess
        await expectReference(tables.resultsTable, records);
        const redriven = reports[order.indexOf('redrive')] as Awaited<ReturnType<typeof redrive>>;
        expect(redriven).toMatchObject({ applied: 1, leftToReplay: 1 });
        const letters = await scanAll(client, tables.deadLetterTable);
        expect(letters.filter((l) => l.kind !== undefined).map((l) => l.replayOutcome?.S)).toStrictEqual([
          'folded',
        ]);
      } finally {
        await tables.drop();
      }
    },
    60_000,
  );

  it('a redelivery that rejects a replayed record again keeps its mark: the next replay folds nothing', async () => {
    // Prepare: delivered, replayed with the fixed definition
    const tables = await createPipelineTables(client, sensorStats);
    try {
      const records = await putReadings();
      await deliver(sensorStats, tables, records);
      expect((await replay(tables)).verdicts.folds).toBe(1);

      // Act: the same batch delivered again with the shipped definition (a Lambda retry of the old
      // version), then another replay
      const again = await deliver(sensorStats, tables, records);
      const second = await replay(tables);

      // Assess
      expect(again.rejected).toBe(1);
      expect(second.considered).toBe(0);
      await expectReference(tables.resultsTable, records);
      const [letter] = (await scanAll(client, tables.deadLetterTable)).filter((l) => l.kind !== undefined);
      expect(letter?.replayedAt).toBeDefined();
    } finally {
      await tables.drop();
    }
  }, 60_000);
});
