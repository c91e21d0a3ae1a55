import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import {
  MAX_BYTES_PER_PUT,
  MAX_PARTITION_KEY_LENGTH,
  MAX_RECORD_BYTES,
  MAX_RECORDS_PER_PUT,
  PERMANENT_ENTRY_ERRORS,
} from './constants.ts';
import {
  InvalidRecordError,
  ProducerClosedError,
  ProducerOptionError,
  RecordTooLargeError,
  StreamUnavailableError,
} from './errors.ts';
import { KplAggregator, type KplAggregatorOptions, type KplOutput } from './KplAggregator.ts';
import { partitionKeyFunction } from './partitionKey.ts';
import { backoffDelay, isRetryableCallError } from './retryPolicy.ts';
import { sleep as realSleep, type Sleep } from './sleep.ts';
import { TokenBucket } from './TokenBucket.ts';
import type {
  FailedRecord,
  FailureSummary,
  PartitionKeySource,
  ProducerRecord,
  ProducerResult,
  ProducerStats,
} from './types.ts';

/** Options of {@link Producer}. */
export interface ProducerOptions {
  /** The Kinesis client; for a local endpoint, one made by `kinesisClient(endpoint)` (HTTP/1.1). */
  readonly client: KinesisClient;
  /** The stream's name, or its ARN (`arn:aws:kinesis:…`). */
  readonly stream: string;
  /**
   * Where partition keys come from for records that carry none.
   * @default 'random'
   */
  readonly partitionKey?: PartitionKeySource;
  /**
   * KPL aggregation: `true`, or its limits. User records are packed into aggregated records, which the
   * handler unpacks.
   * @default false - one Kinesis record per user record
   */
  readonly kpl?: boolean | KplAggregatorOptions;
  /**
   * Most user records accepted per second (a smooth token bucket; `put` waits for a token).
   * @default undefined - no limit
   */
  readonly ratePerSecond?: number;
  /**
   * Most records accepted at once above the rate.
   * @default max(1, ratePerSecond / 20) - 50 ms worth
   */
  readonly burst?: number;
  /**
   * Most PutRecords calls in flight at once. Above 1, records with the same partition key may be put out of
   * order (retries may reorder them anyway).
   * @default 4
   */
  readonly maxInFlight?: number;
  /**
   * Longest time a record waits in the buffer for a fuller batch before it is sent.
   * @default 100
   */
  readonly lingerMs?: number;
  /**
   * Most records accepted but not yet put; `put` waits for room beyond it (backpressure).
   * @default 20_000
   */
  readonly maxPending?: number;
  /**
   * How long a record is retried after its first PutRecords call, in ms; then it is reported as failed.
   * @default 30_000
   */
  readonly retryDeadlineMs?: number;
  /**
   * First backoff cap in ms; it doubles per attempt of the record (full jitter).
   * @default 100
   */
  readonly baseDelayMs?: number;
  /**
   * Largest backoff cap in ms.
   * @default 5_000
   */
  readonly maxDelayMs?: number;
  /**
   * Largest record, data plus partition key, in bytes; larger ones are refused by `put`.
   * @default 1_048_576 - the Kinesis limit (1 MiB)
   */
  readonly maxRecordBytes?: number;
  /**
   * Most records per PutRecords call.
   * @default 500 - the Kinesis limit
   */
  readonly maxBatchRecords?: number;
  /**
   * Most bytes (data plus partition keys) per PutRecords call.
   * @default 5_242_880 - the Kinesis limit (5 MiB)
   */
  readonly maxBatchBytes?: number;
  /**
   * Called with fresh counters after every PutRecords call.
   * @default undefined - no progress reports
   */
  readonly onProgress?: (stats: ProducerStats) => void;
  /**
   * Called for every Kinesis record given up on.
   * @default undefined - failures are only counted (see `failures`)
   */
  readonly onFailure?: (failure: FailedRecord) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * Used for retry backoff and the rate limiter.
   * @default a setTimeout-based sleep
   */
  readonly sleep?: Sleep;
  /**
   * Jitter and random partition keys.
   * @default Math.random
   */
  readonly random?: () => number;
}

/** Options of {@link Producer.put}. */
export interface PutOptions {
  /**
   * Stops waiting for the rate limiter or for buffer room; the record is then not accepted.
   * @default undefined - waits as long as needed (until `close`)
   */
  readonly signal?: AbortSignal;
}

/** One Kinesis record on its way. */
interface Entry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey: string | undefined;
  /** Data plus partition key bytes, as Kinesis counts them. */
  readonly size: number;
  readonly userRecords: number;
  attempts: number;
  firstAttemptMs: number | undefined;
}

/** A record a call did not put, and why. */
interface Failure {
  readonly entry: Entry;
  readonly code: string;
  readonly message: string;
}

type MutableStats = { -readonly [K in keyof ProducerStats]: number };

/** A FIFO of entries with O(1) removal at the head. */
class EntryQueue {
  private items: Entry[] = [];
  private head = 0;
  public bytes = 0;

  public get length(): number {
    return this.items.length - this.head;
  }

  public peek(): Entry | undefined {
    return this.items[this.head];
  }

  public push(entry: Entry): void {
    this.items.push(entry);
    this.bytes += entry.size;
  }

  public shift(): Entry | undefined {
    const entry = this.items[this.head];
    if (entry === undefined) return undefined;
    this.head++;
    this.bytes -= entry.size;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  public drain(): Entry[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return rest;
  }
}

const encoder = new TextEncoder();
const HASH_KEY_SYNTAX = /^\d{1,39}$/;

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) {
    throw new ProducerOptionError(`${name} must be a positive integer (given ${value})`);
  }
  return value;
};

const nonNegative = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value < 0) {
    throw new ProducerOptionError(`${name} must be a number of at least 0 (given ${value})`);
  }
  return value;
};

/**
 * Runs a user callback; an error it throws is rethrown on its own (an uncaught exception, as for an
 * EventEmitter listener) so it cannot corrupt the producer's accounting.
 */
const callback = (run: () => void): void => {
  try {
    run();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
};

const errorName = (error: unknown): string =>
  error instanceof Error && error.name !== '' ? error.name : 'Error';

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Puts records into a Kinesis stream with PutRecords, as a careful producer must:
 * - batches of at most 500 records and 5 MiB, counting partition keys as Kinesis does; a record over
 *   1 MiB is refused up front with a {@link RecordTooLargeError} naming its size;
 * - records a call reports as failed (`FailedRecordCount`, per-record `ErrorCode`) are retried on their
 *   own, with exponential backoff and full jitter, until `retryDeadlineMs` after their first call; whole
 *   calls that fail with throttling, 5xx or network errors are retried the same way; whatever still fails is
 *   reported with its error code (`onFailure`, and the `failures` of {@link Producer.close});
 * - a call failing with an error no retry can fix (stream not found, access denied) fails every buffered
 *   record and makes later `put` calls throw {@link StreamUnavailableError};
 * - partition keys from the record, a JSON field, a function, or random;
 * - optional KPL aggregation ({@link KplAggregator});
 * - optional rate limit ({@link TokenBucket}), at most `maxInFlight` calls at once, and backpressure: `put`
 *   resolves once the record is buffered, and waits while `maxPending` records are.
 *
 * Records are sent when a batch is full, when the oldest has waited `lingerMs`, or on `flush()`/`close()`.
 *
 * @example
 * const producer = new Producer({ client: new KinesisClient({}), stream: 'trades', partitionKey: { field: 'symbol' } });
 * for (const trade of trades) await producer.put({ data: JSON.stringify(trade) });
 * const { stats, failures } = await producer.close();
 * console.log(`${stats.sent} sent, ${stats.failed} failed`, failures);
 */
export class Producer {
  private readonly client: KinesisClient;
  private readonly target: { StreamName: string } | { StreamARN: string };
  private readonly keyFor: (data: Uint8Array) => string;
  private readonly aggregator: KplAggregator | undefined;
  private readonly limiter: TokenBucket | undefined;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly maxPending: number;
  private readonly retryDeadlineMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  /** Largest record `put` accepts (data plus partition key), in bytes. */
  public readonly maxRecordBytes: number;
  private readonly maxBatchRecords: number;
  private readonly maxBatchBytes: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly options: ProducerOptions;

  private readonly counters: MutableStats = {
    accepted: 0,
    sent: 0,
    failed: 0,
    retried: 0,
    bytes: 0,
    batches: 0,
    kinesisRecords: 0,
    pending: 0,
    inFlight: 0,
  };
  private readonly failureCodes = new Map<string, { count: number; message: string }>();
  /** New entries, sent when a batch is full, the linger time is up, or on flush. */
  private readonly fresh = new EntryQueue();
  /** Entries whose backoff is over: sent at the next free slot. */
  private readonly retryReady = new EntryQueue();
  private lingerTimer: NodeJS.Timeout | undefined;
  private lingerDue = false;
  private flushing = 0;
  private fatal: StreamUnavailableError | undefined;
  private readonly closing = new AbortController();
  private closed: Promise<ProducerResult> | undefined;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];

  public constructor(options: ProducerOptions) {
    this.options = options;
    this.client = options.client;
    if (options.stream.length === 0) throw new ProducerOptionError('Stream name must not be empty');
    this.target = options.stream.startsWith('arn:')
      ? { StreamARN: options.stream }
      : { StreamName: options.stream };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.keyFor = partitionKeyFunction(options.partitionKey ?? 'random', this.random);
    this.maxInFlight = positiveInteger('maxInFlight', options.maxInFlight ?? 4);
    this.lingerMs = nonNegative('lingerMs', options.lingerMs ?? 100);
    this.maxPending = positiveInteger('maxPending', options.maxPending ?? 20_000);
    this.retryDeadlineMs = nonNegative('retryDeadlineMs', options.retryDeadlineMs ?? 30_000);
    this.baseDelayMs = nonNegative('baseDelayMs', options.baseDelayMs ?? 100);
    this.maxDelayMs = nonNegative('maxDelayMs', options.maxDelayMs ?? 5_000);
    this.maxRecordBytes = positiveInteger('maxRecordBytes', options.maxRecordBytes ?? MAX_RECORD_BYTES);
    this.maxBatchRecords = positiveInteger('maxBatchRecords', options.maxBatchRecords ?? MAX_RECORDS_PER_PUT);
    this.maxBatchBytes = positiveInteger('maxBatchBytes', options.maxBatchBytes ?? MAX_BYTES_PER_PUT);
    if (this.maxBatchBytes < this.maxRecordBytes) {
      throw new ProducerOptionError(
        `maxBatchBytes (${this.maxBatchBytes}) must be at least maxRecordBytes (${this.maxRecordBytes})`,
      );
    }
    const kpl = options.kpl ?? false;
    this.aggregator =
      kpl === false
        ? undefined
        : new KplAggregator({ maxBytes: this.maxRecordBytes, ...(kpl === true ? {} : kpl) });
    this.limiter =
      options.ratePerSecond === undefined
        ? undefined
        : new TokenBucket({
            ratePerSecond: options.ratePerSecond,
            ...(options.burst === undefined ? {} : { capacity: options.burst }),
            now: this.now,
            sleep: this.sleep,
          });
  }

  /** A snapshot of the counters. */
  public get stats(): ProducerStats {
    return { ...this.counters };
  }

  /** Failures so far, grouped by error code, most frequent first. */
  public get failures(): FailureSummary[] {
    return [...this.failureCodes.entries()]
      .map(([errorCode, { count, message }]) => ({ errorCode, count, message }))
      .sort((a, b) => b.count - a.count || a.errorCode.localeCompare(b.errorCode));
  }

  /**
   * Accepts one record: checks it, waits for the rate limiter and for buffer room, then buffers it. Resolves
   * once buffered (not once put: see {@link Producer.flush}).
   *
   * @throws {RecordTooLargeError} when data plus partition key exceed `maxRecordBytes`.
   * @throws {InvalidRecordError} when its own partition key or explicit hash key is not valid.
   * @throws {StreamUnavailableError} after a call failed with an error no retry fixes.
   * @throws {ProducerClosedError} when the producer is (or gets) closed before the record is buffered.
   * @example
   * await producer.put({ data: '{"device":"d-1","temperature":21.5}' });
   */
  public async put(record: ProducerRecord, options: PutOptions = {}): Promise<void> {
    this.assertOpen();
    const data = typeof record.data === 'string' ? encoder.encode(record.data) : record.data;
    const partitionKey = record.partitionKey ?? this.keyFor(data);
    if (partitionKey.length === 0 || partitionKey.length > MAX_PARTITION_KEY_LENGTH) {
      throw new InvalidRecordError(
        `Partition key must have 1 to ${MAX_PARTITION_KEY_LENGTH} characters (given ${partitionKey.length})`,
      );
    }
    const { explicitHashKey } = record;
    if (explicitHashKey !== undefined && !HASH_KEY_SYNTAX.test(explicitHashKey)) {
      throw new InvalidRecordError(
        `Explicit hash key must be a decimal number below 2^128 (given "${explicitHashKey.slice(0, 50)}")`,
      );
    }
    const size = data.length + encoder.encode(partitionKey).length;
    if (size > this.maxRecordBytes) throw new RecordTooLargeError(size, this.maxRecordBytes);

    const signal =
      options.signal === undefined
        ? this.closing.signal
        : AbortSignal.any([options.signal, this.closing.signal]);
    if (this.limiter !== undefined) await this.limiter.take(1, signal);
    while (this.counters.pending >= this.maxPending) await this.waitForRoom(signal);
    this.assertOpen();

    this.counters.accepted += 1;
    this.counters.pending += 1;
    if (this.aggregator === undefined) {
      this.enqueue({ data, partitionKey, explicitHashKey, userRecords: 1 });
    } else {
      for (const ready of this.aggregator.add({
        data,
        partitionKey,
        ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
      })) {
        this.enqueue(ready);
      }
    }
    this.armLinger();
    this.pump();
  }

  /**
   * Sends everything buffered and waits until every accepted record is put or failed (retries included).
   *
   * @example
   * await producer.flush();
   * producer.stats.pending; // 0
   */
  public async flush(): Promise<void> {
    this.sealAggregate();
    this.flushing += 1;
    try {
      this.pump();
      if (this.counters.pending > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.flushing -= 1;
    }
  }

  /**
   * Stops accepting records (waiting `put` calls reject with {@link ProducerClosedError}), flushes, and
   * resolves with the final counters and the failures by error code. Safe to call more than once.
   *
   * @example
   * const { stats, failures } = await producer.close();
   * if (stats.failed > 0) console.error(failures);
   */
  public close(): Promise<ProducerResult> {
    this.closed ??= (async () => {
      this.closing.abort(new ProducerClosedError('The producer is closed'));
      for (const wake of this.roomWaiters.splice(0)) wake();
      await this.flush();
      if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      return { stats: this.stats, failures: this.failures };
    })();
    return this.closed;
  }

  private assertOpen(): void {
    if (this.fatal !== undefined) throw this.fatal;
    if (this.closing.signal.aborted) throw new ProducerClosedError('The producer is closed');
  }

  private waitForRoom(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.roomWaiters = this.roomWaiters.filter((waiter) => waiter !== wake);
        reject(signal.reason);
      };
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) reject(signal.reason);
        else resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.roomWaiters.push(wake);
    });
  }

  private enqueue(
    record: Omit<KplOutput, 'explicitHashKey'> & { explicitHashKey?: string | undefined },
  ): void {
    const size = record.data.length + encoder.encode(record.partitionKey).length;
    this.fresh.push({
      data: record.data,
      partitionKey: record.partitionKey,
      explicitHashKey: record.explicitHashKey,
      size,
      userRecords: record.userRecords,
      attempts: 0,
      firstAttemptMs: undefined,
    });
  }

  private sealAggregate(): void {
    const sealed = this.aggregator?.seal();
    if (sealed !== undefined) this.enqueue(sealed);
  }

  /** Starts the linger clock when records wait and it is not running. */
  private armLinger(): void {
    if (this.lingerTimer !== undefined || this.lingerDue) return;
    if (this.fresh.length === 0 && (this.aggregator?.length ?? 0) === 0) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      this.lingerDue = true;
      this.sealAggregate();
      this.pump();
    }, this.lingerMs);
  }

  private freshIsFull(): boolean {
    return this.fresh.length >= this.maxBatchRecords || this.fresh.bytes >= this.maxBatchBytes;
  }

  /** Starts as many PutRecords calls as allowed and due. */
  private pump(): void {
    if (this.fatal !== undefined) this.failQueued();
    while (this.counters.inFlight < this.maxInFlight) {
      const due =
        this.retryReady.length > 0 ||
        (this.fresh.length > 0 && (this.flushing > 0 || this.lingerDue || this.freshIsFull()));
      if (!due) break;
      const batch = this.takeBatch();
      if (batch.length === 0) break;
      this.counters.inFlight += 1;
      void this.send(batch);
    }
    if (this.fresh.length === 0) this.lingerDue = false;
    this.armLinger();
    this.notify();
  }

  private takeBatch(): Entry[] {
    const batch: Entry[] = [];
    let bytes = 0;
    for (const queue of [this.retryReady, this.fresh]) {
      for (let next = queue.peek(); next !== undefined; next = queue.peek()) {
        if (batch.length >= this.maxBatchRecords || bytes + next.size > this.maxBatchBytes) return batch;
        batch.push(queue.shift() as Entry);
        bytes += next.size;
      }
    }
    return batch;
  }

  private async send(batch: Entry[]): Promise<void> {
    const startedMs = this.now();
    for (const entry of batch) {
      entry.attempts += 1;
      entry.firstAttemptMs ??= startedMs;
    }
    this.counters.batches += 1;
    const records: PutRecordsRequestEntry[] = batch.map((entry) =>
      entry.explicitHashKey === undefined
        ? { Data: entry.data, PartitionKey: entry.partitionKey }
        : { Data: entry.data, PartitionKey: entry.partitionKey, ExplicitHashKey: entry.explicitHashKey },
    );
    try {
      const output = await this.client.send(new PutRecordsCommand({ ...this.target, Records: records }));
      const results = output.Records ?? [];
      const failed: Failure[] = [];
      batch.forEach((entry, i) => {
        const result = results[i];
        if (result === undefined) {
          failed.push({
            entry,
            code: 'MissingResult',
            message: 'PutRecords returned no result for this record',
          });
        } else if (result.ErrorCode !== undefined && result.ErrorCode !== '') {
          failed.push({ entry, code: result.ErrorCode, message: result.ErrorMessage ?? '' });
        } else {
          this.counters.sent += entry.userRecords;
          this.counters.pending -= entry.userRecords;
          this.counters.kinesisRecords += 1;
          this.counters.bytes += entry.size;
        }
      });
      this.retryOrFail(failed);
    } catch (error) {
      const code = errorName(error);
      const message = errorMessage(error);
      if (!isRetryableCallError(error)) {
        this.fatal ??= new StreamUnavailableError(
          `Cannot put records into stream ${this.options.stream}: ${code}: ${message}`,
          { cause: error },
        );
      }
      this.retryOrFail(batch.map((entry) => ({ entry, code, message })));
    } finally {
      this.counters.inFlight -= 1;
      this.pump();
      const { onProgress } = this.options;
      if (onProgress !== undefined) callback(() => onProgress(this.stats));
    }
  }

  /**
   * Schedules the records of one failed call (or the failed records of one call) for one retry round, after
   * a backoff drawn for the most-tried of them; records whose error is permanent, or whose deadline the
   * backoff would pass, fail now.
   */
  private retryOrFail(failures: readonly Failure[]): void {
    if (failures.length === 0) return;
    const retry: Failure[] = [];
    let attempts = 0;
    for (const failure of failures) {
      if (this.fatal !== undefined || PERMANENT_ENTRY_ERRORS.has(failure.code)) {
        this.fail(failure.entry, failure.code, failure.message);
      } else {
        retry.push(failure);
        attempts = Math.max(attempts, failure.entry.attempts);
      }
    }
    if (retry.length === 0) return;
    const delayMs = backoffDelay(attempts, this.baseDelayMs, this.maxDelayMs, this.random);
    const now = this.now();
    const waiting: Entry[] = [];
    for (const { entry, code, message } of retry) {
      if (now + delayMs > (entry.firstAttemptMs ?? now) + this.retryDeadlineMs) {
        const note = `still failing after ${entry.attempts} attempt(s) in ${now - (entry.firstAttemptMs ?? now)} ms`;
        this.fail(entry, code, message === '' ? note : `${message} (${note})`);
      } else {
        this.counters.retried += entry.userRecords;
        waiting.push(entry);
      }
    }
    if (waiting.length === 0) return;
    void this.sleep(delayMs).then(() => {
      for (const entry of waiting) {
        if (this.fatal !== undefined) {
          const cause = this.fatal.cause;
          this.fail(entry, errorName(cause), errorMessage(cause));
        } else this.retryReady.push(entry);
      }
      this.pump();
    });
  }

  private fail(entry: Entry, code: string, message: string): void {
    this.counters.failed += entry.userRecords;
    this.counters.pending -= entry.userRecords;
    const known = this.failureCodes.get(code);
    if (known === undefined) this.failureCodes.set(code, { count: entry.userRecords, message });
    else known.count += entry.userRecords;
    const { onFailure } = this.options;
    if (onFailure === undefined) return;
    const failure: FailedRecord = {
      partitionKey: entry.partitionKey,
      data: entry.data,
      userRecords: entry.userRecords,
      errorCode: code,
      errorMessage: message,
      attempts: entry.attempts,
    };
    callback(() => onFailure(failure));
  }

  /** After a fatal error: everything still buffered fails with it. */
  private failQueued(): void {
    const fatal = this.fatal as StreamUnavailableError;
    const cause = fatal.cause;
    this.sealAggregate();
    for (const entry of [...this.retryReady.drain(), ...this.fresh.drain()]) {
      this.fail(entry, errorName(cause), errorMessage(cause));
    }
  }

  private notify(): void {
    if (this.counters.pending < this.maxPending) {
      for (const wake of this.roomWaiters.splice(0)) wake();
    }
    if (this.counters.pending === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
