import type { KinesisStreamEvent } from 'aws-lambda';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { BatchFolder } from '../../shared/fold/BatchFolder.ts';
import type { FoldStats } from '../../shared/fold/types.ts';
import { EXAMPLE_BATCHES } from '../data/exampleBatches.ts';
import { kinesisBatch, payloadBytes, requestsJson } from '../data/index.ts';
import { type BenchCase, type MeasureOptions, measureCases } from '../harness/measure.ts';
import { round, type TimingSummary } from '../harness/stats.ts';
import { baselineFor, baselineLabel, type PayloadFormat } from './baselines.ts';
import { foldBatch } from './foldBatch.ts';
import { metricSets } from './metricSets.ts';
import { type Rate, toRate } from './rates.ts';

/** One row of figure 1: a batch, its parse-only baseline and the full fold. */
export interface ThroughputRow {
  readonly label: string;
  readonly pipeline: string;
  readonly format: PayloadFormat;
  readonly records: number;
  readonly payloadBytes: number;
  /** Windows per record (5 for the hopping sensor-stats example). */
  readonly windowsPerRecord: number;
  /** (window, group) aggregates the fold produced. */
  readonly aggregates: number;
  readonly stats: FoldStats;
  readonly baselineLabel: string;
  readonly baseline: Rate;
  readonly fold: Rate;
  /** Fold throughput ÷ baseline throughput (= baseline time ÷ fold time); 1 would be "as fast as parsing". */
  readonly foldVsBaseline: number;
}

/** Figure 1. */
export interface FoldThroughput {
  readonly examples: readonly ThroughputRow[];
  readonly metricSets: readonly ThroughputRow[];
}

interface Subject {
  readonly label: string;
  readonly definition: PipelineDefinition;
  readonly format: PayloadFormat;
  readonly event: KinesisStreamEvent;
}

const rows = async (
  subjects: readonly Subject[],
  options: MeasureOptions,
  sharedBaseline: boolean,
): Promise<ThroughputRow[]> => {
  const folders = subjects.map((s) => new BatchFolder(s.definition));
  const cases: BenchCase[] = [];
  subjects.forEach((subject, i) => {
    if (!sharedBaseline || i === 0) {
      const baseline = baselineFor(subject.format);
      cases.push({ name: `baseline:${i}`, run: () => baseline(subject.event) });
    }
    cases.push({ name: `fold:${i}`, run: () => foldBatch(folders[i] as BatchFolder, subject.event) });
  });
  const timings = await measureCases(cases, options);
  return subjects.map((subject, i) => {
    const folded = foldBatch(folders[i] as BatchFolder, subject.event);
    const records = subject.event.Records.length;
    const bytes = payloadBytes(subject.event);
    const baseline = timings.get(`baseline:${sharedBaseline ? 0 : i}`) as TimingSummary;
    const fold = timings.get(`fold:${i}`) as TimingSummary;
    const window = subject.definition.window;
    return {
      label: subject.label,
      pipeline: subject.definition.name,
      format: subject.format,
      records,
      payloadBytes: bytes,
      windowsPerRecord: Math.ceil(window.sizeMs / window.advanceMs),
      aggregates: folded.aggregates.size,
      stats: { ...folded.stats },
      baselineLabel: baselineLabel(subject.format),
      baseline: toRate(baseline, records, bytes),
      fold: toRate(fold, records, bytes),
      foldVsBaseline: round(baseline.medianMs / fold.medianMs),
    };
  });
};

/**
 * Figure 1: fold throughput on `records`-record batches of each example pipeline's format against the
 * format's parse-only baseline, then the cumulative metric sets on JSON requests against
 * base64 + `JSON.parse`. Cases of each table are measured interleaved in the same process.
 *
 * @example
 * const figure = await measureFoldThroughput(10_000, { warmup: 5, rounds: 20 });
 */
export const measureFoldThroughput = async (
  records: number,
  options: MeasureOptions,
): Promise<FoldThroughput> => {
  const examples = await rows(
    EXAMPLE_BATCHES.map((e) => ({
      label: `${e.definition.name} (${e.format})`,
      definition: e.definition,
      format: e.format,
      event: kinesisBatch(e.realistic({ count: records, seed: 1 })),
    })),
    options,
    false,
  );
  const requests = kinesisBatch(requestsJson({ count: records, seed: 1 }));
  const sets = await rows(
    metricSets().map((set) => ({
      label: set.label,
      definition: set.definition,
      format: 'json' as const,
      event: requests,
    })),
    options,
    true,
  );
  return { examples, metricSets: sets };
};
