import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { PipelineDefinition } from '../definition/types.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import type { SourceRecord } from '../record/types.ts';
import { excerpt } from '../rejection/excerpt.ts';
import { DeadLetterWriter } from '../storage/DeadLetterWriter.ts';
import type { DeadLetter } from '../storage/deadLetterItem.ts';
import { ResultsWriter } from '../storage/ResultsWriter.ts';
import type { RetryOptions } from '../storage/retry.ts';
import { compareSequence, shardIdOf } from '../storage/sequence.ts';
import { toSourceRecord } from './toSourceRecord.ts';
import type { BatchReport, HandlerTelemetry } from './types.ts';

/** Options of {@link BatchProcessor}. */
export interface BatchProcessorOptions {
  readonly definition: PipelineDefinition;
  readonly client: DynamoDBClient;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
  readonly telemetry?: HandlerTelemetry;
  /**
   * Time kept in reserve before the function's timeout: no write starts later than this.
   * @default 3000
   */
  readonly safetyMarginMs?: number;
  /**
   * Item writes in flight at once.
   * @default 16
   */
  readonly concurrency?: number;
  readonly retry?: Omit<RetryOptions, 'deadlineMs'>;
  /**
   * Log every rejected and late record with its payload (debug level), for debugging bad producers.
   * Payloads may hold personal data: leave off in production.
   * @default false - logs carry counts, reasons and sequence numbers, never payloads
   */
  readonly logPayloads?: boolean;
  /** @default Date.now */
  readonly now?: () => number;
}

/** At most this much of a payload is logged when `logPayloads` is on. */
const LOGGED_PAYLOAD_BYTES = 4096;

/** The Lambda context's one method the processor needs. */
export interface RemainingTime {
  getRemainingTimeInMillis(): number;
}

const silent: HandlerTelemetry = { log: () => undefined, publish: () => undefined };

/**
 * Processes one Kinesis batch for one pipeline: fold, write results exactly once, store dead letters,
 * and answer Lambda with the point to resume from (`batchItemFailures`, ReportBatchItemFailures).
 * Created once per Lambda container; `handle` is called per batch.
 *
 * @example
 * const processor = new BatchProcessor({ definition, client, resultsTable, deadLetterTable });
 * export const handler = (event, context) => processor.handle(event, context);
 */
export class BatchProcessor {
  private readonly folder: BatchFolder;
  private readonly results: ResultsWriter;
  private readonly deadLetters: DeadLetterWriter;
  private readonly telemetry: HandlerTelemetry;
  private readonly now: () => number;

  public constructor(private readonly options: BatchProcessorOptions) {
    const { definition, client } = options;
    this.now = options.now ?? Date.now;
    this.folder = new BatchFolder(definition);
    this.results = new ResultsWriter({
      client,
      tableName: options.resultsTable,
      definition,
      now: this.now,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    });
    this.deadLetters = new DeadLetterWriter({
      client,
      tableName: options.deadLetterTable,
      pipeline: definition.name,
      now: this.now,
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    });
    this.telemetry = options.telemetry ?? silent;
  }

  /** Lambda's entry: returns the lowest sequence number to resume from, or no failures. */
  public async handle(
    event: KinesisStreamEvent,
    context: RemainingTime,
  ): Promise<KinesisStreamBatchResponse> {
    const report = await this.process(event, context);
    return {
      batchItemFailures:
        report.failedSequence === undefined ? [] : [{ itemIdentifier: report.failedSequence }],
    };
  }

  /** Like {@link handle}, returning the full report (for tests, the local runner and benchmarks). */
  public async process(event: KinesisStreamEvent, context: RemainingTime): Promise<BatchReport> {
    const started = this.now();
    const deadlineMs = started + context.getRemainingTimeInMillis() - (this.options.safetyMarginMs ?? 3000);
    const records = event.Records ?? [];
    const shards = new Set(records.map((r) => shardIdOf(r.eventID)));
    if (shards.size > 1) {
      throw new Error(`A Kinesis batch must come from one shard; this one mixes ${[...shards].join(', ')}`);
    }
    const shardId = [...shards][0] ?? 'none';
    const sources: SourceRecord[] = records.map(toSourceRecord);
    const batch = this.folder.fold(sources);
    const written = await this.results.write(batch, sources, shardId, deadlineMs);

    const letters: DeadLetter[] = [];
    batch.rejections.forEach((rejection, i) => {
      letters.push({
        kind: 'rejected',
        reason: rejection.reason,
        message: rejection.message,
        origin: rejection.origin,
        excerpt: rejection.excerpt,
        source: sources[batch.rejectionSources[i] as number] as SourceRecord,
      });
    });
    batch.late.forEach((late, i) => {
      letters.push({
        kind: 'late',
        reason: 'late',
        message: `Arrived ${new Date(late.arrivalMs).toISOString()}, after the end plus allowed lateness of every window it belongs to`,
        origin: late.origin,
        excerpt: late.excerpt,
        source: sources[batch.lateSources[i] as number] as SourceRecord,
        windows: late.windows.map((w) => new Date(w.startMs).toISOString()),
      });
    });
    const tooLargeWindows = new Map<number, string[]>();
    for (const { sourceIndex, windowStartMs } of written.tooLarge) {
      const windows = tooLargeWindows.get(sourceIndex) ?? [];
      windows.push(new Date(windowStartMs).toISOString());
      tooLargeWindows.set(sourceIndex, windows);
    }
    for (const [index, windows] of tooLargeWindows) {
      const source = sources[index] as SourceRecord;
      letters.push({
        kind: 'rejected',
        reason: 'item-too-large',
        message: `Folding this record into window(s) ${windows.join(', ')} would make the results item exceed DynamoDB’s 400 KB item limit; its other windows, if any, were written`,
        origin: { sequenceNumber: source.sequenceNumber },
        excerpt: excerpt(source.data),
        source,
        windows: windows.sort(),
      });
    }
    if (this.options.logPayloads === true) {
      for (const letter of letters) {
        this.telemetry.log('debug', 'Record set aside', {
          reason: letter.reason,
          message: letter.message,
          sequenceNumber: letter.origin.sequenceNumber,
          subIndex: letter.origin.subIndex,
          line: letter.origin.line,
          payload: Buffer.from(letter.source.data.subarray(0, LOGGED_PAYLOAD_BYTES)).toString('utf8'),
        });
      }
    }
    const dead = await this.deadLetters.write(letters, shardId, deadlineMs);

    let failedSequence = written.failedSequence;
    if (
      dead.failedSequence !== undefined &&
      (failedSequence === undefined || compareSequence(dead.failedSequence, failedSequence) < 0)
    ) {
      failedSequence = dead.failedSequence;
    }
    const rejectionsByReason: Record<string, number> = {};
    for (const r of batch.rejections) rejectionsByReason[r.reason] = (rejectionsByReason[r.reason] ?? 0) + 1;
    const report: BatchReport = {
      pipeline: this.options.definition.name,
      shardId,
      kinesisRecords: records.length,
      firstSequence: sources[0]?.sequenceNumber,
      lastSequence: sources[sources.length - 1]?.sequenceNumber,
      recordsIn: batch.stats.in,
      folded: batch.stats.folded,
      filtered: batch.stats.filtered,
      rejected: batch.stats.rejected,
      late: batch.stats.late,
      tooLarge: written.tooLarge.length,
      rejectionsByReason,
      itemsWritten: written.written,
      itemsAlreadyApplied: written.alreadyApplied,
      itemsFailed: written.failed,
      conditionalConflicts: written.conflicts,
      deadLettersWritten: dead.written,
      writeUnits: written.writeUnits + dead.writeUnits,
      readUnits: written.readUnits,
      maxItemBytes: Math.max(0, ...written.itemBytes),
      durationMs: this.now() - started,
      failedSequence,
    };
    for (const error of [...written.errors, ...dead.errors].slice(0, 5)) {
      this.telemetry.log('error', 'Write failed; Lambda will redeliver from the failure point', {
        error: error.message,
        errorName: error.name,
        failedSequence,
      });
    }
    this.telemetry.log(failedSequence === undefined ? 'info' : 'warn', 'Batch processed', { ...report });
    await this.telemetry.publish(report);
    return report;
  }
}
