import { randomUUID } from 'node:crypto';
import {
  type _Record,
  type ChildShard,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { GET_RECORDS_MAX_LIMIT, MAX_INVOCATION_PAYLOAD_BYTES, SCHEMA_VERSION } from './constants.ts';
import { interpretResponse } from './interpretResponse.ts';
import {
  type EventRecordContext,
  eventRecordBytes,
  kinesisStreamEvent,
  toKinesisStreamRecord,
} from './kinesisStreamEvent.ts';
import { backoffMs, sleep } from './sleep.ts';
import type {
  EventSourceMappingEvent,
  EventSourceMappingSettings,
  InvokeResult,
  Invoker,
  OnFailureCondition,
  OnFailureDestination,
  OnFailureRecord,
  ShardState,
  ShardStats,
} from './types.ts';

/** Timings of a poller (see `POLLING_DEFAULTS` for what each one means). */
export interface ShardPollerTimings {
  readonly idlePollIntervalMs: number;
  readonly minGetRecordsIntervalMs: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly requestTimeoutMs: number;
  readonly maxRequestTimeoutMs: number;
  readonly slowCallMs: number;
  /** The function's timeout, passed to every invocation. */
  readonly functionTimeoutMs: number;
}

/** Options of {@link ShardPoller}. */
export interface ShardPollerOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly settings: EventSourceMappingSettings;
  readonly invoker: Invoker;
  /** @default undefined - records given up on are only reported as `on-failure` events */
  readonly onFailureDestination: OnFailureDestination | undefined;
  readonly eventContext: Omit<EventRecordContext, 'shardId'>;
  /** ARN of the function, for on-failure records. */
  readonly functionArn: string;
  readonly timings: ShardPollerTimings;
  /** Clock of record ages and on-failure timestamps. */
  readonly now: () => number;
  readonly onEvent: (event: EventSourceMappingEvent) => void;
  /** Aborted by `stop()`: the poller finishes its invocation in flight, then returns. */
  readonly signal: AbortSignal;
}

/** How {@link ShardPoller.run} ended. */
export type ShardRunResult =
  /** The shard is closed and every record was processed: its children may start. */
  { readonly kind: 'closed'; readonly childShards: readonly ChildShard[] } | { readonly kind: 'stopped' };

/** A record read from the shard and not yet checkpointed. */
interface BufferedRecord {
  readonly sequenceNumber: string;
  readonly arrivalMs: number;
  readonly eventRecord: KinesisStreamRecord;
  readonly bytes: number;
}

/** A slice `[start, end)` of a batch being delivered, with how often its first record was retried. */
interface Segment {
  start: number;
  end: number;
  retries: number;
  invocations: number;
}

/** Lambda's limit on a shard's tumbling-window state. */
const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * Reads one shard like Lambda's Kinesis event source mapping and delivers its records to the function,
 * one batch at a time (ParallelizationFactor 1), applying Lambda's batching, retry, bisect, partial-failure,
 * record-age and on-failure rules. The checkpoint lives in memory.
 *
 * Used by {@link EventSourceMapping}, which starts one poller per shard in Lambda's order.
 *
 * @example
 * ```ts
 * const poller = new ShardPoller({ client, streamName: 'trades', shardId, parentShardIds: [], settings, invoker, ... });
 * const result = await poller.run(); // { kind: 'closed', childShards } once the shard ended and was processed
 * ```
 */
export class ShardPoller {
  public readonly shardId: string;
  private readonly pending: BufferedRecord[] = [];
  private pendingBytes = 0;
  private iterator: string | undefined;
  private lastReadSequence: string | undefined;
  private checkpoint: string | undefined;
  /** Retries of (and invocations that included) the record at the front of `pending`. */
  private frontRetries = 0;
  private frontInvocations = 0;
  /** Read once more before the next invocation, ignoring the batching window (after a partial failure). */
  private refill = false;
  private endOfShard = false;
  private childShards: readonly ChildShard[] = [];
  /** When (Date.now) the oldest pending record was buffered: the batching window runs from there. */
  private firstBufferedAt: number | undefined;
  private lastReadAt: number | undefined;
  private lastReadHadMore = true;
  private errorStreak = 0;
  /** Time allowed to a Kinesis call; doubles (up to `maxRequestTimeoutMs`) after each call that ran out of it. */
  private requestTimeoutMs: number;
  private inFlight = false;
  /** performance.now() at the start of the last `GetRecords` that found the shard empty at its tip. */
  private idleSinceMark: number | undefined;
  private state: ShardState = 'waiting';
  private millisBehindLatest = 0;
  private lastResult: InvokeResult | undefined;
  /** Tumbling windows: the open interval's start (by arrival time), its state, and an early end due. */
  private windowStartMs: number | undefined;
  private windowState: Record<string, string> = {};
  private terminateEarly = false;
  private readonly counters = {
    recordsRead: 0,
    batchesInvoked: 0,
    retries: 0,
    failures: 0,
    recordsDiscarded: 0,
    windowsClosed: 0,
  };

  public constructor(private readonly options: ShardPollerOptions) {
    this.shardId = options.shardId;
    this.requestTimeoutMs = options.timings.requestTimeoutMs;
  }

  /** This shard's counters. */
  public stats(): ShardStats {
    return {
      shardId: this.shardId,
      state: this.state,
      parentShardIds: this.options.parentShardIds,
      ...this.counters,
      recordsPending: this.pending.length,
      millisBehindLatest: this.millisBehindLatest,
      lastSequenceNumber: this.checkpoint,
      lastResult: this.lastResult,
    };
  }

  /**
   * Whether the shard is processed up to its tip as seen by a `GetRecords` started at or after `mark`
   * (`performance.now()`): nothing pending, nothing in flight, or the shard is closed and done.
   */
  public isIdleSince(mark: number): boolean {
    if (this.state === 'closed') return true;
    return (
      this.pending.length === 0 &&
      !this.inFlight &&
      this.windowStartMs === undefined && // an open tumbling window still holds unwritten results
      this.idleSinceMark !== undefined &&
      this.idleSinceMark >= mark
    );
  }

  /** Polls and delivers until the shard is closed and processed, or until the signal aborts. */
  public async run(): Promise<ShardRunResult> {
    const { signal } = this.options;
    this.state = 'polling';
    this.emit({ type: 'shard-started', shardId: this.shardId, parentShardIds: this.options.parentShardIds });
    while (!signal.aborted) {
      await this.fill();
      this.refill = false;
      if (signal.aborted) break;
      if (this.windowDue()) {
        await this.closeWindow(this.terminateEarly);
        continue;
      }
      if (this.pending.length === 0) {
        if (this.endOfShard) {
          this.state = 'closed';
          this.emit({
            type: 'shard-closed',
            shardId: this.shardId,
            childShardIds: this.childShards.map((child) => child.ShardId ?? ''),
          });
          return { kind: 'closed', childShards: this.childShards };
        }
        continue;
      }
      if (this.tumblingMs > 0 && this.windowStartMs === undefined) {
        this.windowStartMs = this.intervalOf((this.pending[0] as BufferedRecord).arrivalMs);
      }
      const batch = this.takeBatch();
      this.inFlight = true;
      try {
        this.drop(await this.deliver(batch));
      } finally {
        this.inFlight = false;
      }
    }
    this.state = 'stopped';
    return { kind: 'stopped' };
  }

  private emit(event: EventSourceMappingEvent): void {
    try {
      this.options.onEvent(event);
    } catch {
      // A failing progress display must not stop the shard.
    }
  }

  // --- Tumbling windows ----------------------------------------------------------------------------

  private get tumblingMs(): number {
    return this.options.settings.tumblingWindowSeconds * 1000;
  }

  /** The start of the interval a record arriving at `arrivalMs` belongs to (epoch-aligned). */
  private intervalOf(arrivalMs: number): number {
    return Math.floor(arrivalMs / this.tumblingMs) * this.tumblingMs;
  }

  /**
   * Whether the open window must end now: an early end is due, or no record of its interval is pending
   * and either a later record is, the shard ended, or a read started after the interval's end found none.
   */
  private windowDue(): boolean {
    if (this.tumblingMs === 0 || this.windowStartMs === undefined) return false;
    if (this.terminateEarly) return true;
    const front = this.pending[0];
    if (front !== undefined) return this.intervalOf(front.arrivalMs) !== this.windowStartMs;
    if (this.endOfShard) return true;
    const endMs = this.windowStartMs + this.tumblingMs;
    return this.lastReadAt !== undefined && this.lastReadAt >= endMs && this.errorStreak === 0;
  }

  /**
   * The window's final invocation (no records, the state, `isFinalInvokeForWindow`), retried until it
   * succeeds as Lambda does: the shard waits. After an early end the interval goes on with a fresh state.
   */
  private async closeWindow(terminatedEarly: boolean): Promise<void> {
    const { signal, timings } = this.options;
    this.inFlight = true;
    try {
      for (let attempt = 0; !signal.aborted; attempt += 1) {
        const result = await this.invoke([], attempt, { final: true, terminatedEarly });
        const verdict = interpretResponse(result, [], true, true);
        if (verdict.kind === 'success') break;
        this.counters.failures += 1;
        this.counters.retries += 1;
        await sleep(backoffMs(attempt + 1, timings.retryDelayMs, timings.maxRetryDelayMs), signal);
      }
    } finally {
      this.inFlight = false;
    }
    if (signal.aborted) return;
    this.counters.windowsClosed += 1;
    this.windowState = {};
    this.terminateEarly = false;
    if (!terminatedEarly) this.windowStartMs = undefined;
  }

  /** Keeps the state an invocation returned; past 1 MB, Lambda ends the window early. */
  private adoptState(result: InvokeResult): void {
    if (this.tumblingMs === 0 || result.kind !== 'ok') return;
    const state = (result.response as { state?: Record<string, string> } | undefined)?.state;
    if (state === undefined || state === null || typeof state !== 'object') return;
    this.windowState = { ...state };
    if (Buffer.byteLength(JSON.stringify(state), 'utf8') > MAX_WINDOW_STATE_BYTES) this.terminateEarly = true;
  }

  // --- Reading ------------------------------------------------------------------------------------

  /** Reads until a batch is due: full (count or payload), its batching window elapsed, or the shard ended. */
  private async fill(): Promise<void> {
    const { settings, signal } = this.options;
    for (;;) {
      if (signal.aborted || this.endOfShard) return;
      if (this.windowDue() || this.laterIntervalPending()) return;
      if (this.pending.length >= settings.batchSize || this.pendingBytes >= MAX_INVOCATION_PAYLOAD_BYTES)
        return;
      const now = Date.now();
      const windowEnd =
        this.firstBufferedAt === undefined || this.refill
          ? undefined
          : this.firstBufferedAt + settings.maxBatchingWindowMs;
      if (windowEnd !== undefined && now >= windowEnd) return;
      const readAt = this.nextReadAt();
      if (windowEnd !== undefined && windowEnd < readAt) {
        await sleep(windowEnd - now, signal);
        return;
      }
      await sleep(readAt - now, signal);
      if (signal.aborted) return;
      await this.read();
      if (this.errorStreak === 0) this.refill = false;
    }
  }

  /** Tumbling windows: a record of a later interval is pending, so the current interval's batch is complete. */
  private laterIntervalPending(): boolean {
    if (this.tumblingMs === 0 || this.pending.length === 0) return false;
    const first = this.intervalOf((this.pending[0] as BufferedRecord).arrivalMs);
    return this.intervalOf((this.pending[this.pending.length - 1] as BufferedRecord).arrivalMs) !== first;
  }

  private nextReadAt(): number {
    const { timings } = this.options;
    if (this.lastReadAt === undefined) return Date.now();
    if (this.errorStreak > 0) {
      return this.lastReadAt + backoffMs(this.errorStreak, timings.retryDelayMs, timings.maxRetryDelayMs);
    }
    if (this.refill) return this.lastReadAt + timings.minGetRecordsIntervalMs;
    return (
      this.lastReadAt + (this.lastReadHadMore ? timings.minGetRecordsIntervalMs : timings.idlePollIntervalMs)
    );
  }

  private async read(): Promise<void> {
    const { client, settings, signal, timings } = this.options;
    const mark = performance.now();
    this.lastReadAt = Date.now();
    // Not AbortSignal.timeout(): inside AbortSignal.any() it can be garbage-collected before it fires
    // (nodejs/node#57736, Node 20), and a call that never gets an answer then wedges the shard forever.
    const timeoutMs = this.requestTimeoutMs;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`No answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    const abortSignal = AbortSignal.any([signal, timeout.signal]);
    let operation = 'GetShardIterator';
    let callStarted = performance.now();
    try {
      if (this.iterator === undefined) {
        this.iterator = await this.acquireIterator(abortSignal);
        this.reportSlowCall(operation, callStarted, timeoutMs);
      }
      operation = 'GetRecords';
      callStarted = performance.now();
      const limit = Math.min(GET_RECORDS_MAX_LIMIT, Math.max(1, settings.batchSize - this.pending.length));
      const out = await client.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit }), {
        abortSignal,
      });
      this.reportSlowCall(operation, callStarted, timeoutMs);
      // Answered in good time again (not slow, and well inside the timeout): step a timeout that grew during
      // a slow spell back toward the base, so a later call that never answers does not hold the shard for
      // minutes. Halving keeps the new timeout at least twice this answer's time.
      const answeredMs = performance.now() - callStarted;
      if (answeredMs < timings.slowCallMs && answeredMs < this.requestTimeoutMs / 4) {
        this.requestTimeoutMs = Math.max(timings.requestTimeoutMs, Math.floor(this.requestTimeoutMs / 2));
      }
      this.errorStreak = 0;
      const records = out.Records ?? [];
      for (const record of records) this.buffer(record);
      this.iterator = out.NextShardIterator ?? undefined;
      this.millisBehindLatest = out.MillisBehindLatest ?? 0;
      if (this.iterator === undefined) {
        this.endOfShard = true;
        this.childShards = out.ChildShards ?? [];
      }
      this.lastReadHadMore = records.length > 0 || this.millisBehindLatest > 0;
      if (records.length > 0) {
        this.idleSinceMark = undefined;
        this.emit({
          type: 'records-read',
          shardId: this.shardId,
          count: records.length,
          millisBehindLatest: this.millisBehindLatest,
        });
      } else if (this.millisBehindLatest === 0 && this.pending.length === 0) {
        this.idleSinceMark = mark;
      }
    } catch (error) {
      if (signal.aborted) return;
      // Whatever went wrong (a restarting server, an expired or unknown iterator), the next attempt
      // starts from a fresh iterator after the last record read: always correct, one call dearer.
      this.iterator = undefined;
      this.errorStreak += 1;
      // A server too slow to answer in time still does the work of the abandoned call; retrying with the
      // same timeout would only pile more work on it, and the shard would never be read again.
      if (timeout.signal.aborted) {
        this.requestTimeoutMs = Math.min(timings.maxRequestTimeoutMs, timeoutMs * 2);
      }
      this.emit({
        type: 'error',
        shardId: this.shardId,
        operation,
        error: toError(error),
        retryInMs: backoffMs(this.errorStreak, timings.retryDelayMs, timings.maxRetryDelayMs),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports a Kinesis call that was answered, but slowly (see `slowCallMs`). */
  private reportSlowCall(operation: string, startedMs: number, timeoutMs: number): void {
    const durationMs = Math.round(performance.now() - startedMs);
    if (durationMs < this.options.timings.slowCallMs) return;
    this.emit({ type: 'slow-call', shardId: this.shardId, operation, durationMs, timeoutMs });
  }

  private async acquireIterator(abortSignal: AbortSignal): Promise<string | undefined> {
    const { client, streamName, settings } = this.options;
    const after = this.lastReadSequence ?? this.checkpoint;
    const input: GetShardIteratorCommandInput =
      after === undefined
        ? { StreamName: streamName, ShardId: this.shardId, ShardIteratorType: settings.startingPosition }
        : {
            StreamName: streamName,
            ShardId: this.shardId,
            ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
            StartingSequenceNumber: after,
          };
    const out = await client.send(new GetShardIteratorCommand(input), { abortSignal });
    return out.ShardIterator;
  }

  private buffer(record: _Record): void {
    const eventRecord = toKinesisStreamRecord(record, {
      ...this.options.eventContext,
      shardId: this.shardId,
    });
    const bytes = eventRecordBytes(eventRecord);
    if (this.pending.length === 0) this.firstBufferedAt = Date.now();
    this.pending.push({
      sequenceNumber: eventRecord.kinesis.sequenceNumber,
      arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
      eventRecord,
      bytes,
    });
    this.pendingBytes += bytes;
    this.lastReadSequence = eventRecord.kinesis.sequenceNumber;
    this.counters.recordsRead += 1;
  }

  /** The next batch: up to `batchSize` records from the front, within the 6 MB payload (at least one record). */
  private takeBatch(): BufferedRecord[] {
    const batch: BufferedRecord[] = [];
    let bytes = 0;
    for (const record of this.pending) {
      if (batch.length >= this.options.settings.batchSize) break;
      // With tumbling windows a batch never spans an interval boundary.
      if (this.windowStartMs !== undefined && this.intervalOf(record.arrivalMs) !== this.windowStartMs) break;
      if (batch.length > 0 && bytes + record.bytes > MAX_INVOCATION_PAYLOAD_BYTES) break;
      batch.push(record);
      bytes += record.bytes;
    }
    return batch;
  }

  /** Forgets the first `count` pending records (checkpointed). */
  private drop(count: number): void {
    if (count === 0) return;
    for (const record of this.pending.splice(0, count)) this.pendingBytes -= record.bytes;
    // Records left over keep their original window start: they are due at once.
    if (this.pending.length === 0) this.firstBufferedAt = undefined;
  }

  // --- Delivering ---------------------------------------------------------------------------------

  /**
   * Delivers a batch with Lambda's failure handling and returns how many records from its front are
   * checkpointed. Fewer than the batch when a partial failure asks to redeliver from a record (the rest is
   * re-batched from the buffer, possibly with more records) or when stopping between invocations.
   */
  private async deliver(batch: readonly BufferedRecord[]): Promise<number> {
    const { settings, signal, timings } = this.options;
    const segments: Segment[] = [
      { start: 0, end: batch.length, retries: this.frontRetries, invocations: this.frontInvocations },
    ];
    let consumed = 0;
    const advance = (to: number): void => {
      if (to <= consumed) return;
      consumed = to;
      const last = batch[to - 1] as BufferedRecord;
      this.checkpoint = last.sequenceNumber;
      this.frontRetries = 0;
      this.frontInvocations = 0;
      this.emit({ type: 'checkpoint', shardId: this.shardId, sequenceNumber: last.sequenceNumber });
    };
    const exhausted = (retries: number): boolean =>
      settings.maximumRetryAttempts !== -1 && retries >= settings.maximumRetryAttempts;

    while (segments.length > 0 && !signal.aborted) {
      const segment = segments[0] as Segment;
      const expired = this.expiredCount(batch, segment);
      if (expired > 0) {
        const expiredRecords = batch.slice(segment.start, segment.start + expired);
        if (!(await this.giveUp(expiredRecords, 'RecordAgeExceeded', segment, false))) break;
        advance(segment.start + expired);
        segment.start += expired;
        if (segment.start >= segment.end) segments.shift();
        continue;
      }
      const records = batch.slice(segment.start, segment.end);
      const result = await this.invoke(records, segment.retries);
      segment.invocations += 1;
      const verdict = interpretResponse(
        result,
        records.map((r) => r.sequenceNumber),
        settings.reportBatchItemFailures,
        this.tumblingMs > 0,
      );
      if (verdict.kind !== 'failure') this.adoptState(result);
      if (verdict.kind === 'success') {
        advance(segment.end);
        segments.shift();
        continue;
      }
      this.counters.failures += 1;
      if (verdict.kind === 'partial') {
        const failedAt = segment.start + verdict.index;
        advance(failedAt);
        // A record failing for the first time after progress starts its own retry count.
        const retries = verdict.index > 0 ? 0 : segment.retries;
        if (exhausted(retries)) {
          const failed = batch.slice(failedAt, segment.end);
          if (!(await this.giveUp(failed, 'RetryAttemptsExhausted', segment, false))) break;
          advance(segment.end);
          segments.shift();
          continue;
        }
        // Lambda redelivers from the checkpoint: a fresh batch from the failed record on.
        this.frontRetries = retries + 1;
        this.frontInvocations = verdict.index > 0 ? 1 : segment.invocations;
        this.counters.retries += 1;
        this.refill = true;
        return consumed;
      }
      if (settings.bisectBatchOnFunctionError && segment.end - segment.start > 1) {
        const middle = segment.start + Math.ceil((segment.end - segment.start) / 2);
        segments.splice(
          0,
          1,
          { start: segment.start, end: middle, retries: segment.retries, invocations: segment.invocations },
          { start: middle, end: segment.end, retries: segment.retries, invocations: segment.invocations },
        );
        this.emit({
          type: 'bisect',
          shardId: this.shardId,
          sizes: [middle - segment.start, segment.end - middle],
        });
        continue;
      }
      if (exhausted(segment.retries)) {
        if (!(await this.giveUp(records, 'RetryAttemptsExhausted', segment, verdict.functionError))) break;
        advance(segment.end);
        segments.shift();
        continue;
      }
      segment.retries += 1;
      this.counters.retries += 1;
      await sleep(backoffMs(segment.retries, timings.retryDelayMs, timings.maxRetryDelayMs), signal);
    }
    const front = segments[0];
    if (front !== undefined) {
      this.frontRetries = front.retries;
      this.frontInvocations = front.invocations;
    }
    return consumed;
  }

  /** How many records at the front of the segment are older than `maximumRecordAgeSeconds`. */
  private expiredCount(batch: readonly BufferedRecord[], segment: Segment): number {
    const maxAge = this.options.settings.maximumRecordAgeSeconds;
    if (maxAge === -1) return 0;
    const cutoff = this.options.now() - maxAge * 1000;
    let count = 0;
    for (let i = segment.start; i < segment.end && (batch[i] as BufferedRecord).arrivalMs < cutoff; i += 1) {
      count += 1;
    }
    return count;
  }

  private async invoke(
    records: readonly BufferedRecord[],
    retry: number,
    final: { final: boolean; terminatedEarly: boolean } = { final: false, terminatedEarly: false },
  ): Promise<InvokeResult> {
    const plain = kinesisStreamEvent(records.map((r) => r.eventRecord));
    const event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent =
      this.tumblingMs === 0 || this.windowStartMs === undefined
        ? plain
        : {
            ...plain,
            window: {
              start: new Date(this.windowStartMs).toISOString(),
              end: new Date(this.windowStartMs + this.tumblingMs).toISOString(),
            },
            state: { ...this.windowState },
            isFinalInvokeForWindow: final.final,
            isWindowTerminatedEarly: final.terminatedEarly,
            ...{ shardId: this.shardId, eventSourceARN: this.options.eventContext.streamArn },
          };
    const started = Date.now();
    let result: InvokeResult;
    try {
      result = await this.options.invoker(event, this.options.timings.functionTimeoutMs);
    } catch (error) {
      result = { kind: 'error', error: toError(error) };
    }
    this.counters.batchesInvoked += 1;
    this.lastResult = result;
    this.emit({
      type: 'invocation',
      shardId: this.shardId,
      batchSize: records.length,
      firstSequenceNumber: records[0]?.sequenceNumber ?? '',
      lastSequenceNumber: records[records.length - 1]?.sequenceNumber ?? '',
      retry,
      result,
      durationMs: Date.now() - started,
    });
    return result;
  }

  /**
   * Sends the on-failure record of `records`, retrying the destination until it accepts. False when the
   * mapping stopped first (the records stay unprocessed).
   */
  private async giveUp(
    records: readonly BufferedRecord[],
    condition: OnFailureCondition,
    segment: Segment,
    functionError: boolean,
  ): Promise<boolean> {
    const first = records[0] as BufferedRecord;
    const last = records[records.length - 1] as BufferedRecord;
    const record: OnFailureRecord = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: this.options.functionArn,
        condition,
        approximateInvokeCount: segment.invocations,
      },
      responseContext: {
        statusCode: 200,
        executedVersion: '$LATEST',
        ...(functionError ? { functionError: 'Unhandled' as const } : {}),
      },
      version: SCHEMA_VERSION,
      timestamp: new Date(this.options.now()).toISOString(),
      KinesisBatchInfo: {
        shardId: this.shardId,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
        batchSize: records.length,
        streamArn: this.options.eventContext.streamArn,
      },
    };
    const { onFailureDestination, signal, timings } = this.options;
    for (let attempt = 1; onFailureDestination !== undefined; attempt += 1) {
      if (signal.aborted) return false;
      try {
        await onFailureDestination.send(record);
        break;
      } catch (error) {
        const retryInMs = backoffMs(attempt, timings.retryDelayMs, timings.maxRetryDelayMs);
        this.emit({
          type: 'error',
          shardId: this.shardId,
          operation: 'on-failure destination',
          error: toError(error),
          retryInMs,
        });
        await sleep(retryInMs, signal);
      }
    }
    this.counters.recordsDiscarded += records.length;
    this.emit({ type: 'on-failure', shardId: this.shardId, record });
    return true;
  }
}
