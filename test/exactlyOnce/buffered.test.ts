import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import type { LocalService } from '../../local/services/types.ts';
import { BatchProcessor, DEFAULT_MAX_STATE_BYTES } from '../../shared/handler/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { type Fault, FaultyClient } from '../helpers/faultyClient.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import {
  assessTables,
  BASE,
  backends,
  deliverShard,
  eventOf,
  faultArbitrary,
  type Plan,
  pipeline,
  planArbitrary,
  type ShardInput,
  shardsArbitrary,
} from './scenario.ts';

/**
 * Exactly-once in buffered mode (docs/adr/0002-coalesced-writes.md), as a property: the same random
 * records, shards and faults as the per-batch property, delivered by a simulated event source mapping with
 * tumbling windows — per-shard state passed from invocation to invocation, intervals by arrival time, a
 * final invocation per interval (retried until it succeeds, sometimes carrying the interval's last
 * records), early termination, failed invocations retried with the state they had (bisected or not),
 * whole batches delivered twice, records redelivered out of order, state limits small enough to force
 * flushes mid-interval, and shards that switch from per-batch mode in the middle of a partial failure.
 * The table must equal the reference fold byte for byte and the dead letters the reference's.
 *
 * Sabotage check: skipping the buffer's high-water mark (treating duplicates as new records) or the
 * ceiling (buffering records that items may hold) makes this fail within a few schedules.
 */

const INTERVAL_MS = 30_000;

interface WindowPlan {
  /** The attempt's batch plan (size, fault, bisect, duplicate, deadline). */
  readonly batch: Plan;
  /** End the window early before this attempt (Lambda's `isWindowTerminatedEarly`). */
  readonly terminate: boolean;
  /** Redeliver up to this many earlier records (of this interval or flushed ones) in front of the batch. */
  readonly replay: number;
  /** The interval's last batch comes with `isFinalInvokeForWindow` itself. */
  readonly finalCarries: boolean;
}

const windowPlanArbitrary: fc.Arbitrary<WindowPlan> = fc.record({
  batch: planArbitrary,
  terminate: fc.boolean().map((b) => b && Math.random() < 0.15),
  replay: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 4 }) }),
  finalCarries: fc.boolean(),
});

const shardPlanArbitrary = fc.record({
  /** Attempts in per-batch mode before the switch to buffered mode (0: buffered from the start). */
  switchAfter: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.nat({ max: 4 }) },
  ),
  perBatch: fc.array(planArbitrary, { maxLength: 6 }),
  windows: fc.array(windowPlanArbitrary, { maxLength: 16 }),
  finals: fc.array(faultArbitrary, { maxLength: 3 }),
});

type ShardPlan = typeof shardPlanArbitrary extends fc.Arbitrary<infer T> ? T : never;

const NO_FAULT: Fault = { kind: 'none' };
const DEFAULT_PLAN: WindowPlan = {
  batch: { size: 10, fault: NO_FAULT, bisect: false, duplicate: false, deadline: false },
  terminate: false,
  replay: 0,
  finalCarries: false,
};

type Invoke = (
  records: readonly SourceRecord[],
  state: Record<string, string>,
  flags: { final: boolean; terminated: boolean; fault: Fault; deadline: boolean },
) => Promise<{ ok: boolean; state: Record<string, string> }>;

/** Invokes until success with the same state (the final invocation is retried until it succeeds). */
const untilDone = async (
  invoke: Invoke,
  records: readonly SourceRecord[],
  state: Record<string, string>,
  flags: { final: boolean; terminated: boolean },
  faults: readonly Fault[],
): Promise<Record<string, string>> => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const outcome = await invoke(records, state, {
      ...flags,
      fault: faults[attempt] ?? NO_FAULT,
      deadline: false,
    });
    if (outcome.ok) return outcome.state;
  }
  throw new Error('the simulated final invocation never succeeded');
};

/** A simulated event source mapping with tumbling windows for one shard. */
const deliverBuffered = async (
  records: readonly SourceRecord[],
  plan: ShardPlan,
  invoke: Invoke,
): Promise<void> => {
  let attempt = 0;
  let index = 0;
  while (index < records.length) {
    const interval = Math.floor((records[index] as SourceRecord).arrivalMs / INTERVAL_MS);
    let end = index;
    while (
      end < records.length &&
      Math.floor((records[end] as SourceRecord).arrivalMs / INTERVAL_MS) === interval
    )
      end += 1;
    let state: Record<string, string> = {};
    let nextSize: number | undefined;
    let finalDone = false;
    while (index < end) {
      const step = plan.windows[attempt] ?? DEFAULT_PLAN;
      attempt += 1;
      if (attempt > 500) throw new Error('the simulated event source mapping made no progress');
      if (step.terminate) {
        state = await untilDone(invoke, [], state, { final: true, terminated: true }, plan.finals);
        state = {}; // the same interval goes on with a fresh state
      }
      const size = Math.max(1, nextSize ?? step.batch.size);
      nextSize = undefined;
      const batch = records.slice(index, Math.min(end, index + size));
      const replayed = records.slice(Math.max(0, index - step.replay), index);
      const delivered = [...replayed, ...batch];
      const last = index + batch.length === end;
      const final = last && step.finalCarries;
      const outcome = await invoke(delivered, state, {
        final,
        terminated: false,
        fault: step.batch.fault,
        deadline: step.batch.deadline,
      });
      if (!outcome.ok) {
        // A failed invocation: retried with the state it had, the batch bisected or whole.
        if (final) {
          state = await untilDone(invoke, delivered, state, { final: true, terminated: false }, plan.finals);
          finalDone = true;
          index += batch.length;
          continue;
        }
        nextSize = step.batch.bisect && batch.length > 1 ? Math.ceil(batch.length / 2) : batch.length;
        continue;
      }
      state = outcome.state;
      if (step.batch.duplicate && !final) {
        // The whole batch delivered again: every record is already in the state.
        const again = await invoke(batch, state, {
          final: false,
          terminated: false,
          fault: NO_FAULT,
          deadline: false,
        });
        expect(again.ok).toBe(true);
        state = again.state;
      }
      index += batch.length;
      if (final) finalDone = true;
    }
    if (!finalDone) await untilDone(invoke, [], state, { final: true, terminated: false }, plan.finals);
  }
};

const windowEventOf = (
  shardId: string,
  records: readonly SourceRecord[],
  state: Record<string, string>,
  flags: { final: boolean; terminated: boolean },
): KinesisStreamTumblingWindowEvent => {
  const start = Math.floor(((records[0]?.arrivalMs ?? BASE) as number) / INTERVAL_MS) * INTERVAL_MS;
  return {
    ...eventOf(shardId, records),
    window: { start: new Date(start).toISOString(), end: new Date(start + INTERVAL_MS).toISOString() },
    state,
    isFinalInvokeForWindow: flags.final,
    isWindowTerminatedEarly: flags.terminated,
    ...{ shardId, eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/events' },
  };
};

for (const backend of backends) {
  describe(`Property: exactly-once in buffered mode under redelivery and faults (${backend.name})`, async () => {
    const enabled = await backend.enabled();
    const { runs } = backend;
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
      invocations: 0,
      failed: 0,
      flushes: 0,
      duplicates: 0,
      alreadyApplied: 0,
      conflicts: 0,
      deadLetters: 0,
      switched: 0,
    };

    it.runIf(enabled)(
      `table = reference fold and dead letters = reference rejections, over ${runs} fault schedules`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            shardsArbitrary,
            fc.array(shardPlanArbitrary, { minLength: 4, maxLength: 4 }),
            fc.constantFrom(DEFAULT_MAX_STATE_BYTES, 2_000, 700),
            async (shards: ShardInput[], plans, maxStateBytes) => {
              const tables = await createPipelineTables(client, pipeline);
              try {
                const processorFor = (fault: Fault) => {
                  const faulty = new FaultyClient(client, fault, 3);
                  const processor = new BatchProcessor({
                    definition: pipeline,
                    client: faulty.asClient(),
                    resultsTable: tables.resultsTable,
                    deadLetterTable: tables.deadLetterTable,
                    safetyMarginMs: 0,
                    retry: { sleep: async () => undefined, baseDelayMs: 1 },
                    now: () => BASE + 10 * 60_000,
                    maxStateBytes,
                  });
                  return { faulty, processor };
                };
                const deliver = async (shard: ShardInput, plan: ShardPlan) => {
                  let from = 0;
                  if (plan.switchAfter > 0) {
                    seen.switched += 1;
                    from = await deliverShard(
                      shard,
                      plan.perBatch,
                      async (records, fault, deadline) => {
                        const { faulty, processor } = processorFor(fault);
                        const report = await processor.process(eventOf(shard.shardId, records), {
                          getRemainingTimeInMillis: () => (deadline ? 0 : 600_000),
                        });
                        return { crashed: faulty.crashed, failedSequence: report.failedSequence };
                      },
                      plan.switchAfter,
                    );
                  }
                  await deliverBuffered(shard.records.slice(from), plan, async (records, state, flags) => {
                    const { processor } = processorFor(flags.fault);
                    seen.invocations += 1;
                    try {
                      const report = await processor.process(
                        windowEventOf(shard.shardId, records, state, flags),
                        { getRemainingTimeInMillis: () => (flags.deadline ? 0 : 600_000) },
                      );
                      if (report.flushed) seen.flushes += 1;
                      seen.duplicates += report.duplicates;
                      seen.alreadyApplied += report.itemsAlreadyApplied;
                      seen.conflicts += report.conditionalConflicts;
                      seen.deadLetters += report.deadLettersWritten;
                      return { ok: true, state: { ...(report.state ?? {}) } };
                    } catch {
                      seen.failed += 1;
                      return { ok: false, state };
                    }
                  });
                };
                const done = new Map<string, Promise<unknown>>();
                for (const [i, shard] of shards.entries()) {
                  const parentsDone = Promise.all(shard.parents.map((p) => done.get(p)));
                  const plan = plans[i] as ShardPlan;
                  done.set(
                    shard.shardId,
                    parentsDone.then(() => deliver(shard, plan)),
                  );
                }
                await Promise.all(done.values());
                await assessTables(client, tables, shards);
              } finally {
                await tables.drop();
              }
            },
          ),
          { numRuns: runs },
        );
        if (runs >= 100) {
          expect(seen.failed).toBeGreaterThan(0);
          expect(seen.flushes).toBeGreaterThan(0);
          expect(seen.duplicates).toBeGreaterThan(0);
          expect(seen.alreadyApplied).toBeGreaterThan(0);
          expect(seen.conflicts).toBeGreaterThan(0);
          expect(seen.deadLetters).toBeGreaterThan(0);
          expect(seen.switched).toBeGreaterThan(0);
        }
        console.info(`exactly-once, buffered (${backend.name}): ${JSON.stringify(seen)}`);
      },
      1_800_000,
    );
  });
}
