import type { PipelineDefinition } from '../../../shared/definition/types.ts';
import type { RejectionReason } from '../../../shared/rejection/reasons.ts';

/** What must become of a corpus payload: set aside with this reason, counted late, or folded (accepted). */
export type CorpusOutcome = RejectionReason | 'late' | 'folded';

/**
 * One kind of bad (or tricky but acceptable) input. Each case is one Kinesis record that must end in exactly
 * one outcome: a rejection with `expected` as its reason, a late record, or one folded record.
 */
export interface CorpusCase {
  /** Unique across the corpus; says what is wrong with the payload. */
  readonly name: string;
  /** A built-in example pipeline or a small test definition (see `pipelines.ts`). */
  readonly pipeline: PipelineDefinition;
  /** The Kinesis record's data: text is encoded as UTF-8, bytes are sent as they are. */
  readonly payload: Uint8Array | string;
  readonly expected: CorpusOutcome;
  /**
   * The record's `approximateArrivalTimestamp`, epoch ms.
   * @default ARRIVAL_MS
   */
  readonly arrivalMs?: number;
  /** Why the case exists, or what its outcome shows (precision, a known bug). */
  readonly note?: string;
}
