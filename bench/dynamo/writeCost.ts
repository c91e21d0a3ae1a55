import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import { toSourceRecord } from '../../shared/handler/toSourceRecord.ts';
import { itemSizeBytes } from '../../shared/storage/itemSize.ts';
import { ResultsWriter } from '../../shared/storage/ResultsWriter.ts';
import { createPipelineTables } from '../../test/helpers/localTables.ts';
import { EXAMPLE_BATCHES } from '../data/exampleBatches.ts';
import { kinesisBatch } from '../data/index.ts';
import { median, round } from '../harness/stats.ts';
import { batchClock } from './batchClock.ts';
import { batchItems } from './batchItems.ts';
import { indexWriteUnits } from './indexWriteUnits.ts';
import { NaiveWriter } from './NaiveWriter.ts';

const SHARD = 'shardId-000000000000';
const BATCH_GET_KEYS = 100;

/** One row of figure 3: the cost of writing one batch of one example pipeline. */
export interface WriteCostRow {
  readonly pipeline: string;
  readonly records: number;
  /** Distinct (group, window) items the batch touches. */
  readonly items: number;
  /** (record, window) pairs folded: what a per-record writer writes. */
  readonly contributions: number;
  readonly putItemRequests: number;
  readonly batchGetRequests: number;
  readonly conflicts: number;
  /** Table write units as dynalite reports them (`ReturnConsumedCapacity: TOTAL`). */
  readonly writeUnits: number;
  /** Σ over distinct items of ceil(item bytes / 1 KB): no writer that stores these items can pay less. */
  readonly lowerBoundWriteUnits: number;
  /** writeUnits ÷ lowerBoundWriteUnits: 1 is optimal. */
  readonly writeUnitsVsLowerBound: number;
  /** Modelled index write units of these first writes (ranking indexes and `open-windows`); not measured. */
  readonly indexWriteUnitsModel: number;
  /** Naive per-record writer, minimal item: one request and one write unit per contribution. */
  readonly naiveRequests: number;
  readonly naiveWriteUnits: number;
  /** Naive writer measured against dynalite, when run for this pipeline. */
  readonly naiveMeasured: { readonly requests: number; readonly writeUnits: number } | undefined;
  /** A per-record writer of the same items as ours: Σ records × ceil(item bytes / 1 KB) (model). */
  readonly naiveSameItemWriteUnits: number;
  /** naiveWriteUnits ÷ writeUnits: how many times fewer units we spend than the cheapest naive writer. */
  readonly savingVsNaive: number;
  readonly itemBytesMedian: number;
  readonly itemBytesMax: number;
  /** Largest item of the adversarial batch (one group and window, values that grow every state). */
  readonly worstCaseItemBytes: number;
  /** Wall time of the write against dynalite (emulator figure). */
  readonly writeSeconds: number;
}

/** Options of {@link measureWriteCost}. */
export interface WriteCostOptions {
  readonly records: number;
  /** Pipelines for which the naive writer is also run against dynalite (10,000 UpdateItems take ~5–10 s). */
  readonly measureNaiveFor: readonly string[];
}

/**
 * Figure 3: writes one realistic batch of each example pipeline with `ResultsWriter` into fresh dynalite
 * tables and compares its requests and write units with the lower bound and with a naive per-record
 * writer; item sizes are typical (median), batch maximum and adversarial worst case.
 *
 * @example
 * const rows = await measureWriteCost(client, { records: 10_000, measureNaiveFor: ['ohlc'] });
 */
export const measureWriteCost = async (
  client: DynamoDBClient,
  options: WriteCostOptions,
): Promise<WriteCostRow[]> => {
  const rows: WriteCostRow[] = [];
  for (const example of EXAMPLE_BATCHES) {
    const { definition } = example;
    const event = kinesisBatch(example.realistic({ count: options.records, seed: 2 }));
    const sources = event.Records.map(toSourceRecord);
    const folder = new BatchFolder(definition);
    const batch = folder.fold(sources);
    const tables = await createPipelineTables(client, definition);
    try {
      const now = batchClock(sources);
      const writer = new ResultsWriter({ client, tableName: tables.resultsTable, definition, now });
      const started = performance.now();
      const outcome = await writer.write(batch, sources, SHARD, now() + 600_000);
      const writeSeconds = (performance.now() - started) / 1000;
      if (outcome.failed > 0) throw outcome.errors[0] ?? new Error(`${outcome.failed} item(s) failed`);
      const items = batchItems(definition, batch, sources, SHARD, now());
      const itemBytes = items.map(itemSizeBytes);
      const lowerBound = outcome.itemBytes.reduce((n, b) => n + Math.ceil(b / 1024), 0);
      let contributions = 0;
      let sameItem = 0;
      [...batch.aggregates.values()].forEach((aggregate, i) => {
        contributions += aggregate.records;
        sameItem += aggregate.records * Math.ceil((itemBytes[i] as number) / 1024);
      });
      const naiveMeasured = options.measureNaiveFor.includes(definition.name)
        ? await new NaiveWriter(client, tables.resultsTable, definition.name).write(batch)
        : undefined;
      const worstEvent = kinesisBatch(example.worst({ count: options.records }));
      const worstSources = worstEvent.Records.map(toSourceRecord);
      const worstItems = batchItems(
        definition,
        folder.fold(worstSources),
        worstSources,
        SHARD,
        batchClock(worstSources)(),
      );
      rows.push({
        pipeline: definition.name,
        records: options.records,
        items: batch.aggregates.size,
        contributions,
        putItemRequests: outcome.written + outcome.conflicts,
        batchGetRequests: Math.ceil(batch.aggregates.size / BATCH_GET_KEYS),
        conflicts: outcome.conflicts,
        writeUnits: outcome.writeUnits,
        lowerBoundWriteUnits: lowerBound,
        writeUnitsVsLowerBound: round(outcome.writeUnits / lowerBound, 4),
        indexWriteUnitsModel: items.reduce((n, item) => n + indexWriteUnits(definition, item), 0),
        naiveRequests: contributions,
        naiveWriteUnits: contributions,
        naiveMeasured,
        naiveSameItemWriteUnits: sameItem,
        savingVsNaive: round(contributions / outcome.writeUnits),
        itemBytesMedian: median(itemBytes),
        itemBytesMax: Math.max(...itemBytes),
        worstCaseItemBytes: Math.max(...worstItems.map(itemSizeBytes)),
        writeSeconds: round(writeSeconds),
      });
    } finally {
      await tables.drop();
    }
  }
  return rows;
};
