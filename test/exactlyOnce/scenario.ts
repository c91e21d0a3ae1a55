import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { expect } from 'vitest';
import { startDynalite } from '../../local/services/startDynalite.ts';
import { isJavaAvailable, startDynamoDbLocal } from '../../local/services/startDynamoDbLocal.ts';
import type { LocalService } from '../../local/services/types.ts';
import { json } from '../../shared/decode/index.ts';
import { definePipeline } from '../../shared/definition/index.ts';
import type { AggregateState } from '../../shared/fold/index.ts';
import { BatchFolder, emptyAggregate, encodeAggregate, mergeAggregate } from '../../shared/fold/index.ts';
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
import type { Fault } from '../helpers/faultyClient.ts';
import { scanAll, scanResults } from '../helpers/scanAll.ts';

/**
 * What the exactly-once properties share (docs/adr/0001-exactly-once.md, docs/adr/0002-coalesced-writes.md):
 * the pipeline, random records on random shard topologies, faults, the Kinesis event, the reference fold,
 * the backends, and the assessment of a table against the reference.
 */

export const RUNS = Number(process.env.EXACTLY_ONCE_RUNS ?? 200);
export const BASE = Date.parse('2026-11-21T08:00:00Z');

export const pipeline = definePipeline({
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

export interface ShardInput {
  readonly shardId: string;
  readonly records: readonly SourceRecord[];
  /** Shards whose records must all be processed first (resharding: parents before children). */
  readonly parents: readonly string[];
}

/** A record: a JSON event (sometimes malformed) and how long after its event time it arrives. */
export const entry = fc.tuple(
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
export const shardRecords = (shardIndex: number) =>
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

export const topology = fc.constantFrom('one', 'two', 'four', 'reshard');

export const shardsArbitrary = topology.chain((kind) => {
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

export const faultArbitrary: fc.Arbitrary<Fault> = fc.oneof(
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

export const eventOf = (shardId: string, records: readonly SourceRecord[]): KinesisStreamEvent => ({
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

/** What the simulated event source mapping does with one attempt. */
export interface Plan {
  readonly size: number;
  readonly fault: Fault;
  readonly bisect: boolean;
  readonly duplicate: boolean;
  readonly deadline: boolean;
}

export const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  size: fc.integer({ min: 1, max: 12 }),
  fault: faultArbitrary,
  bisect: fc.boolean(),
  duplicate: fc.boolean(),
  deadline: fc.boolean().map((b) => b && Math.random() < 0.3),
});

/**
 * A simulated event source mapping for one shard in per-batch mode, following Lambda's retry semantics
 * under the plans. With `stopAfter`, it stops after that many attempts (a switch to buffered mode) and
 * returns where Lambda would resume: possibly inside a batch some of whose items were written.
 */
export const deliverShard = async (
  shard: Pick<ShardInput, 'records'>,
  plans: readonly Plan[],
  run: (
    records: readonly SourceRecord[],
    fault: Fault,
    deadline: boolean,
  ) => Promise<{ crashed: boolean; failedSequence: string | undefined }>,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<number> => {
  const { records } = shard;
  let checkpoint = 0;
  let attempt = 0;
  let nextSize: number | undefined;
  while (checkpoint < records.length && attempt < stopAfter) {
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
  return checkpoint;
};

/** The reference: every record folded exactly once, per shard, merged across shards. */
export const referenceOf = (shards: readonly ShardInput[]) => {
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

export const backends: {
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

/** Asserts the table equals the reference fold byte for byte and the dead letters equal the reference's. */
export const assessTables = async (
  client: DynamoDBClient,
  tables: { readonly resultsTable: string; readonly deadLetterTable: string },
  shards: readonly ShardInput[],
): Promise<void> => {
  // Assess: results
  const reference = referenceOf(shards);
  const items = await scanResults(client, tables.resultsTable);
  const stored = new Map(
    items.map((item) => [`${item.pk?.S} ${item.sk?.S}`, readStoredAggregate(pipeline, item).aggregate]),
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
    (l) => `${l.shardId?.S} ${l.sequenceNumber?.S} ${l.line?.N ?? ''} ${l.kind?.S} ${l.reason?.S}`,
  );
  expect(found.length).toBe(new Set(found).size);
  expect(new Set(found)).toStrictEqual(reference.letters);
};
