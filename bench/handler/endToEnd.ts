import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { BatchProcessor } from '../../shared/handler/BatchProcessor.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import { createPipelineTables } from '../../test/helpers/localTables.ts';
import { EXAMPLE_BATCHES } from '../data/exampleBatches.ts';
import { kinesisBatch } from '../data/index.ts';
import { batchClock } from '../dynamo/batchClock.ts';
import { quantile, round } from '../harness/stats.ts';

/** One row of figure 4: consecutive batches of one pipeline through the handler, against dynalite. */
export interface EndToEndRow {
  readonly pipeline: string;
  readonly recordsPerBatch: number;
  /** Timed batches (after the warm-up batches). */
  readonly batches: number;
  readonly batchesPerSec: number;
  readonly recordsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Mean items written per batch, and mean write units per batch (dynalite's figures). */
  readonly itemsPerBatch: number;
  readonly writeUnitsPerBatch: number;
}

/** Options of {@link measureEndToEnd}. */
export interface EndToEndOptions {
  /** Records per Kinesis batch. @default 1000 (the CDK construct's default batch size) */
  readonly recordsPerBatch: number;
  readonly warmupBatches: number;
  readonly batches: number;
  /** Which example pipelines to run (by name). */
  readonly pipelines: readonly string[];
}

/**
 * Figure 4 (emulator figures): the Lambda handler's core (`BatchProcessor.process`: decode, fold, read
 * stored items, conditional writes, dead letters) on consecutive batches of one shard's stream, against
 * dynalite running in a child process. Later batches update the items earlier ones created, as in steady
 * state. Batches run one after another, as one shard's batches do.
 *
 * @example
 * const rows = await measureEndToEnd(client, { recordsPerBatch: 1000, warmupBatches: 2, batches: 20, pipelines: ['ohlc'] });
 */
export const measureEndToEnd = async (
  client: DynamoDBClient,
  options: EndToEndOptions,
): Promise<EndToEndRow[]> => {
  const rows: EndToEndRow[] = [];
  const context = { getRemainingTimeInMillis: () => 300_000 };
  for (const example of EXAMPLE_BATCHES) {
    const { definition } = example;
    if (!options.pipelines.includes(definition.name)) continue;
    const size = options.recordsPerBatch;
    const total = options.warmupBatches + options.batches;
    const stream = example.realistic({ count: size * total, seed: 3 });
    const events: KinesisStreamEvent[] = [];
    for (let b = 0; b < total; b++)
      events.push(kinesisBatch(stream.slice(b * size, (b + 1) * size), 1 + b * size));
    const now = batchClock(events.flatMap((e) => e.Records.map(toSourceRecord)));
    const tables = await createPipelineTables(client, definition);
    try {
      const processor = new BatchProcessor({
        definition,
        client,
        resultsTable: tables.resultsTable,
        deadLetterTable: tables.deadLetterTable,
        now,
      });
      const latencies: number[] = [];
      let items = 0;
      let writeUnits = 0;
      let elapsedMs = 0;
      for (let b = 0; b < total; b++) {
        const started = performance.now();
        const report = await processor.process(events[b] as KinesisStreamEvent, context);
        const ms = performance.now() - started;
        if (report.failedSequence !== undefined) throw new Error(`Batch ${b} of ${definition.name} failed`);
        if (b < options.warmupBatches) continue;
        latencies.push(ms);
        elapsedMs += ms;
        items += report.itemsWritten;
        writeUnits += report.writeUnits;
      }
      rows.push({
        pipeline: definition.name,
        recordsPerBatch: size,
        batches: options.batches,
        batchesPerSec: round(options.batches / (elapsedMs / 1000)),
        recordsPerSec: round((options.batches * size) / (elapsedMs / 1000)),
        p50Ms: round(quantile(latencies, 0.5)),
        p99Ms: round(quantile(latencies, 0.99)),
        maxMs: round(Math.max(...latencies)),
        itemsPerBatch: round(items / options.batches),
        writeUnitsPerBatch: round(writeUnits / options.batches),
      });
    } finally {
      await tables.drop();
    }
  }
  return rows;
};
