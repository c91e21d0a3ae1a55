import { type KinesisClient, ListShardsCommand, type ListShardsCommandInput } from '@aws-sdk/client-kinesis';
import { LOCAL_ACCOUNT_ID } from './constants.ts';
import { FUNCTION_DEFAULTS, POLLING_DEFAULTS } from './defaults.ts';
import { DrainTimeoutError } from './errors.ts';
import { streamArn } from './kinesisStreamEvent.ts';
import { resolveSettings } from './resolveSettings.ts';
import { ShardPoller, type ShardPollerTimings } from './ShardPoller.ts';
import { backoffMs, sleep } from './sleep.ts';
import type {
  EventSourceMappingEvent,
  EventSourceMappingSettings,
  Invoker,
  OnFailureDestination,
  ShardStats,
} from './types.ts';

/**
 * Options of {@link EventSourceMapping}: the stream, the function, and the mapping's settings (each one
 * defaults to what the CDK construct deploys, see `EVENT_SOURCE_MAPPING_DEFAULTS`).
 */
export interface EventSourceMappingOptions extends Partial<EventSourceMappingSettings> {
  /** Kinesis client of the stream's endpoint, e.g. `kinesisClient(kinesis.endpoint)`. */
  readonly client: KinesisClient;
  readonly streamName: string;
  /** Runs the function, e.g. `workerInvoker({ env }).invoke`. */
  readonly invoker: Invoker;
  /**
   * Receives an on-failure record for every batch given up on (retries exhausted, records too old).
   * @default undefined - such batches are only reported as `on-failure` events
   */
  readonly onFailureDestination?: OnFailureDestination;
  /**
   * The function's name in ARNs (`invokeIdentityArn`, on-failure `functionArn`).
   * @default 'streamfold-local'
   */
  readonly functionName?: string;
  /**
   * The function's timeout, given to each invocation.
   * @default 60_000 - the construct's timeout
   */
  readonly functionTimeoutMs?: number;
  /**
   * Region in ARNs and `awsRegion`.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * Pause between polls of a shard that had nothing new (Lambda: about once a second).
   * @default 1_000
   */
  readonly idlePollIntervalMs?: number;
  /**
   * Shortest pause between two `GetRecords` calls on a shard (Kinesis allows 5 per second).
   * @default 200
   */
  readonly minGetRecordsIntervalMs?: number;
  /**
   * First pause before retrying a failed invocation or Kinesis call; doubles on each retry.
   * @default 100
   */
  readonly retryDelayMs?: number;
  /**
   * Longest pause between retries.
   * @default 5_000
   */
  readonly maxRetryDelayMs?: number;
  /**
   * How often `ListShards` looks for new shards (children also start from `ChildShards` at once).
   * @default 10_000
   */
  readonly shardDiscoveryIntervalMs?: number;
  /**
   * A Kinesis call that takes longer is abandoned and retried. A shard whose `GetRecords` or
   * `GetShardIterator` call ran out of time gives its next calls twice as long, up to `maxRequestTimeoutMs`.
   * @default 10_000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Most time a shard's `GetRecords`/`GetShardIterator` call is given after earlier ones ran out of time.
   * @default 120_000
   */
  readonly maxRequestTimeoutMs?: number;
  /**
   * A `GetRecords`/`GetShardIterator` call answered after this long is reported as a `slow-call` event.
   * @default 2_000
   */
  readonly slowCallMs?: number;
  /**
   * Clock for record ages (`maximumRecordAgeSeconds`) and on-failure timestamps, in epoch ms.
   * @default Date.now
   */
  readonly now?: () => number;
  /**
   * Progress callback (reads, invocations with the handler's response, checkpoints, errors...).
   * @default undefined - no progress reported
   */
  readonly onEvent?: (event: EventSourceMappingEvent) => void;
}

/** Options of {@link EventSourceMapping.drain}. */
export interface DrainOptions {
  /**
   * Fails with a {@link DrainTimeoutError} after this long.
   * @default 60_000
   */
  readonly timeoutMs?: number;
}

interface ShardEntry {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  state: 'waiting' | 'running' | 'done' | 'failed';
  poller: ShardPoller | undefined;
  run: Promise<void> | undefined;
}

const DRAIN_CHECK_MS = 25;

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * A local Kinesis event source mapping: it polls every shard of a stream like Lambda does and invokes the
 * function with real `KinesisStreamEvent`s, honouring the settings the CDK stack deploys (batch size,
 * batching window, starting position, retries, max record age, bisect on error, ReportBatchItemFailures,
 * on-failure destination). One batch in flight per shard, shards in parallel; after resharding, child
 * shards start once their parents are read to the end and processed.
 *
 * @example
 * ```ts
 * const functions = workerInvoker({ env: { PIPELINE_NAME: 'ohlc', RESULTS_TABLE, DEAD_LETTER_TABLE, DYNAMODB_ENDPOINT } });
 * const esm = new EventSourceMapping({
 *   client: kinesisClient(kinesis.endpoint),
 *   streamName: 'trades',
 *   invoker: functions.invoke,
 *   onFailureDestination: fileDestination('.streamfold/on-failure.jsonl'),
 *   onEvent: (event) => console.log(event.type),
 * });
 * await esm.start();
 * await esm.drain(); // everything put so far is processed
 * await esm.stop();
 * await functions.close();
 * ```
 */
export class EventSourceMapping {
  /** The settings in force, defaults filled in. */
  public readonly settings: EventSourceMappingSettings;
  private readonly shards = new Map<string, ShardEntry>();
  private readonly controller = new AbortController();
  private readonly timings: ShardPollerTimings;
  private readonly region: string;
  private readonly functionName: string;
  private discoveryLoop: Promise<void> | undefined;
  private started = false;

  /** @throws {@link EventSourceMappingSettingsError} when a setting is outside Lambda's range. */
  public constructor(private readonly options: EventSourceMappingOptions) {
    this.settings = resolveSettings(options);
    this.region = options.region ?? FUNCTION_DEFAULTS.region;
    this.functionName = options.functionName ?? FUNCTION_DEFAULTS.functionName;
    this.timings = {
      idlePollIntervalMs: options.idlePollIntervalMs ?? POLLING_DEFAULTS.idlePollIntervalMs,
      minGetRecordsIntervalMs: options.minGetRecordsIntervalMs ?? POLLING_DEFAULTS.minGetRecordsIntervalMs,
      retryDelayMs: options.retryDelayMs ?? POLLING_DEFAULTS.retryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs ?? POLLING_DEFAULTS.maxRetryDelayMs,
      requestTimeoutMs: options.requestTimeoutMs ?? POLLING_DEFAULTS.requestTimeoutMs,
      maxRequestTimeoutMs: Math.max(
        options.maxRequestTimeoutMs ?? POLLING_DEFAULTS.maxRequestTimeoutMs,
        options.requestTimeoutMs ?? POLLING_DEFAULTS.requestTimeoutMs,
      ),
      slowCallMs: options.slowCallMs ?? POLLING_DEFAULTS.slowCallMs,
      functionTimeoutMs: options.functionTimeoutMs ?? FUNCTION_DEFAULTS.timeoutMs,
    };
  }

  /** The stream's ARN as the events carry it. */
  public get streamArn(): string {
    return streamArn(this.region, this.options.streamName);
  }

  /**
   * Lists the stream's shards (retrying while Kinesis is unreachable) and starts polling them. Resolves
   * once polling has started, or when {@link stop} is called first.
   */
  public async start(): Promise<void> {
    if (this.started) throw new Error('This event source mapping was already started');
    this.started = true;
    const { signal } = this.controller;
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      try {
        await this.discover();
        break;
      } catch (error) {
        const retryInMs = backoffMs(attempt, this.timings.retryDelayMs, this.timings.maxRetryDelayMs);
        this.emit({
          type: 'error',
          shardId: undefined,
          operation: 'ListShards',
          error: toError(error),
          retryInMs,
        });
        await sleep(retryInMs, signal);
      }
    }
    this.discoveryLoop = this.discoverPeriodically();
  }

  /** Stops gracefully: every shard finishes its invocation in flight, then polling ends. */
  public async stop(): Promise<void> {
    this.controller.abort();
    await Promise.all([...this.shards.values()].map((entry) => entry.run));
    await this.discoveryLoop;
  }

  /**
   * Resolves once every shard is processed up to its tip: a `GetRecords` started after this call found
   * nothing new, nothing is pending or in flight, and shards created by resharding were read too.
   *
   * @throws {@link DrainTimeoutError} after `timeoutMs`, naming the shards still busy.
   */
  public async drain(options: DrainOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const mark = performance.now();
    const { signal } = this.controller;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.discover();
        break;
      } catch (error) {
        if (Date.now() >= deadline || signal.aborted) {
          throw new DrainTimeoutError(`Could not list the shards of ${this.options.streamName}`, {
            cause: error,
          });
        }
        await sleep(backoffMs(attempt, this.timings.retryDelayMs, this.timings.maxRetryDelayMs), signal);
      }
    }
    while (!this.isIdleSince(mark)) {
      if (signal.aborted) throw new DrainTimeoutError('The event source mapping was stopped while draining');
      if (Date.now() >= deadline) {
        const busy = this.stats()
          .filter((s) => s.state !== 'closed')
          .map(
            (s) =>
              `${s.shardId} (${s.state}, ${s.recordsPending} pending, ${s.millisBehindLatest} ms behind)`,
          );
        throw new DrainTimeoutError(
          `${this.options.streamName} not drained after ${timeoutMs} ms: ${busy.join(', ')}`,
        );
      }
      await sleep(DRAIN_CHECK_MS);
    }
  }

  /** Counters per shard, in shard id order. */
  public stats(): ShardStats[] {
    return [...this.shards.values()]
      .sort((a, b) => a.shardId.localeCompare(b.shardId))
      .map(
        (entry): ShardStats =>
          entry.poller?.stats() ?? {
            shardId: entry.shardId,
            state: 'waiting',
            parentShardIds: entry.parentShardIds,
            recordsRead: 0,
            batchesInvoked: 0,
            retries: 0,
            failures: 0,
            recordsDiscarded: 0,
            windowsClosed: 0,
            recordsPending: 0,
            millisBehindLatest: 0,
            lastSequenceNumber: undefined,
            lastResult: undefined,
          },
      );
  }

  private emit(event: EventSourceMappingEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A failing progress display must not stop the mapping.
    }
  }

  private isIdleSince(mark: number): boolean {
    for (const entry of this.shards.values()) {
      if (entry.state === 'done' || entry.state === 'failed') continue;
      if (entry.state === 'waiting' || entry.poller === undefined || !entry.poller.isIdleSince(mark))
        return false;
    }
    return true;
  }

  private async discover(): Promise<void> {
    const { client, streamName } = this.options;
    // Not AbortSignal.timeout() (garbage-collected inside AbortSignal.any() on Node 20, nodejs/node#57736).
    const { requestTimeoutMs } = this.timings;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException(`No answer within ${requestTimeoutMs} ms`, 'TimeoutError')),
      requestTimeoutMs,
    );
    const signal = AbortSignal.any([this.controller.signal, timeout.signal]);
    const found: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const input: ListShardsCommandInput =
          nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken };
        const out = await client.send(new ListShardsCommand(input), { abortSignal: signal });
        for (const shard of out.Shards ?? []) {
          if (shard.ShardId === undefined || this.shards.has(shard.ShardId)) continue;
          const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
            (id): id is string => id !== undefined,
          );
          this.add(shard.ShardId, parents);
          found.push(shard.ShardId);
        }
        nextToken = out.NextToken;
      } while (nextToken !== undefined);
    } finally {
      clearTimeout(timer);
    }
    if (found.length > 0) this.emit({ type: 'shards-discovered', shardIds: found });
    this.schedule();
  }

  private async discoverPeriodically(): Promise<void> {
    const { signal } = this.controller;
    for (let failures = 0; !signal.aborted; ) {
      const retryInMs =
        failures === 0
          ? (this.options.shardDiscoveryIntervalMs ?? POLLING_DEFAULTS.shardDiscoveryIntervalMs)
          : backoffMs(failures, this.timings.retryDelayMs, this.timings.maxRetryDelayMs);
      await sleep(retryInMs, signal);
      if (signal.aborted) return;
      try {
        await this.discover();
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures += 1;
        this.emit({
          type: 'error',
          shardId: undefined,
          operation: 'ListShards',
          error: toError(error),
          retryInMs: backoffMs(failures, this.timings.retryDelayMs, this.timings.maxRetryDelayMs),
        });
      }
    }
  }

  private add(shardId: string, parentShardIds: readonly string[]): void {
    if (this.shards.has(shardId)) return;
    this.shards.set(shardId, {
      shardId,
      parentShardIds,
      state: 'waiting',
      poller: undefined,
      run: undefined,
    });
  }

  /** Starts every waiting shard whose parents are done (or unknown: expired from the stream). */
  private schedule(): void {
    if (this.controller.signal.aborted) return;
    for (const entry of this.shards.values()) {
      if (entry.state !== 'waiting') continue;
      const ready = entry.parentShardIds.every((id) => {
        const parent = this.shards.get(id);
        return parent === undefined || parent.state === 'done';
      });
      if (ready) this.startPoller(entry);
    }
  }

  private startPoller(entry: ShardEntry): void {
    const poller = new ShardPoller({
      client: this.options.client,
      streamName: this.options.streamName,
      shardId: entry.shardId,
      parentShardIds: entry.parentShardIds,
      settings: this.settings,
      invoker: this.options.invoker,
      onFailureDestination: this.options.onFailureDestination,
      eventContext: {
        streamArn: this.streamArn,
        region: this.region,
        invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${this.functionName}`,
      },
      functionArn: `arn:aws:lambda:${this.region}:${LOCAL_ACCOUNT_ID}:function:${this.functionName}`,
      timings: this.timings,
      now: this.options.now ?? Date.now,
      onEvent: (event) => this.emit(event),
      signal: this.controller.signal,
    });
    entry.state = 'running';
    entry.poller = poller;
    entry.run = poller.run().then(
      (result) => {
        if (result.kind !== 'closed') return;
        entry.state = 'done';
        for (const child of result.childShards) {
          if (child.ShardId !== undefined) this.add(child.ShardId, child.ParentShards ?? [entry.shardId]);
        }
        this.schedule();
      },
      (error: unknown) => {
        entry.state = 'failed';
        this.emit({
          type: 'error',
          shardId: entry.shardId,
          operation: 'poll',
          error: toError(error),
          retryInMs: -1,
        });
      },
    );
  }
}
