/**
 * What replaying a letter does with the pipeline's current definition:
 * - `folds`: its record(s) fold (with `dryRun`: would fold);
 * - `filtered`: the definition's filter now drops it (nothing to write; the letter is marked replayed);
 * - `rejected`: still rejected, for the reason given (`item-too-large` when folding it would make its
 *   results item exceed 400 KB);
 * - `late`: late, and late records were not included;
 * - `unrecoverable`: its payload is neither in the letter nor readable from the stream any more;
 * - `already-replayed`: an earlier replay applied it.
 */
export type LetterVerdict = 'folds' | 'filtered' | 'rejected' | 'late' | 'unrecoverable' | 'already-replayed';

/** Every verdict, in the order reports list them. */
export const LETTER_VERDICTS: readonly LetterVerdict[] = [
  'folds',
  'filtered',
  'rejected',
  'late',
  'unrecoverable',
  'already-replayed',
];

/** What happened to one letter. */
export interface LetterOutcome {
  /** The letter's sort key. */
  readonly sk: string;
  /** The reason it was set aside. */
  readonly reason: string;
  readonly verdict: LetterVerdict;
  /** The new rejection's reason and message, the windows it is late for, why it is unrecoverable. */
  readonly detail: string;
  /** Windows (ISO starts) it folds into. */
  readonly windows: readonly string[];
}

/** What a replay run did (or, with `dryRun`, would do). */
export interface ReplayReport {
  readonly dryRun: boolean;
  /** Stopped early (Ctrl-C) between chunks: a rerun does the rest. */
  readonly interrupted: boolean;
  readonly includeLate: boolean;
  /** Letters read. */
  readonly considered: number;
  readonly verdicts: Readonly<Record<LetterVerdict, number>>;
  /** Letters this run marked replayed (folded or filtered). */
  readonly marked: number;
  /** Results items written (a letter's contribution added). */
  readonly itemsWritten: number;
  /** Results items that already held the letter's contribution (an interrupted earlier run wrote them). */
  readonly itemsAlreadyHeld: number;
  /** Windows (ISO starts) amended after they had closed (late records included). */
  readonly amendedWindows: readonly string[];
  /** Letters that stay rejected, by their new reason. */
  readonly stillRejected: Readonly<Record<string, number>>;
  /** Letters whose replay failed to write (they stay unmarked; a rerun resumes them). */
  readonly failed: number;
  readonly errors: readonly string[];
  /** The outcomes of the first letters (at most `keepOutcomes`). */
  readonly outcomes: readonly LetterOutcome[];
}
