import type { BatchReport } from '../../shared/handler/types.ts';

/** Running totals of one pipeline's handler reports (redelivered batches count again, as in CloudWatch). */
export interface PipelineTotals {
  batches: number;
  recordsIn: number;
  folded: number;
  filtered: number;
  rejected: number;
  late: number;
  itemsWritten: number;
  deadLettersWritten: number;
  writeUnits: number;
  failedBatches: number;
}

const NUMERIC_KEYS = [
  'recordsIn',
  'folded',
  'filtered',
  'rejected',
  'late',
  'itemsWritten',
  'deadLettersWritten',
  'writeUnits',
] as const;

/**
 * Reads the handler's structured logs the way a CloudWatch Logs subscriber would: every JSON line whose
 * `message` is `Batch processed` is a {@link BatchReport}; its counts are added to the pipeline's totals.
 * Other lines are kept (last N) for display.
 *
 * @example
 * const counters = new PipelineCounters();
 * worker.onLog = (line) => counters.ingest(line);
 */
export class PipelineCounters {
  private readonly totals = new Map<string, PipelineTotals>();
  private readonly recent: string[] = [];
  /** Lines kept so far, those dropped from {@link recent} included. */
  private kept = 0;

  public constructor(private readonly keepLines = 50) {}

  /** Feeds one log line; returns the parsed report when the line was one. */
  public ingest(line: string): BatchReport | undefined {
    const text = line.trim();
    if (text.startsWith('{')) {
      try {
        const parsed = JSON.parse(text) as Partial<BatchReport> & { message?: string; level?: string };
        if (parsed.message === 'Batch processed' && typeof parsed.pipeline === 'string') {
          this.add(parsed as BatchReport);
          return parsed as BatchReport;
        }
        if (parsed.level === 'ERROR' || parsed.level === 'WARN') this.keep(text);
        return undefined;
      } catch {
        // not JSON: keep as text
      }
    }
    this.keep(text);
    return undefined;
  }

  public add(report: BatchReport): void {
    const totals = this.of(report.pipeline);
    totals.batches += 1;
    for (const key of NUMERIC_KEYS) totals[key] += report[key];
    if (report.failedSequence !== undefined) totals.failedBatches += 1;
  }

  public of(pipeline: string): PipelineTotals {
    let totals = this.totals.get(pipeline);
    if (totals === undefined) {
      totals = {
        batches: 0,
        recordsIn: 0,
        folded: 0,
        filtered: 0,
        rejected: 0,
        late: 0,
        itemsWritten: 0,
        deadLettersWritten: 0,
        writeUnits: 0,
        failedBatches: 0,
      };
      this.totals.set(pipeline, totals);
    }
    return totals;
  }

  /** The last log lines that were not batch reports (errors, warnings, stray output). */
  public recentLines(): readonly string[] {
    return this.recent;
  }

  /**
   * The lines kept since `mark` (0, or the `mark` of the previous call): those still held, how many of
   * them were already dropped (more than `keepLines` since), and the mark for the next call.
   *
   * @example
   * const { lines, dropped, mark } = counters.linesSince(previous);
   */
  public linesSince(mark: number): {
    readonly lines: readonly string[];
    readonly dropped: number;
    readonly mark: number;
  } {
    const fresh = Math.max(0, this.kept - mark);
    const held = Math.min(fresh, this.recent.length);
    return { lines: this.recent.slice(this.recent.length - held), dropped: fresh - held, mark: this.kept };
  }

  private keep(line: string): void {
    if (line === '') return;
    this.kept += 1;
    this.recent.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
    if (this.recent.length > this.keepLines) this.recent.shift();
  }
}
