import { readFileSync } from 'node:fs';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import type { BatchReport } from '../../shared/handler/types.ts';
import { count } from '../../shared/metrics/count.ts';
import { max } from '../../shared/metrics/extreme.ts';
import { sum } from '../../shared/metrics/sum.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';
import { tumbling } from '../../shared/window/tumbling.ts';
import { kinesisEvent, sequenceNumber } from '../helpers/kinesisEvent.ts';

/** Arrival times the `streamfold fold` tests use for each sample. */
export const SAMPLES = {
  accessLog: { path: 'samples/access.log', arrival: '2026-11-21T08:32:00Z' },
  trades: { path: 'samples/trades.ndjson', arrival: '2026-11-21T08:35:00Z' },
  sensors: { path: 'samples/sensors.ndjson', arrival: '2026-11-21T08:35:00Z' },
} as const;

/** The lines of a sample file. */
export const sampleLines = (path: string): string[] =>
  readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
    .trimEnd()
    .split('\n');

/** Trades per venue and symbol: two group-by fields, ranked only by a metric that can be empty (a max). */
export const venueTrades = definePipeline({
  name: 'venue-trades',
  stream: 'venue-trades',
  decode: json(),
  groupBy: ['venue', 'symbol'],
  eventTime: 'time',
  window: tumbling('1m', { allowedLateness: '5m' }),
  metrics: { trades: count(), high: max('price'), volume: sum('qty') },
  retention: '1d',
  rankBy: ['high'],
});

/** The same data with no ranking index at all: only a Scan lists a window's groups. */
export const unranked = definePipeline({
  name: 'unranked-trades',
  stream: 'venue-trades',
  decode: json(),
  groupBy: ['venue', 'symbol'],
  eventTime: 'time',
  window: tumbling('1m', { allowedLateness: '5m' }),
  metrics: { trades: count(), volume: sum('qty') },
  retention: '1d',
  rankBy: [],
});

/** Trades for {@link venueTrades}: windows 08:30 (four groups) and 08:31 (two). */
export const VENUE_TRADES = [
  { venue: 'X', symbol: 'A', price: 10, qty: 5, time: '2026-11-21T08:30:01Z' },
  { venue: 'X', symbol: 'A', price: 12, qty: 1, time: '2026-11-21T08:30:10Z' },
  { venue: 'X', symbol: 'B', price: 50, qty: 2, time: '2026-11-21T08:30:20Z' },
  { venue: 'Y', symbol: 'A', price: 11, qty: 30, time: '2026-11-21T08:30:30Z' },
  { venue: 'Y', symbol: 'B', price: 49, qty: 7, time: '2026-11-21T08:30:40Z' },
  { venue: 'X', symbol: 'A', price: 13, qty: 2, time: '2026-11-21T08:31:05Z' },
  { venue: 'Y', symbol: 'B', price: 48, qty: 9, time: '2026-11-21T08:31:15Z' },
].map((trade) => JSON.stringify(trade));
export const VENUE_ARRIVAL = '2026-11-21T08:32:00Z';

/** Tables a {@link BatchProcessor} writes. */
export interface SinkTables {
  readonly resultsTable: string;
  readonly deadLetterTable: string;
}

/**
 * Creates the pipeline's results table with the stack's schema (its rank and open-windows indexes), named
 * `resultsTable`, and a dead-letter table beside it.
 */
export const createTables = async (
  client: DynamoDBClient,
  definition: PipelineDefinition,
  resultsTable: string,
): Promise<SinkTables> => {
  const deadLetterTable = `${resultsTable}-dead-letters`;
  await client.send(new CreateTableCommand(createTableInput(resultsTable, resultsTableSchema(definition))));
  await client.send(new CreateTableCommand(createTableInput(deadLetterTable, deadLetterTableSchema())));
  return { resultsTable, deadLetterTable };
};

/**
 * Writes real results items: the lines as one Kinesis batch of one shard, through the Lambda handler's
 * `BatchProcessor`, arriving (and processed) at `arrival`.
 */
export const writeLines = async (
  client: DynamoDBClient,
  definition: PipelineDefinition,
  tables: SinkTables,
  lines: readonly string[],
  arrival: string,
): Promise<BatchReport> => {
  const arrivalMs = Date.parse(arrival);
  const processor = new BatchProcessor({
    definition,
    client,
    resultsTable: tables.resultsTable,
    deadLetterTable: tables.deadLetterTable,
    now: () => arrivalMs,
  });
  const report = await processor.process(
    kinesisEvent(lines.map((data, i) => ({ data, sequenceNumber: sequenceNumber(i + 1), arrivalMs }))),
    { getRemainingTimeInMillis: () => 60_000 },
  );
  if (report.failedSequence !== undefined) throw new Error(`Batch failed at ${report.failedSequence}`);
  return report;
};
