import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ByteWriter } from '../../shared/codec/ByteWriter.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import {
  type AggregateState,
  BatchFolder,
  emptyAggregate,
  encodeAggregate,
  mergeAggregate,
} from '../../shared/fold/index.ts';
import type { FoldStats } from '../../shared/fold/types.ts';
import type { AnyMetric } from '../../shared/metrics/types.ts';
import type { TopK } from '../../shared/sketch/TopK.ts';
import { readStoredAggregate, resultKey } from '../../shared/storage/resultItem.ts';
import { scanResults as scan } from '../../shared/storage/scanTable.ts';
import type { ShardRecords } from './readStreamRecords.ts';

/** Options of {@link compareWithReference}. */
export interface CompareWithReferenceOptions {
  readonly definition: PipelineDefinition;
  /** Everything the pipeline's stream holds, e.g. from `readStreamRecords`. */
  readonly shards: readonly ShardRecords[];
  /** A client of the database itself (not of a fault proxy in front of it). */
  readonly dynamodb: DynamoDBClient;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
  /**
   * Most problem descriptions kept in {@link ReferenceComparison.problems}.
   * @default 20
   */
  readonly maxProblems?: number;
}

/** How a results table and dead-letter table compare with the reference fold of a stream. */
export interface ReferenceComparison {
  readonly pipeline: string;
  /** Kinesis records in the stream. */
  readonly kinesisRecords: number;
  /** The reference fold's counts (every record folded exactly once). */
  readonly reference: Readonly<FoldStats>;
  /** `in = folded + filtered + rejected + late` in the reference. */
  readonly conserved: boolean;
  readonly items: {
    readonly reference: number;
    readonly stored: number;
    /** Reference items with no stored item. */
    readonly missing: number;
    /** Stored items the reference does not have. */
    readonly unexpected: number;
    /** Stored state equal to the reference byte for byte. */
    readonly exact: number;
    /**
     * Equal except for top-k summaries beyond their capacity, whose truncation depends on batching: same
     * total, and shared heavy hitters' counts within the summaries' error bound.
     */
    readonly withinSketchBound: number;
    /** Different state (metric values) for the same record count, or different record counts. */
    readonly mismatched: number;
  };
  /** Sum over items of the records count (window assignments): reference, stored. */
  readonly records: { readonly reference: number; readonly stored: number };
  /** Sum over items of `reference − stored` where positive: records never folded. */
  readonly lost: number;
  /** Sum over items of `stored − reference` where positive: records folded more than once. */
  readonly doubled: number;
  readonly deadLetters: {
    /** Rejected plus late records in the reference. */
    readonly reference: number;
    readonly stored: number;
    readonly missing: number;
    readonly unexpected: number;
    /** Stored dead letters that repeat another one's record. */
    readonly duplicates: number;
  };
  /** The first differences found, described. */
  readonly problems: readonly string[];
  /** Nothing lost, doubled, mismatched, missing or unexpected, and the reference conserves records. */
  readonly ok: boolean;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const metricBytes = (metric: AnyMetric, state: unknown): string => {
  const out = new ByteWriter(32);
  metric.encode(state, out);
  return hex(out.finish());
};

/**
 * Whether two top-k summaries that differ are both valid summaries of the same input: same total weight,
 * and every value both report has counts within the larger error bound of each other.
 */
const topKAgree = (reference: TopK, stored: TopK): boolean => {
  if (reference.total !== stored.total) return false;
  if (reference.errorBound === 0 && stored.errorBound === 0) return false;
  const bound = Math.max(reference.errorBound, stored.errorBound);
  const counts = new Map(reference.top().map((h) => [h.value, h.count]));
  return stored.top().every((h) => {
    const count = counts.get(h.value);
    return count === undefined || Math.abs(count - h.count) <= bound;
  });
};

const letterKey = (
  shardId: string | undefined,
  sequence: string | undefined,
  subIndex: string | number | undefined,
  line: string | number | undefined,
  kind: string | undefined,
  reason: string | undefined,
): string => `${shardId} ${sequence} ${subIndex ?? ''} ${line ?? ''} ${kind} ${reason}`;

/**
 * The oracle of the fault-injection tests and the soak: folds every record of the stream exactly once
 * (per shard, merged across shards: the same contributions the pipeline makes), then compares the
 * pipeline's results table item by item — record counts (lost, doubled) and canonical state bytes (every
 * metric value) — and its dead-letter table record by record (one dead letter per rejected or late record).
 *
 * @example
 * const shards = await readStreamRecords({ client: runtime.kinesis, streamName: names.stream });
 * const check = await compareWithReference({ definition, shards, dynamodb, resultsTable, deadLetterTable });
 * check.lost; // 0
 * check.doubled; // 0
 */
export const compareWithReference = async (
  options: CompareWithReferenceOptions,
): Promise<ReferenceComparison> => {
  const { definition, shards, dynamodb } = options;
  const maxProblems = options.maxProblems ?? 20;
  const problems: string[] = [];
  const problem = (text: string): void => {
    if (problems.length < maxProblems) problems.push(text);
  };

  // The reference: each shard folded once, merged per (group, window).
  const folder = new BatchFolder(definition);
  const expected = new Map<string, AggregateState>();
  const expectedLetters = new Set<string>();
  const stats: FoldStats = { in: 0, folded: 0, filtered: 0, rejected: 0, late: 0, lateAssignments: 0 };
  let kinesisRecords = 0;
  for (const shard of shards) {
    kinesisRecords += shard.records.length;
    if (shard.records.length === 0) continue;
    const batch = folder.fold(shard.records);
    for (const key of Object.keys(stats) as (keyof FoldStats)[]) stats[key] += batch.stats[key];
    for (const aggregate of batch.aggregates.values()) {
      const { pk, sk } = resultKey(definition.name, aggregate.groupKey, aggregate.windowStartMs);
      const target = expected.get(`${pk} ${sk}`) ?? emptyAggregate(definition);
      mergeAggregate(definition, target, aggregate);
      expected.set(`${pk} ${sk}`, target);
    }
    for (const r of batch.rejections) {
      const { sequenceNumber, subIndex, line } = r.origin;
      expectedLetters.add(letterKey(shard.shardId, sequenceNumber, subIndex, line, 'rejected', r.reason));
    }
    for (const l of batch.late) {
      const { sequenceNumber, subIndex, line } = l.origin;
      expectedLetters.add(letterKey(shard.shardId, sequenceNumber, subIndex, line, 'late', 'late'));
    }
  }

  // The results table.
  const stored = new Map<string, AggregateState>();
  for (const item of await scan(dynamodb, options.resultsTable)) {
    stored.set(`${item.pk?.S} ${item.sk?.S}`, readStoredAggregate(definition, item).aggregate);
  }
  let missing = 0;
  let unexpected = 0;
  let exact = 0;
  let withinSketchBound = 0;
  let mismatched = 0;
  let lost = 0;
  let doubled = 0;
  let referenceRecords = 0;
  let storedRecords = 0;
  const metrics = definition.metricNames.map(
    (name) => [name, definition.metrics[name] as AnyMetric] as const,
  );
  for (const [key, want] of expected) {
    referenceRecords += want.records;
    const got = stored.get(key);
    if (got === undefined) {
      missing += 1;
      lost += want.records;
      problem(`${key}: missing (reference has ${want.records} records)`);
      continue;
    }
    storedRecords += got.records;
    if (got.records < want.records) lost += want.records - got.records;
    if (got.records > want.records) doubled += got.records - want.records;
    if (hex(encodeAggregate(definition, got)) === hex(encodeAggregate(definition, want))) {
      exact += 1;
      continue;
    }
    const differing = metrics.flatMap(([name, metric], i) =>
      metricBytes(metric, got.states[i]) === metricBytes(metric, want.states[i]) ? [] : [{ name, metric, i }],
    );
    const approximate = differing.every(
      ({ metric, i }) => metric.kind === 'topK' && topKAgree(want.states[i] as TopK, got.states[i] as TopK),
    );
    if (got.records === want.records && approximate) {
      withinSketchBound += 1;
      continue;
    }
    mismatched += 1;
    problem(
      `${key}: stored ${got.records} records, reference ${want.records}; differing metrics: ${
        differing.map(({ name }) => name).join(', ') || '(none)'
      }`,
    );
  }
  for (const [key, got] of stored) {
    if (expected.has(key)) continue;
    unexpected += 1;
    storedRecords += got.records;
    doubled += got.records;
    problem(`${key}: stored (${got.records} records) but not in the reference`);
  }

  // The dead-letter table.
  const foundLetters = (await scan(dynamodb, options.deadLetterTable)).map((l) =>
    letterKey(l.shardId?.S, l.sequenceNumber?.S, l.subIndex?.N, l.line?.N, l.kind?.S, l.reason?.S),
  );
  const foundSet = new Set(foundLetters);
  const missingLetters = [...expectedLetters].filter((k) => !foundSet.has(k));
  const unexpectedLetters = [...foundSet].filter((k) => !expectedLetters.has(k));
  for (const k of missingLetters.slice(0, 5)) problem(`dead letter missing: ${k}`);
  for (const k of unexpectedLetters.slice(0, 5)) problem(`dead letter unexpected: ${k}`);
  const duplicates = foundLetters.length - foundSet.size;

  const conserved = stats.in === stats.folded + stats.filtered + stats.rejected + stats.late;
  if (!conserved) problem(`reference does not conserve records: ${JSON.stringify(stats)}`);
  return {
    pipeline: definition.name,
    kinesisRecords,
    reference: stats,
    conserved,
    items: {
      reference: expected.size,
      stored: stored.size,
      missing,
      unexpected,
      exact,
      withinSketchBound,
      mismatched,
    },
    records: { reference: referenceRecords, stored: storedRecords },
    lost,
    doubled,
    deadLetters: {
      reference: expectedLetters.size,
      stored: foundLetters.length,
      missing: missingLetters.length,
      unexpected: unexpectedLetters.length,
      duplicates,
    },
    problems,
    ok:
      conserved &&
      lost === 0 &&
      doubled === 0 &&
      missing === 0 &&
      unexpected === 0 &&
      mismatched === 0 &&
      missingLetters.length === 0 &&
      unexpectedLetters.length === 0 &&
      duplicates === 0,
  };
};
