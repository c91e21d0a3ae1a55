import type { PipelineDefinition } from '../definition/types.ts';
import type { MetricResult } from '../metrics/types.ts';
import type { RecordOrigin } from '../record/types.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import type { FoldedBatch, FoldStats } from './types.ts';
import { compareResults, windowResult } from './windowResult.ts';

/** One result of a fold report: a (group, window) and its metrics. */
export interface FoldReportResult {
  readonly group: Readonly<Record<string, string>>;
  readonly window: { readonly start: string; readonly end: string };
  readonly metrics: Readonly<Record<string, MetricResult>>;
}

/** One rejected record in a fold report. */
export interface FoldReportRejection {
  readonly reason: RejectionReason;
  /** The input line (1-based) the record came from. */
  readonly line: number;
  readonly excerpt: string;
  readonly message: string;
}

/** What `streamfold fold --json` prints. */
export interface FoldReport {
  readonly pipeline: string;
  /** Sorted by window start, then group. */
  readonly results: readonly FoldReportResult[];
  readonly rejected: readonly FoldReportRejection[];
  /** Records that arrived too late for every window they belong to. */
  readonly late: number;
  readonly stats: FoldStats;
}

/**
 * Builds the report of a folded batch. `lineOf` maps a record's origin to the input line it came from.
 *
 * @example
 * const report = buildFoldReport(definition, folder.fold(sources), (o) => Number(o.sequenceNumber));
 */
export const buildFoldReport = (
  definition: PipelineDefinition,
  batch: FoldedBatch,
  lineOf: (origin: RecordOrigin) => number,
): FoldReport => {
  const results = [...batch.aggregates.values()]
    .map((aggregate) => windowResult(definition, aggregate.group, aggregate.windowStartMs, aggregate))
    .sort(compareResults(definition))
    .map(({ group, window, metrics }) => ({ group, window, metrics }));
  return {
    pipeline: definition.name,
    results,
    rejected: batch.rejections.map((r) => ({
      reason: r.reason,
      line: lineOf(r.origin),
      excerpt: r.excerpt,
      message: r.message,
    })),
    late: batch.stats.late,
    stats: { ...batch.stats },
  };
};
