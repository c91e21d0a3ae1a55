import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamStateResponse,
  KinesisStreamTumblingWindowEvent,
} from 'aws-lambda';
import { decodeBuffer, encodeBuffer, stateBytes, type WindowState } from '../buffer/bufferCodec.ts';
import { absorb, emptyBuffer, maxSequence, type ShardBuffer } from '../buffer/ShardBuffer.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { BatchFolder } from '../fold/BatchFolder.ts';
import type { RecordOrigin, SourceRecord } from '../record/types.ts';
import { DeadLetterWriter } from '../storage/DeadLetterWriter.ts';
import { ResultsWriter } from '../storage/ResultsWriter.ts';
import type { RetryOptions } from '../storage/retry.ts';
import { ShardCeiling } from '../storage/ShardCeiling.ts';
import { compareSequence, shardIdOf } from '../storage/sequence.ts';
import { BufferedWriteError } from './errors.ts';
import { InvocationTally } from './InvocationTally.ts';
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
  /**
   * In buffered mode, the state returned to Lambda is kept below this many bytes (its JSON): beyond, the
   * buffer is written first. Lambda ends a window early past 1 MB per shard.
   * @default 750_000
   */
  readonly maxStateBytes?: number;
}

/** Keeps the tumbling-window state a quarter below Lambda's 1 MB per shard. */
export const DEFAULT_MAX_STATE_BYTES = 750_000;

/** A Kinesis event from an event source mapping with `TumblingWindowInSeconds` (buffered mode). */
export const isWindowEvent = (
  event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent,
): event is KinesisStreamTumblingWindowEvent =>
  typeof (event as KinesisStreamTumblingWindowEvent).window === 'object' &&
  (event as KinesisStreamTumblingWindowEvent).window !== null;

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
 * Two modes, chosen by the event as Lambda sends it:
 * - **per batch** (a plain Kinesis event; `flushEvery: 0`): every touched (group, window) item is written
 *   once per batch (docs/adr/0001-exactly-once.md);
 * - **buffered** (a tumbling-window event; the construct sets `TumblingWindowInSeconds = flushEvery`):
 *   the batch is folded into the shard's write-behind buffer carried in Lambda's state, and each item is
 *   written once when the interval ends or the state nears 1 MB (docs/adr/0002-coalesced-writes.md).
 *
 * @example
 * const processor = new BatchProcessor({ definition, client, resultsTable, deadLetterTable });
 * export const handler = (event, context) => processor.handle(event, context);
 */
export class BatchProcessor {
  private readonly folder: BatchFolder;
  private readonly results: ResultsWriter;
  private readonly deadLetters: DeadLetterWriter;
  private readonly ceiling: ShardCeiling;
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
    this.ceiling = new ShardCeiling({
      client,
      tableName: options.resultsTable,
      pipeline: definition.name,
      now: this.now,
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
    });
    this.telemetry = options.telemetry ?? silent;
  }

  /**
   * Lambda's entry. Per-batch mode returns the lowest sequence number to resume from, or no failures;
   * buffered mode returns the new state (and throws when a write failed, so Lambda retries the invocation
   * with the state it had).
   */
  public async handle(
    event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent,
    context: RemainingTime,
  ): Promise<KinesisStreamBatchResponse | KinesisStreamStateResponse> {
    const report = await this.process(event, context);
    if (report.state !== undefined) return { state: { ...report.state }, batchItemFailures: [] };
    return {
      batchItemFailures:
        report.failedSequence === undefined ? [] : [{ itemIdentifier: report.failedSequence }],
    };
  }

  /**
   * Like {@link handle}, returning the full report (for tests, the local runner and benchmarks).
   *
   * @param options - `select`: fold only the decoded records (and rejections) whose origin it accepts
   *   (per-batch mode; redrive leaves out the records whose dead letters belong to replay)
   * @throws {BufferedWriteError} in buffered mode, when something could not be written before the deadline.
   */
  public async process(
    event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent,
    context: RemainingTime,
    options: { readonly select?: (origin: RecordOrigin) => boolean } = {},
  ): Promise<BatchReport> {
    const started = this.now();
    const deadlineMs = started + context.getRemainingTimeInMillis() - (this.options.safetyMarginMs ?? 3000);
    const records = event.Records ?? [];
    const shards = new Set(records.map((r) => shardIdOf(r.eventID)));
    if (shards.size > 1) {
      throw new Error(`A Kinesis batch must come from one shard; this one mixes ${[...shards].join(', ')}`);
    }
    const windowEvent = isWindowEvent(event) ? event : undefined;
    const shardId = [...shards][0] ?? (windowEvent as { shardId?: string } | undefined)?.shardId ?? 'none';
    const sources: SourceRecord[] = records.map(toSourceRecord);
    const tally = new InvocationTally();
    const buffered =
      windowEvent === undefined
        ? await this.writeBatch(sources, shardId, deadlineMs, tally, options.select)
        : await this.bufferBatch(windowEvent, sources, shardId, deadlineMs, tally);

    this.logPayloads(tally);
    // Letters only for records that will not be delivered again (docs/adr/0003-dead-letter-replay.md):
    // from the failure point on, Lambda redelivers (or gives the range to redrive), and a letter written
    // now could be replayed while the same record is folded by that redelivery: counted twice.
    const resumeAt =
      tally.failedSequence ?? (tally.errors.length > 0 ? sources[0]?.sequenceNumber : undefined);
    const letters =
      resumeAt === undefined
        ? tally.letters
        : windowEvent !== undefined
          ? []
          : tally.letters.filter((l) => compareSequence(l.origin.sequenceNumber, resumeAt) < 0);
    const dead = await this.deadLetters.write(letters, shardId, deadlineMs);
    tally.failAt(dead.failedSequence);
    tally.errors.push(...dead.errors);
    const report: BatchReport = {
      pipeline: this.options.definition.name,
      shardId,
      mode: windowEvent === undefined ? 'per-batch' : 'buffered',
      kinesisRecords: records.length,
      firstSequence: sources[0]?.sequenceNumber,
      lastSequence: sources[sources.length - 1]?.sequenceNumber,
      duplicates: buffered?.duplicates ?? 0,
      recordsIn: tally.recordsIn,
      folded: tally.folded,
      filtered: tally.filtered,
      rejected: tally.rejected,
      late: tally.late,
      tooLarge: tally.tooLarge,
      rejectionsByReason: tally.rejectionsByReason,
      itemsWritten: tally.itemsWritten,
      itemsAlreadyApplied: tally.itemsAlreadyApplied,
      itemsFailed: tally.itemsFailed,
      conditionalConflicts: tally.conflicts,
      deadLettersWritten: dead.written,
      writeUnits: tally.writeUnits + dead.writeUnits,
      readUnits: tally.readUnits,
      maxItemBytes: Math.max(0, ...tally.itemBytes),
      durationMs: this.now() - started,
      failedSequence:
        tally.failedSequence ?? (tally.errors.length > 0 ? sources[0]?.sequenceNumber : undefined),
      flushed: buffered?.flushed ?? false,
      bufferedItems: buffered?.items ?? 0,
      stateBytes: buffered === undefined ? 0 : stateBytes(buffered.state),
      state: buffered?.state,
    };
    for (const error of tally.errors.slice(0, 5)) {
      this.telemetry.log(
        'error',
        windowEvent === undefined
          ? 'Write failed; Lambda will redeliver from the failure point'
          : 'Write failed; the invocation fails and Lambda retries it with the state it had',
        { error: error.message, errorName: error.name, failedSequence: report.failedSequence },
      );
    }
    const { state: _state, ...logged } = report;
    this.telemetry.log(tally.errors.length === 0 ? 'info' : 'warn', 'Batch processed', logged);
    await this.telemetry.publish(report);
    if (windowEvent !== undefined && tally.errors.length > 0) {
      throw new BufferedWriteError(
        `${tally.errors.length} write(s) of shard ${shardId} failed in buffered mode (first: ${tally.errors[0]?.message}); failing the invocation so that Lambda retries it with its previous state`,
        { cause: tally.errors[0] },
      );
    }
    return report;
  }

  /** Per-batch mode: one write per touched item, after raising the shard's ceiling (ADR 0001, ADR 0002). */
  private async writeBatch(
    sources: readonly SourceRecord[],
    shardId: string,
    deadlineMs: number,
    tally: InvocationTally,
    select: ((origin: RecordOrigin) => boolean) | undefined,
  ): Promise<undefined> {
    await this.writeRecords(sources, shardId, deadlineMs, tally, true, select);
    return undefined;
  }

  /** Folds and writes `sources` through the per-batch path; `raise`: lift the ceiling over them first. */
  private async writeRecords(
    sources: readonly SourceRecord[],
    shardId: string,
    deadlineMs: number,
    tally: InvocationTally,
    raise: boolean,
    select?: (origin: RecordOrigin) => boolean,
  ): Promise<boolean> {
    if (sources.length === 0) return true;
    const batch = select === undefined ? this.folder.fold(sources) : this.folder.fold(sources, { select });
    const top = sources[sources.length - 1]?.sequenceNumber as string;
    const written = await this.results.write(
      batch,
      sources,
      shardId,
      deadlineMs,
      raise
        ? async () => {
            tally.writeUnits += await this.ceiling.raise(shardId, top, deadlineMs);
          }
        : undefined,
    );
    tally.addWrite(batch, sources, written);
    return written.failed === 0;
  }

  /**
   * Buffered mode (docs/adr/0002-coalesced-writes.md). In order, each step only once the previous one
   * succeeded:
   * 1. read the shard's ceiling; records at or below the buffer's ceiling go through the per-batch path;
   * 2. records in (ceiling, high-water mark] are already in the buffer: skipped;
   * 3. the buffer is written (flushed) when the interval ends, when the ceiling moved since the buffer was
   *    made (a failed attempt flushed it, maybe partly), or when adding the batch would pass the state limit;
   * 4. after a flush, records at or below the new ceiling go through the per-batch path;
   * 5. the rest is folded into the buffer, or written through the per-batch path (ceiling raised first)
   *    on the final invocation or when it alone would pass the state limit.
   */
  private async bufferBatch(
    event: KinesisStreamTumblingWindowEvent,
    sources: readonly SourceRecord[],
    shardId: string,
    deadlineMs: number,
    tally: InvocationTally,
  ): Promise<{ state: WindowState; flushed: boolean; items: number; duplicates: number }> {
    const { definition } = this.options;
    const maxBytes = this.options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
    const final = event.isFinalInvokeForWindow === true || event.isWindowTerminatedEarly === true;
    const input: WindowState = (event.state as WindowState | undefined) ?? {};
    const stored = await this.ceiling.read(shardId, deadlineMs);
    tally.readUnits += stored.readUnits;
    let buffer: ShardBuffer = decodeBuffer(definition, input) ?? emptyBuffer(stored.ceiling);
    const above = (sequence: string, mark: string): boolean =>
      mark === '' || compareSequence(sequence, mark) > 0;

    const below: SourceRecord[] = [];
    const rest: SourceRecord[] = [];
    let duplicates = 0;
    for (const source of sources) {
      if (!above(source.sequenceNumber, buffer.ceiling)) below.push(source);
      else if (!above(source.sequenceNumber, buffer.highWater)) duplicates += 1;
      else rest.push(source);
    }
    const done = (state: WindowState, flushed: boolean, items: number) => ({
      state,
      flushed,
      items,
      duplicates,
    });
    // 1. Records that items may hold already: read-before-write, exact whatever they hold.
    if (!(await this.writeRecords(below, shardId, deadlineMs, tally, false))) return done(input, false, 0);

    // 3. Flush?
    // The stored ceiling moved past the cached one only if an attempt flushed this buffer (or wrote past it).
    const moved = stored.ceiling !== '' && above(stored.ceiling, buffer.ceiling);
    let mustFlush = final || (buffer.items.size > 0 && moved);
    if (!mustFlush) {
      const batch = this.folder.fold(rest);
      absorb(definition, buffer, batch, rest);
      const state = encodeBuffer(definition, buffer);
      if (stateBytes(state) <= maxBytes) {
        tally.addBuffered(batch, rest);
        return done(state, false, buffer.items.size);
      }
      mustFlush = true;
      buffer = decodeBuffer(definition, input) ?? emptyBuffer(stored.ceiling); // the buffer before this batch
    }
    let flushed = false;
    if (buffer.items.size > 0) {
      if (above(buffer.highWater, stored.ceiling)) {
        tally.writeUnits += await this.ceiling.raise(shardId, buffer.highWater, deadlineMs);
      }
      const outcome = await this.results.flush([...buffer.items.values()], shardId, deadlineMs);
      tally.addFlush(outcome);
      if (outcome.failed > 0) return done(input, false, 0);
      flushed = true;
    }
    const ceiling = maxSequence(stored.ceiling, buffer.highWater);
    buffer = emptyBuffer(ceiling);

    // 4. Records that a failed attempt may have written after flushing.
    const again = rest.filter((s) => !above(s.sequenceNumber, ceiling));
    const fresh = rest.filter((s) => above(s.sequenceNumber, ceiling));
    if (!(await this.writeRecords(again, shardId, deadlineMs, tally, false))) return done(input, flushed, 0);

    // 5. The new records.
    if (final) {
      await this.writeRecords(fresh, shardId, deadlineMs, tally, true);
      return done({}, flushed, 0);
    }
    const batch = this.folder.fold(fresh);
    absorb(definition, buffer, batch, fresh);
    const state = encodeBuffer(definition, buffer);
    if (stateBytes(state) <= maxBytes) {
      tally.addBuffered(batch, fresh);
      return done(state, flushed, buffer.items.size);
    }
    await this.writeRecords(fresh, shardId, deadlineMs, tally, true);
    const top = fresh[fresh.length - 1]?.sequenceNumber ?? '';
    return done(encodeBuffer(definition, emptyBuffer(maxSequence(ceiling, top))), flushed, 0);
  }

  private logPayloads(tally: InvocationTally): void {
    if (this.options.logPayloads !== true) return;
    for (const letter of tally.letters) {
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
}
