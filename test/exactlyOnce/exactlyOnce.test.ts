import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { isJavaAvailable, startDynamoDbLocal } from '../../local/services/startDynamoDbLocal.ts';
import type { LocalService } from '../../local/services/types.ts';
import { json } from '../../shared/decode/index.ts';
import { definePipeline } from '../../shared/definition/index.ts';
import type { AggregateState } from '../../shared/fold/index.ts';
import { BatchFolder, emptyAggregate, encodeAggregate, mergeAggregate } from '../../shared/fold/index.ts';
import { BatchProcessor } from '../../shared/handler/index.ts';
import {
  count,
  distinct,
  first,
  last,
  max,
  mean,
  min,
  quantiles,
  sum,
  topK,
  variance,
  weightedMean,
} from '../../shared/metrics/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { readStoredAggregate, resultKey } from '../../shared/storage/index.ts';
import { tumbling } from '../../shared/window/index.ts';
import { type Fault, FaultyClient } from '../helpers/faultyClient.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import { scanAll } from '../helpers/scanAll.ts';

/**
 * Exactly-once under at-least-once delivery (docs/adr/0001-exactly-once.md), as a property: random
 * records on random shards (with resharding), delivered by a simulated event source mapping under random
 * fault schedules — retried batches, bisected batches, restarts from the lowest reported failure with
 * later records redelivered in larger batches, crashes after k of n writes, whole batches delivered twice,
 * throttling, and several shards writing the same (window, group) concurrently — driving the real
 * BatchProcessor against a real local DynamoDB. The table must equal a reference fold of the input, byte
 * for byte, and the dead letters must equal the reference rejections and late records.
 *
 * EXACTLY_ONCE_RUNS sets the number of schedules (default 200); `npm run test:exactly-once` runs more.
 */

const RUNS = Number(process.env.EXACTLY_ONCE_RUNS ?? 200);
const BASE = Date.parse('2026-11-21T08:00:00Z');

const pipeline = definePipeline({
  name: 'exactly-once',
  stream: 'events',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window: tumbling('1m', { allowedLateness: '1m' }),
  metrics: {
    n: count(),
    big: count({ where: (r) => typeof r.v === 'number' && r.v > 50 }),
    total: sum('v'),
    low: min('v'),
    high: max('v'),
    avg: mean('v'),
    spread: variance('v'),
    open: first('v'),
    close: last('v'),
    vwap: weightedMean('v', 'w'),
    users: distinct('u'),
    dist: quantiles('v'),
    top: topK('u', 3),
  },
  retention: '1d',
  rankBy: ['n'],
});

interface ShardInput {
  readonly shardId: string;
  readonly records: readonly SourceRecord[];
  /** Shards whose records must all be processed first (resharding: parents before children). */
  readonly parents: readonly string[];
}

interface Plan {
  readonly size: number;
  readonly fault: Fault;
  readonly bisect: boolean;
  readonly duplicate: boolean;
  readonly deadline: boolean;
}

/** A record: a JSON event (sometimes malformed) and how long after its event time it arrives. */
const entry = fc.tuple(
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc.record({
        g: fc.constantFrom('a', 'b', 'c'),
        v: fc.integer({ min: -100, max: 100 }),
        w: fc.integer({ min: 0, max: 10 }),
        u: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('not json', '{"g":"a"}', '{"g":"a","v":"x","w":1,"u":"u1"}', ''),
    },
  ),
  fc.integer({ min: 0, max: 150 }),
);

/**
 * Arrival times grow along a shard (10 s apart); each event happened 0–150 s before it arrived, so some
 * miss their window's end plus the 1-minute lateness and are late.
 */
const shardRecords = (shardIndex: number) =>
  fc.array(entry, { maxLength: 30 }).map((entries) =>
    entries.map(([event, ageSeconds], i): SourceRecord => {
      const arrivalMs = BASE + i * 10_000 + shardIndex * 1_000;
      const text =
        typeof event === 'string' ? event : JSON.stringify({ ...event, t: arrivalMs - ageSeconds * 1000 });
      return {
        data: Buffer.from(text, 'utf8'),
        sequenceNumber: `4959${String(shardIndex).padStart(4, '0')}${String(i + 1).padStart(24, '0')}`,
        partitionKey: `pk-${i % 5}`,
        arrivalMs,
      };
    }),
  );

const topology = fc.constantFrom('one', 'two', 'four', 'reshard');

const shardsArbitrary = topology.chain((kind) => {
  if (kind === 'one')
    return fc
      .tuple(shardRecords(0))
      .map(([a]) => [{ shardId: 'shardId-000000000000', records: a, parents: [] }]);
  if (kind === 'four') {
    return fc
      .tuple(shardRecords(0), shardRecords(1), shardRecords(2), shardRecords(3))
      .map((lists) =>
        lists.map((records, i) => ({ shardId: `shardId-00000000000${i}`, records, parents: [] })),
      );
  }
  if (kind === 'two') {
    return fc.tuple(shardRecords(0), shardRecords(1)).map(([a, b]) => [
      { shardId: 'shardId-000000000000', records: a, parents: [] },
      { shardId: 'shardId-000000000001', records: b, parents: [] },
    ]);
  }
  return fc.tuple(shardRecords(0), shardRecords(1), shardRecords(2)).map(([p, c1, c2]) => [
    { shardId: 'shardId-000000000000', records: p, parents: [] },
    { shardId: 'shardId-000000000001', records: c1, parents: ['shardId-000000000000'] },
    { shardId: 'shardId-000000000002', records: c2, parents: ['shardId-000000000000'] },
  ]);
}) as fc.Arbitrary<ShardInput[]>;

const faultArbitrary: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' } as const) },
  {
    weight: 2,
    arbitrary: fc.nat({ max: 6 }).map((afterWrites) => ({ kind: 'crash', afterWrites }) as const),
  },
  { weight: 2, arbitrary: fc.nat({ max: 4 }).map((nth) => ({ kind: 'fail-item', nth }) as const) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => ({ kind: 'throttle', count: n }) as const),
  },
);

const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  size: fc.integer({ min: 1, max: 12 }),
  fault: faultArbitrary,
  bisect: fc.boolean(),
  duplicate: fc.boolean(),
  deadline: fc.boolean().map((b) => b && Math.random() < 0.3),
});

const eventOf = (shardId: string, records: readonly SourceRecord[]): KinesisStreamEvent => ({
  Records: records.map((r) => ({
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${r.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/streamfold',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.partitionKey,
      sequenceNumber: r.sequenceNumber,
      data: Buffer.from(r.data).toString('base64'),
      approximateArrivalTimestamp: r.arrivalMs / 1000,
    },
  })),
});

/** A simulated event source mapping for one shard, following Lambda's retry semantics under the plans. */
const deliverShard = async (
  shard: ShardInput,
  plans: readonly Plan[],
  run: (
    records: readonly SourceRecord[],
    fault: Fault,
    deadline: boolean,
  ) => Promise<{ crashed: boolean; failedSequence: string | undefined }>,
): Promise<void> => {
  const { records } = shard;
  let checkpoint = 0;
  let attempt = 0;
  let nextSize: number | undefined;
  while (checkpoint < records.length) {
    const plan: Plan = plans[attempt] ?? {
      size: 10,
      fault: { kind: 'none' },
      bisect: false,
      duplicate: false,
      deadline: false,
    };
    attempt += 1;
    if (attempt > 500) throw new Error('the simulated event source mapping made no progress');
    const size = Math.max(1, nextSize ?? plan.size);
    nextSize = undefined;
    const batch = records.slice(checkpoint, checkpoint + size);
    const outcome = await run(batch, plan.fault, plan.deadline);
    if (outcome.crashed) {
      if (plan.bisect && batch.length > 1)
        nextSize = Math.ceil(batch.length / 2); // BisectBatchOnFunctionError
      else nextSize = batch.length; // retry the same batch
      continue;
    }
    if (outcome.failedSequence !== undefined) {
      // ReportBatchItemFailures: resume at the lowest failed record; later records come again,
      // possibly in a larger batch (the next plan's size).
      const at = batch.findIndex((r) => r.sequenceNumber === outcome.failedSequence);
      expect(at).toBeGreaterThanOrEqual(0);
      checkpoint += at;
      continue;
    }
    if (plan.duplicate) await run(batch, { kind: 'none' }, false); // the whole batch delivered twice
    checkpoint += batch.length;
  }
};

/** The reference: every record folded exactly once, per shard, merged across shards. */
const referenceOf = (shards: readonly ShardInput[]) => {
  const folder = new BatchFolder(pipeline);
  const aggregates = new Map<string, AggregateState>();
  const letters = new Set<string>();
  for (const shard of shards) {
    const batch = folder.fold(shard.records);
    for (const aggregate of batch.aggregates.values()) {
      const key = resultKey(pipeline.name, aggregate.groupKey, aggregate.windowStartMs);
      const target = aggregates.get(`${key.pk} ${key.sk}`) ?? emptyAggregate(pipeline);
      mergeAggregate(pipeline, target, aggregate);
      aggregates.set(`${key.pk} ${key.sk}`, target);
    }
    for (const r of batch.rejections)
      letters.add(`${shard.shardId} ${r.origin.sequenceNumber} ${r.origin.line ?? ''} rejected ${r.reason}`);
    for (const l of batch.late)
      letters.add(`${shard.shardId} ${l.origin.sequenceNumber} ${l.origin.line ?? ''} late late`);
  }
  return { aggregates, letters };
};

const backends: {
  name: string;
  start: () => Promise<LocalService>;
  runs: number;
  enabled: () => Promise<boolean>;
}[] = [
  { name: 'dynalite', start: () => startDynalite(), runs: RUNS, enabled: async () => true },
  {
    name: 'DynamoDB Local',
    start: () => startDynamoDbLocal(),
    runs: Math.max(20, Math.round(RUNS / 5)),
    enabled: isJavaAvailable,
  },
];

for (const backend of backends) {
  describe(`Property: exactly-once results under redelivery and faults (${backend.name})`, async () => {
    const enabled = await backend.enabled();
    let service: LocalService | undefined;
    let client: DynamoDBClient;

    beforeAll(async () => {
      if (!enabled) return;
      service = await backend.start();
      client = dynamoDbClient(service.endpoint, { maxAttempts: 1 });
    }, 300_000);

    afterAll(async () => {
      await service?.stop();
    });

    const seen = {
      batches: 0,
      crashes: 0,
      partialFailures: 0,
      alreadyApplied: 0,
      conflicts: 0,
      deadLetters: 0,
    };

    it.runIf(enabled)(
      `table = reference fold and dead letters = reference rejections, over ${backend.runs} fault schedules`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            shardsArbitrary,
            fc.array(fc.array(planArbitrary, { maxLength: 12 }), { minLength: 4, maxLength: 4 }),
            async (shards, planSets) => {
              const tables = await createPipelineTables(client, pipeline);
              try {
                const run = async (
                  records: readonly SourceRecord[],
                  fault: Fault,
                  deadline: boolean,
                  shardId: string,
                ) => {
                  const faulty = new FaultyClient(client, fault, 3);
                  const processor = new BatchProcessor({
                    definition: pipeline,
                    client: faulty.asClient(),
                    resultsTable: tables.resultsTable,
                    deadLetterTable: tables.deadLetterTable,
                    safetyMarginMs: 0,
                    retry: { sleep: async () => undefined, baseDelayMs: 1 },
                    now: () => BASE + 10 * 60_000,
                  });
                  const report = await processor.process(eventOf(shardId, records), {
                    getRemainingTimeInMillis: () => (deadline ? 0 : 600_000),
                  });
                  seen.batches += 1;
                  if (faulty.crashed) seen.crashes += 1;
                  else if (report.failedSequence !== undefined) seen.partialFailures += 1;
                  seen.alreadyApplied += report.itemsAlreadyApplied;
                  seen.conflicts += report.conditionalConflicts;
                  seen.deadLetters += report.deadLettersWritten;
                  return { crashed: faulty.crashed, failedSequence: report.failedSequence };
                };
                const done = new Map<string, Promise<void>>();
                for (const [i, shard] of shards.entries()) {
                  const parentsDone = Promise.all(shard.parents.map((p) => done.get(p)));
                  done.set(
                    shard.shardId,
                    parentsDone.then(() =>
                      deliverShard(shard, planSets[i] ?? [], (records, fault, deadline) =>
                        run(records, fault, deadline, shard.shardId),
                      ),
                    ),
                  );
                }
                await Promise.all(done.values());

                // Assess: results
                const reference = referenceOf(shards);
                const items = await scanAll(client, tables.resultsTable);
                const stored = new Map(
                  items.map((item) => [
                    `${item.pk?.S} ${item.sk?.S}`,
                    readStoredAggregate(pipeline, item).aggregate,
                  ]),
                );
                expect([...stored.keys()].sort()).toStrictEqual([...reference.aggregates.keys()].sort());
                for (const [key, expected] of reference.aggregates) {
                  const actual = stored.get(key) as AggregateState;
                  expect(actual.records, key).toBe(expected.records);
                  expect(Buffer.from(encodeAggregate(pipeline, actual)).toString('hex'), key).toBe(
                    Buffer.from(encodeAggregate(pipeline, expected)).toString('hex'),
                  );
                }
                // Assess: dead letters, exactly one per rejected or late record
                const letters = await scanAll(client, tables.deadLetterTable);
                const found = letters.map(
                  (l) =>
                    `${l.shardId?.S} ${l.sequenceNumber?.S} ${l.line?.N ?? ''} ${l.kind?.S} ${l.reason?.S}`,
                );
                expect(found.length).toBe(new Set(found).size);
                expect(new Set(found)).toStrictEqual(reference.letters);
              } finally {
                await tables.drop();
              }
            },
          ),
          { numRuns: backend.runs },
        );
        // The schedules must really exercise every path, or the property proves little.
        if (backend.runs >= 100) {
          expect(seen.crashes).toBeGreaterThan(0);
          expect(seen.partialFailures).toBeGreaterThan(0);
          expect(seen.alreadyApplied).toBeGreaterThan(0);
          expect(seen.deadLetters).toBeGreaterThan(0);
          expect(seen.conflicts).toBeGreaterThan(0);
        }
        console.info(`exactly-once (${backend.name}): ${JSON.stringify(seen)}`);
      },
      1_800_000,
    );
  });
}
