import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../local/services/clients.ts';
import type { LocalService } from '../../local/services/types.ts';
import { BatchProcessor } from '../../shared/handler/index.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { type Fault, FaultyClient } from '../helpers/faultyClient.ts';
import { createPipelineTables } from '../helpers/localTables.ts';
import {
  assessTables,
  BASE,
  backends,
  deliverShard,
  eventOf,
  pipeline,
  planArbitrary,
  shardsArbitrary,
} from './scenario.ts';

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
                const done = new Map<string, Promise<unknown>>();
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

                await assessTables(client, tables, shards);
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
