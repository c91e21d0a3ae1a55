import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  compareWithReference,
  DynamoDbFaultProxy,
  type DynamoDbFaultRule,
} from '../../local/faults/index.ts';
import { dynamoDbClient } from '../../local/services/clients.ts';
import { startDynalite } from '../../local/services/startDynalite.ts';
import type { LocalService } from '../../local/services/types.ts';
import { AWS_TIMEOUTS } from '../../shared/aws/timeouts.ts';
import { ohlc } from '../../shared/examples/index.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';
import { createPipelineTables } from '../helpers/localTables.ts';

/**
 * Issue 16, item 1: a DynamoDB connection that accepts a request and never answers must not cost the
 * invocation. The real handler (functions/aggregate.ts) writes through a fault proxy that hangs one
 * request; the request is timed out (AWS_TIMEOUTS.requestTimeoutMs), retried within the deadline, and the
 * batch completes long before the function's 60 s timeout, with every record counted exactly once.
 */

const FUNCTION_TIMEOUT_MS = 60_000;

let dynamo: LocalService;
let direct: DynamoDBClient;
let proxy: DynamoDbFaultProxy;

beforeAll(async () => {
  dynamo = await startDynalite();
  direct = dynamoDbClient(dynamo.endpoint);
  proxy = await DynamoDbFaultProxy.start({ target: dynamo.endpoint });
});

afterAll(async () => {
  direct?.destroy();
  await proxy?.stop();
  await dynamo?.stop();
});

afterEach(() => {
  proxy.clearRules();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** Invokes like Lambda: a context whose remaining time counts down from the function timeout. */
const invoke = (
  handler: typeof import('../../functions/aggregate.ts')['handler'],
  event: KinesisStreamEvent,
): Promise<KinesisStreamBatchResponse> => {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  const context = { getRemainingTimeInMillis: () => deadline - Date.now() } as Context;
  return handler(event, context) as Promise<KinesisStreamBatchResponse>;
};

/** 40 on-time trades over 5 symbols, and 2 malformed records (dead letters). */
const batch = (): KinesisStreamEvent => {
  const arrivalMs = Date.now();
  const time = new Date(arrivalMs - 1_000).toISOString();
  const payloads = Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({ symbol: `S${i % 5}`, price: 100 + i, qty: 1 + (i % 3), time }),
  );
  payloads.splice(7, 0, '{"symbol":"S1","price":');
  payloads.splice(23, 0, '{"symbol":"S2","price":1,"qty":1,"time":"yesterday"}');
  return kinesisEvent(
    payloads.map((data, i) => ({ data, sequenceNumber: sequenceNumber(i + 1), arrivalMs })),
  );
};

/** Stands for the case's dead-letter table in a rule (tables are made per case). */
const DEAD_LETTER_TABLE = '<dead-letter table>';

describe('The aggregate handler when DynamoDB accepts a request and never answers', () => {
  it.each<[string, DynamoDbFaultRule]>([
    ['a PutItem, before it reaches the table', { fault: 'hang', operations: ['PutItem'], count: 1 }],
    [
      'a PutItem, after the table applied it (the answer is lost)',
      { fault: 'hang', operations: ['PutItem'], phase: 'after', count: 1 },
    ],
    ['the BatchGetItem that reads the items', { fault: 'hang', operations: ['BatchGetItem'], count: 1 }],
    [
      'the PutItem of a dead letter',
      { fault: 'hang', operations: ['PutItem'], tables: [DEAD_LETTER_TABLE], count: 1 },
    ],
  ])(
    '%s: times it out, retries it, and completes the batch exactly once, far within the function timeout',
    async (_label, rule) => {
      // Prepare
      const tables = await createPipelineTables(direct, ohlc);
      for (const [name, value] of Object.entries({
        PIPELINE_NAME: ohlc.name,
        RESULTS_TABLE: tables.resultsTable,
        DEAD_LETTER_TABLE: tables.deadLetterTable,
        DYNAMODB_ENDPOINT: proxy.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        POWERTOOLS_METRICS_DISABLED: 'true',
      })) {
        vi.stubEnv(name, value);
      }
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true); // Powertools logs
      vi.resetModules();
      const { handler } = await import('../../functions/aggregate.ts');
      const event = batch();
      const before = proxy.stats().byKind.hang;
      // The dead-letter table is made per case: name it in the rule now.
      proxy.addRule(
        rule.tables === undefined
          ? rule
          : {
              ...rule,
              tables: rule.tables.map((t) => (t === DEAD_LETTER_TABLE ? tables.deadLetterTable : t)),
            },
      );

      // Act
      const started = Date.now();
      const response = await invoke(handler, event);
      const elapsedMs = Date.now() - started;
      const redelivered = await invoke(handler, event);

      // Assess: the hang happened, cost one request timeout, and its connection was closed.
      expect(proxy.stats().byKind.hang - before).toBe(1);
      expect(proxy.stats().hanging).toBe(0);
      expect(response).toStrictEqual({ batchItemFailures: [] });
      expect(elapsedMs).toBeGreaterThanOrEqual(AWS_TIMEOUTS.requestTimeoutMs - 100);
      expect(elapsedMs).toBeLessThan(AWS_TIMEOUTS.requestTimeoutMs + 5_000);
      expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS / 4);
      // Exactly once, even after the same batch is delivered again.
      expect(redelivered).toStrictEqual({ batchItemFailures: [] });
      const comparison = await compareWithReference({
        definition: ohlc,
        shards: [
          {
            shardId: 'shardId-000000000000',
            parentShardIds: [],
            closed: false,
            records: (event.Records ?? []).map(toSourceRecord),
          },
        ],
        dynamodb: direct,
        resultsTable: tables.resultsTable,
        deadLetterTable: tables.deadLetterTable,
      });
      expect(comparison.problems).toStrictEqual([]);
      expect(comparison.reference.folded).toBe(40);
      expect(comparison.reference.rejected).toBe(2);
      expect(comparison.lost + comparison.doubled).toBe(0);
      expect(comparison.deadLetters.stored).toBe(2);
      expect(comparison.ok).toBe(true);
      await tables.drop();
    },
  );
});
