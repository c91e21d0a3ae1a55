import type { RecordOrigin } from '../record/types.ts';
import type { Rejection } from '../rejection/types.ts';

/** The folded state of one (window, group): one state per metric, in definition order. */
export interface WindowAggregate {
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  /** Group-by field → value (as text). */
  readonly group: Readonly<Record<string, string>>;
  /** Canonical group key (see `encodeGroupKey`). */
  readonly groupKey: string;
  /** Records folded into this window. */
  records: number;
  /** Metric states, in `metricNames` order. */
  readonly states: unknown[];
  /** Indices (into the batch's source records) of the Kinesis records that contributed, ascending, unique. */
  readonly members: number[];
}

/** A record that arrived too late for every window it belongs to. */
export interface LateRecord {
  readonly origin: RecordOrigin;
  readonly eventMs: number;
  readonly arrivalMs: number;
  /** The windows it missed, oldest first. */
  readonly windows: readonly { readonly startMs: number; readonly endMs: number }[];
  readonly excerpt: string;
}

/** Counts of one fold. Conservation: `in = folded + filtered + rejected + late`. */
export interface FoldStats {
  /** Logical records seen (after unwrapping), plus one per payload rejected before it could be split. */
  in: number;
  folded: number;
  filtered: number;
  rejected: number;
  late: number;
  /** Window assignments skipped because late, for records that still landed in at least one window (hopping). */
  lateAssignments: number;
}

/** Everything a fold of one batch produces. */
export interface FoldedBatch {
  /** Keyed by {@link aggregateKey}. */
  readonly aggregates: Map<string, WindowAggregate>;
  readonly rejections: Rejection[];
  readonly late: LateRecord[];
  readonly stats: FoldStats;
  /** Source index of each rejection, parallel to `rejections`. */
  readonly rejectionSources: number[];
  /** Source index of each late record, parallel to `late`. */
  readonly lateSources: number[];
}
