/** How the event source mapping forms one shard's batches (the construct's settings). */
export interface BatcherSettings {
  /** Invoke when this many records are waiting. */
  readonly batchSize: number;
  /** Invoke when this long has passed since the first record of the batch arrived. */
  readonly maxBatchingWindowMs: number;
  /** Invoke before the event's payload would exceed this (Lambda's 6 MB). */
  readonly maxPayloadBytes: number;
  /**
   * `TumblingWindowInSeconds` in ms: intervals aligned to epoch multiples by arrival time; a batch never
   * spans two intervals, and each interval ends with a final invocation without records. 0: none.
   */
  readonly intervalMs: number;
}

/** One invocation of the function, on the virtual clock. */
export interface VirtualInvocation {
  /** Position of the first record in this shard's record order (see {@link ShardBatcher.push}). */
  readonly first: number;
  readonly count: number;
  /** Virtual time at which the mapping invokes the function. */
  readonly invokeAtMs: number;
  /** The tumbling-window interval, when the mapping has one. */
  readonly window: { readonly startMs: number; readonly endMs: number } | undefined;
  /** `isFinalInvokeForWindow`: the interval's closing invocation, with no records. */
  readonly final: boolean;
}

interface OpenBatch {
  readonly first: number;
  count: number;
  bytes: number;
  readonly firstArrivalMs: number;
}

/**
 * Lambda's Kinesis event source mapping for one shard, replayed on a virtual clock: records go in in
 * arrival order, invocations come out when Lambda would make them (batch size reached, batching window
 * elapsed since the batch's first record, payload limit, end of a tumbling-window interval), with no
 * waiting. The function's own duration does not move the clock: a shard's next batch forms from arrivals
 * only (true while an invocation takes less time than a batch takes to fill).
 *
 * @example
 * const batcher = new ShardBatcher({ batchSize: 1000, maxBatchingWindowMs: 5000, maxPayloadBytes: 6 * 2 ** 20, intervalMs: 0 });
 * const due = [...batcher.push(arrivalMs, bytes), ...batcher.advanceTo(endMs)];
 */
export class ShardBatcher {
  private next = 0;
  private lastArrivalMs = Number.NEGATIVE_INFINITY;
  private open: OpenBatch | undefined;
  private interval: { readonly startMs: number; readonly endMs: number } | undefined;

  public constructor(private readonly settings: BatcherSettings) {
    if (settings.batchSize < 1) throw new Error('batchSize must be at least 1');
  }

  /** Records pushed so far (the position the next record gets). */
  public get pushed(): number {
    return this.next;
  }

  /**
   * Adds the next record of the shard (arrival times must not decrease) and returns the invocations
   * that are due up to and including its arrival, in order.
   */
  public push(arrivalMs: number, payloadBytes: number): VirtualInvocation[] {
    if (arrivalMs < this.lastArrivalMs) {
      throw new Error(`Records must be pushed in arrival order (${arrivalMs} < ${this.lastArrivalMs})`);
    }
    this.lastArrivalMs = arrivalMs;
    const due = this.advanceTo(arrivalMs);
    const { intervalMs, maxPayloadBytes, batchSize } = this.settings;
    if (intervalMs > 0 && this.interval === undefined) {
      const startMs = Math.floor(arrivalMs / intervalMs) * intervalMs;
      this.interval = { startMs, endMs: startMs + intervalMs };
    }
    if (this.open !== undefined && this.open.bytes + payloadBytes > maxPayloadBytes) {
      due.push(this.emit(arrivalMs));
    }
    this.open ??= { first: this.next, count: 0, bytes: 0, firstArrivalMs: arrivalMs };
    this.open.count += 1;
    this.open.bytes += payloadBytes;
    this.next += 1;
    if (this.open.count >= batchSize) due.push(this.emit(arrivalMs));
    return due;
  }

  /** Moves the clock to `nowMs` and returns the invocations due by then, in order. */
  public advanceTo(nowMs: number): VirtualInvocation[] {
    const due: VirtualInvocation[] = [];
    if (this.open !== undefined) {
      let atMs = this.open.firstArrivalMs + this.settings.maxBatchingWindowMs;
      if (this.interval !== undefined) atMs = Math.min(atMs, this.interval.endMs);
      if (atMs <= nowMs) due.push(this.emit(atMs));
    }
    if (this.interval !== undefined && this.interval.endMs <= nowMs) {
      due.push({
        first: this.next,
        count: 0,
        invokeAtMs: this.interval.endMs,
        window: this.interval,
        final: true,
      });
      this.interval = undefined;
    }
    return due;
  }

  private emit(atMs: number): VirtualInvocation {
    const open = this.open as OpenBatch;
    this.open = undefined;
    return { first: open.first, count: open.count, invokeAtMs: atMs, window: this.interval, final: false };
  }
}
