import type { FoldedBatch } from '../fold/types.ts';
import type { SourceRecord } from '../record/types.ts';
import type { DeadLetter } from '../storage/deadLetterItem.ts';
import type { FlushOutcome, WriteCounts, WriteOutcome } from '../storage/ResultsWriter.ts';
import { compareSequence } from '../storage/sequence.ts';
import { bufferedTooLargeLetter, lettersOf } from './lettersOf.ts';

/**
 * What one invocation did, summed over its folds and writes (an invocation in buffered mode may fold and
 * write up to three groups of records and flush its buffer): the counts of the batch report and the dead
 * letters to store.
 */
export class InvocationTally {
  public recordsIn = 0;
  public folded = 0;
  public filtered = 0;
  public rejected = 0;
  public late = 0;
  public tooLarge = 0;
  public readonly rejectionsByReason: Record<string, number> = {};
  public itemsWritten = 0;
  public itemsAlreadyApplied = 0;
  public itemsFailed = 0;
  public conflicts = 0;
  public writeUnits = 0;
  public readUnits = 0;
  public readonly itemBytes: number[] = [];
  public readonly errors: Error[] = [];
  public readonly letters: DeadLetter[] = [];
  /** Lowest sequence number not fully written (per-batch mode's resume point). */
  public failedSequence: string | undefined;

  /** Counts a fold (records in, folded, filtered, rejected, late). */
  public addFold(batch: FoldedBatch): void {
    this.recordsIn += batch.stats.in;
    this.folded += batch.stats.folded;
    this.filtered += batch.stats.filtered;
    this.rejected += batch.stats.rejected;
    this.late += batch.stats.late;
    for (const r of batch.rejections)
      this.rejectionsByReason[r.reason] = (this.rejectionsByReason[r.reason] ?? 0) + 1;
  }

  /** Counts a fold kept in the buffer and queues its dead letters (written now: their keys are idempotent). */
  public addBuffered(batch: FoldedBatch, sources: readonly SourceRecord[]): void {
    this.addFold(batch);
    this.letters.push(...lettersOf(batch, sources, []));
  }

  /** Counts a per-batch write of `batch` and queues the fold's dead letters with the write's too-large ones. */
  public addWrite(batch: FoldedBatch, sources: readonly SourceRecord[], outcome: WriteOutcome): void {
    this.addFold(batch);
    this.letters.push(...lettersOf(batch, sources, outcome.tooLarge));
    this.tooLarge += outcome.tooLarge.length;
    this.addOutcome(outcome);
    this.failAt(outcome.failedSequence);
  }

  /** Counts a buffer flush; a buffered item too large to write becomes one dead letter. */
  public addFlush(outcome: FlushOutcome): void {
    for (const item of outcome.tooLarge) this.letters.push(bufferedTooLargeLetter(item));
    this.tooLarge += outcome.tooLarge.length;
    this.addOutcome(outcome);
  }

  public failAt(sequence: string | undefined): void {
    if (
      sequence !== undefined &&
      (this.failedSequence === undefined || compareSequence(sequence, this.failedSequence) < 0)
    )
      this.failedSequence = sequence;
  }

  private addOutcome(outcome: WriteCounts): void {
    this.itemsWritten += outcome.written;
    this.itemsAlreadyApplied += outcome.alreadyApplied;
    this.itemsFailed += outcome.failed;
    this.conflicts += outcome.conflicts;
    this.writeUnits += outcome.writeUnits;
    this.readUnits += outcome.readUnits;
    this.itemBytes.push(...outcome.itemBytes);
    this.errors.push(...outcome.errors);
  }
}
