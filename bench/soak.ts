import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  type Shard,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import type { EventSourceMappingEvent } from '../local/esm/types.ts';
import {
  compareWithReference,
  DynamoDbFaultProxy,
  type DynamoDbFaultRule,
  type ReferenceComparison,
  readStreamRecords,
} from '../local/faults/index.ts';
import { LocalRuntime } from '../local/runtime/LocalRuntime.ts';
import { localClientConfig } from '../local/services/clients.ts';
import { startDynalite } from '../local/services/startDynalite.ts';
import { startKinesisLocal } from '../local/services/startKinesisLocal.ts';
import type { KinesisLocalService } from '../local/services/types.ts';
import type { PipelineDefinition } from '../shared/definition/types.ts';
import { generatorFor, SeededRandom } from '../shared/producer/generators/index.ts';
import { Producer } from '../shared/producer/Producer.ts';
import projectConfig from '../streamfold.config.ts';

const { pipelines } = projectConfig;

/**
 * Soak test of the whole local pipeline (issue 7, part 3):
 *
 *   npm run soak -- --minutes N [--rate R] [--seed S] [--shards K] [--flush-every SECONDS]
 *
 * `--flush-every` chooses the write mode of every pipeline: `0` writes every batch (ADR 0001), a number of
 * seconds buffers in the tumbling-window state and flushes at each interval's end (ADR 0002). Without it
 * each pipeline keeps its own `flushEvery` (60 s for the examples: the default, buffered).
 *
 * Every example pipeline runs on kinesis-local (persisted, so it can be restarted) and dynalite (in a
 * child process) behind a DynamoDbFaultProxy, under sustained generated traffic (2 % malformed and
 * 0.5 % late records on purpose) for N minutes, with random faults all along: throttling, 5xx before
 * and after the write lands, dropped connections, throttling storms, hung requests (the handler times
 * them out and retries them; one that the invocation's deadline cuts short fails the batch from there),
 * shard splits and merges, and one restart of the local Kinesis.
 * Then production stops, the pipeline drains, and the stored results are compared with a reference fold
 * of everything the streams hold. Prints records in, folded, rejected, late, lost and double-counted
 * (both must be 0), throughput and the faults injected; writes the figures to
 * `bench/results/soak-<date>.json`; exits 1 when anything was lost, double-counted or differs, or the
 * pipeline did not drain.
 *
 * The default rate (100 records/s) is what kinesis-mock sustains for tens of minutes on two cores: it
 * slows down as its shards fill and rewrites its whole persisted state on every save; at 200 records/s
 * it fell behind after four to six minutes in our runs (its calls then outlast the mapping's request
 * timeout and the pipeline stalls on the emulator, not on the handler).
 */

const LATE_SHARE = 0.005;
const MALFORMED_SHARE = 0.02;
const LATE_BY_MS = 15 * 60_000;
const FUNCTION_TIMEOUT_MS = 10_000;
/** kinesis-mock rewrites its whole state on every save: rarely, or it saturates a core as the streams grow. */
const KINESIS_PERSIST_INTERVAL_MS = 10_000;
const PROGRESS_EVERY_MS = 30_000;
/** A progress line notes a stall when no batch was processed for this long while records wait. */
const STALL_AFTER_MS = 120_000;
/** Longest wait for the pipeline to catch up once production stops. */
const DRAIN_TIMEOUT_MS = 10 * 60_000;

// --- dynalite in a child process (this file, run with --serve-dynalite) ----------------------------

if (process.argv.includes('--serve-dynalite')) {
  const service = await startDynalite();
  process.stdout.write(`${JSON.stringify({ endpoint: service.endpoint })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void service.stop().then(() => process.exit(0));
  });
  await new Promise(() => undefined);
}

/** Starts dynalite in a child process (the emulator then runs on the other core); its endpoint. */
const startDynaliteChild = async (): Promise<{ endpoint: string; child: ChildProcess }> => {
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--serve-dynalite'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline >= 0) resolve((JSON.parse(buffered.slice(0, newline)) as { endpoint: string }).endpoint);
    });
    child.once('exit', (code) => reject(new Error(`dynalite child exited early (code ${code})`)));
    child.once('error', reject);
  });
  return { endpoint, child };
};

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });

// --- options -------------------------------------------------------------------------------------

interface SoakOptions {
  readonly minutes: number;
  /** Records per second, all pipelines together. */
  readonly rate: number;
  readonly seed: number;
  readonly shards: number;
  /** Overrides every pipeline's `flushEvery` (ms; 0 = every batch); undefined keeps the definitions'. */
  readonly flushEveryMs: number | undefined;
}

const flushEveryOption = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 900) {
    throw new Error(
      `--flush-every must be whole seconds from 0 to 900, 0 = write every batch (given ${text})`,
    );
  }
  return seconds * 1000;
};

/** What the run's write mode is called in its log and its results file. */
const modeName = (flushEveryMs: number | undefined): string =>
  flushEveryMs === undefined
    ? "each pipeline's flushEvery"
    : flushEveryMs === 0
      ? 'per-batch'
      : `buffered-${flushEveryMs / 1000}s`;

const readOptions = (): SoakOptions => {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      shards: { type: 'string', default: '2' },
      'flush-every': { type: 'string' },
    },
    strict: true,
  });
  const number = (name: string, text: string | undefined, min: number): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) {
      throw new Error(`--${name} must be a number of at least ${min} (given ${text})`);
    }
    return value;
  };
  return {
    minutes: number('minutes', values.minutes, 0.1),
    rate: number('rate', values.rate, 1),
    seed: Math.trunc(number('seed', values.seed, 0)),
    shards: Math.trunc(number('shards', values.shards, 1)),
    flushEveryMs: flushEveryOption(values['flush-every']),
  };
};

// --- helpers -------------------------------------------------------------------------------------

const log = (message: string): void => {
  process.stdout.write(`${message}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Lets the production loops be paused (all parked) and resumed. */
class Gate {
  private waiting: Promise<void> | undefined;
  private open: () => void = () => undefined;
  private parked = 0;

  public close(): void {
    this.waiting ??= new Promise((resolve) => {
      this.open = resolve;
    });
  }

  public reopen(): void {
    this.open();
    this.waiting = undefined;
  }

  public async pass(): Promise<void> {
    if (this.waiting === undefined) return;
    this.parked += 1;
    await this.waiting;
    this.parked -= 1;
  }

  /** Resolves once `count` loops wait at the gate (or have finished, see `done`). */
  public async parkedAll(count: () => number): Promise<void> {
    while (this.parked < count()) await sleep(20);
  }
}

const openShards = async (client: KinesisClient, stream: string): Promise<Shard[]> => {
  const out = await client.send(new ListShardsCommand({ StreamName: stream }));
  return (out.Shards ?? [])
    .filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined)
    .sort((a, b) =>
      BigInt(a.HashKeyRange?.StartingHashKey ?? 0) < BigInt(b.HashKeyRange?.StartingHashKey ?? 0) ? -1 : 1,
    );
};

const width = (shard: Shard): bigint =>
  BigInt(shard.HashKeyRange?.EndingHashKey ?? 0) - BigInt(shard.HashKeyRange?.StartingHashKey ?? 0);

const waitActive = async (client: KinesisClient, stream: string): Promise<void> => {
  for (let i = 0; i < 500; i++) {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(20);
  }
};

/** Splits the widest open shard of the stream in two. */
const splitShard = async (client: KinesisClient, stream: string): Promise<string> => {
  const open = await openShards(client, stream);
  const widest = open.reduce((a, b) => (width(b) > width(a) ? b : a));
  const start = BigInt(widest.HashKeyRange?.StartingHashKey ?? 0);
  const end = BigInt(widest.HashKeyRange?.EndingHashKey ?? 0);
  await client.send(
    new SplitShardCommand({
      StreamName: stream,
      ShardToSplit: widest.ShardId,
      NewStartingHashKey: String((start + end + 1n) / 2n),
    }),
  );
  await waitActive(client, stream);
  return `split ${stream}/${widest.ShardId}`;
};

/** Merges the narrowest pair of adjacent open shards of the stream. */
const mergeShards = async (client: KinesisClient, stream: string): Promise<string | undefined> => {
  const open = await openShards(client, stream);
  let best: [Shard, Shard] | undefined;
  for (let i = 0; i + 1 < open.length; i++) {
    const a = open[i] as Shard;
    const b = open[i + 1] as Shard;
    if (BigInt(a.HashKeyRange?.EndingHashKey ?? -1) + 1n !== BigInt(b.HashKeyRange?.StartingHashKey ?? -2))
      continue;
    if (best === undefined || width(a) + width(b) < width(best[0]) + width(best[1])) best = [a, b];
  }
  if (best === undefined) return undefined;
  await client.send(
    new MergeShardsCommand({
      StreamName: stream,
      ShardToMerge: best[0].ShardId,
      AdjacentShardToMerge: best[1].ShardId,
    }),
  );
  await waitActive(client, stream);
  return `merge ${stream}/${best[0].ShardId}+${best[1].ShardId}`;
};

/** Faults present all along (the storms, hangs and infrastructure events come on top). */
const BACKGROUND_FAULTS: readonly DynamoDbFaultRule[] = [
  { fault: 'throughput-exceeded', operations: 'writes', probability: 0.05, name: 'throttle-writes' },
  { fault: 'throttling', operations: ['BatchGetItem'], probability: 0.03, name: 'throttle-reads' },
  { fault: 'internal-error', probability: 0.02, name: 'error-500' },
  { fault: 'internal-error', operations: 'writes', probability: 0.02, phase: 'after', name: 'lost-answer' },
  { fault: 'unavailable', probability: 0.01, name: 'error-503' },
  { fault: 'reset', probability: 0.005, name: 'reset' },
];

/** Operations only the handler issues (the finalizer queries and updates), so a hang hits a batch. */
const HANDLER_OPERATIONS = ['PutItem', 'BatchGetItem'] as const;

// --- the soak ------------------------------------------------------------------------------------

interface ProductionCounts {
  accepted: number;
  malformed: number;
  sent: number;
  failed: number;
}

const main = async (): Promise<number> => {
  const options = readOptions();
  const startedAt = new Date();
  const random = new SeededRandom(options.seed);
  const durationMs = options.minutes * 60_000;
  log(
    `soak: ${options.minutes} min, ${options.rate} records/s over ${pipelines.length} pipelines, seed ${options.seed}, ${options.shards} shards per stream, writes: ${modeName(options.flushEveryMs)}`,
  );

  const scratch = await mkdtemp(join(tmpdir(), 'streamfold-soak-'));
  const dynalite = await startDynaliteChild();
  const proxy = await DynamoDbFaultProxy.start({ target: dynalite.endpoint, seed: options.seed });
  const kinesis: KinesisLocalService = await startKinesisLocal({
    persistDir: join(scratch, 'kinesis'),
    persistIntervalMs: KINESIS_PERSIST_INTERVAL_MS,
  });
  const events = {
    kinesisErrors: 0,
    bisections: 0,
    shardsClosed: 0,
    errorsByOperation: {} as Record<string, number>,
  };
  const mapping = {
    batchSize: 500,
    maxBatchingWindowMs: 1_000,
    functionTimeoutMs: FUNCTION_TIMEOUT_MS,
    shardDiscoveryIntervalMs: 5_000,
    maxRetryDelayMs: 2_000,
    onEvent: (event: EventSourceMappingEvent) => {
      if (event.type === 'bisect') events.bisections += 1;
      if (event.type === 'shard-closed') events.shardsClosed += 1;
      if (event.type === 'error') {
        events.errorsByOperation[event.operation] = (events.errorsByOperation[event.operation] ?? 0) + 1;
        if (event.operation !== 'on-failure destination') events.kinesisErrors += 1;
      }
    },
  };
  // LocalRuntime spreads these into each EventSourceMapping; its option type only names the Lambda settings.
  const runtime = await LocalRuntime.start({
    pipelines,
    kinesisEndpoint: kinesis.endpoint,
    dynamodbEndpoint: proxy.endpoint,
    shardCount: options.shards,
    eventSourceMapping: mapping,
    onFailureDir: join(scratch, 'on-failure'),
    finalizeIntervalMs: 30_000,
    ...(options.flushEveryMs === undefined ? {} : { flushEveryMs: options.flushEveryMs }),
  });
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await runtime.stop().catch(() => undefined);
    await proxy.stop().catch(() => undefined);
    await kinesis.stop().catch(() => undefined);
    await stopChild(dynalite.child);
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  };
  process.once('SIGINT', () => {
    log('soak: interrupted, stopping');
    void shutdown().then(() => process.exit(130));
  });

  for (const rule of BACKGROUND_FAULTS) proxy.addRule(rule);

  // Production: one producer per pipeline, the rate shared equally, until the deadline.
  const startMs = Date.now();
  const produceUntil = startMs + durationMs;
  const gate = new Gate();
  const counts = new Map<string, ProductionCounts>();
  let producing = pipelines.length;
  const producers: Producer[] = [];
  const produce = async (definition: PipelineDefinition, index: number): Promise<void> => {
    const seed = options.seed * 1_000 + index;
    const late = new SeededRandom(seed * 7_919);
    const records = generatorFor(definition.name)({
      seed,
      malformedShare: MALFORMED_SHARE,
      now: () => (late.chance(LATE_SHARE) ? Date.now() - LATE_BY_MS : Date.now()),
    });
    const producer = new Producer({
      client: runtime.kinesis,
      stream: definition.stream,
      ratePerSecond: options.rate / pipelines.length,
      maxInFlight: 2,
      retryDeadlineMs: 120_000,
    });
    producers.push(producer);
    const count: ProductionCounts = { accepted: 0, malformed: 0, sent: 0, failed: 0 };
    counts.set(definition.name, count);
    try {
      while (Date.now() < produceUntil) {
        await gate.pass();
        const record = records.next().value;
        await producer.put({ data: record.data, partitionKey: record.partitionKey });
        count.accepted += 1;
        if (record.malformed) count.malformed += 1;
      }
    } finally {
      producing -= 1;
      const result = await producer.close();
      count.sent = result.stats.sent;
      count.failed = result.stats.failed;
    }
  };
  const production = Promise.all(pipelines.map((definition, i) => produce(definition, i)));

  // Disturbances, on three independent timelines: progress lines; faults (hangs, throttling storms);
  // infrastructure (shard splits and merges, the Kinesis restart), one at a time since they can be slow.
  const infrastructure = { splits: 0, merges: 0, kinesisRestarts: 0, hangsArmed: 0, storms: 0 };
  const timeline: string[] = [];
  const note = (what: string): void => {
    const line = `[${clock(Date.now() - startMs)}] ${what}`;
    timeline.push(line);
    log(line);
  };
  let maxBehindMs = 0;
  let lastHandled = -1;
  let lastHandledChange = startMs;
  let stallNoted = false;
  const progress = (): void => {
    const produced = [...counts.values()].reduce((n, c) => n + c.accepted, 0);
    const handled = runtime.pipelines.reduce(
      (n, p) => n + runtime.counters.of(p.definition.name).recordsIn,
      0,
    );
    const behind = Math.max(
      0,
      ...runtime.pipelines.flatMap((p) => p.mapping.stats().map((s) => s.millisBehindLatest)),
    );
    maxBehindMs = Math.max(maxBehindMs, behind);
    const stats = proxy.stats();
    const timeouts = runtime.pipelines.reduce((n, p) => n + p.invoker.stats().timeouts, 0);
    const elapsedS = (Date.now() - startMs) / 1000;
    if (handled !== lastHandled) {
      lastHandled = handled;
      lastHandledChange = Date.now();
      stallNoted = false;
    } else if (!stallNoted && produced > handled && Date.now() - lastHandledChange >= STALL_AFTER_MS) {
      stallNoted = true;
      note(`STALL: no batch processed for ${clock(Date.now() - lastHandledChange)} with records waiting`);
    }
    log(
      `[${clock(Date.now() - startMs)}] produced ${produced} (${Math.round(produced / elapsedS)}/s), handler saw ${handled} (redeliveries included), ${behind} ms behind, faults ${stats.injected} (hang ${stats.byKind.hang}), timeouts ${timeouts}, shards ${runtime.pipelines.reduce((n, p) => n + p.mapping.stats().length, 0)}`,
    );
  };
  const progressTimer = setInterval(progress, PROGRESS_EVERY_MS);
  const producingNow = (): boolean => producing > 0 && Date.now() < produceUntil;

  const faultLoop = async (): Promise<void> => {
    let nextHang = startMs + 20_000 + random.int(0, 20_000);
    let nextStorm = startMs + Math.min(90_000, durationMs * 0.25);
    while (producingNow()) {
      const now = Date.now();
      if (now >= nextHang) {
        nextHang = now + 30_000 + random.int(0, 30_000);
        const rule: DynamoDbFaultRule = {
          fault: 'hang',
          operations: [random.pick(HANDLER_OPERATIONS)],
          afterWrites: random.int(0, 50),
          phase: random.chance(0.5) ? 'before' : 'after',
          count: 1,
          name: 'hang',
        };
        proxy.addRule(rule);
        infrastructure.hangsArmed += 1;
        note(
          `armed a hang: ${rule.operations?.[0]} after ${rule.afterWrites} writes, ${rule.phase} it lands`,
        );
      }
      if (now >= nextStorm) {
        nextStorm = now + 120_000 + random.int(0, 60_000);
        const storm = proxy.addRule({
          fault: 'throughput-exceeded',
          operations: 'writes',
          probability: 0.6,
          name: 'storm',
        });
        infrastructure.storms += 1;
        note('throttling storm: 60 % of writes refused for 15 s');
        await sleep(15_000);
        proxy.removeRule(storm);
        note('throttling storm over');
      }
      await sleep(250);
    }
  };

  const infrastructureLoop = async (): Promise<void> => {
    const streams = [...new Set(runtime.pipelines.map((p) => p.names.stream))];
    const reshardEveryMs = Math.max(45_000, durationMs / 8);
    let nextReshard = startMs + Math.min(30_000, durationMs * 0.1);
    let split = true;
    const restartAt = startMs + durationMs * 0.45;
    let restarted = false;
    while (producingNow()) {
      const now = Date.now();
      try {
        if (!restarted && now >= restartAt) {
          restarted = true;
          gate.close();
          await gate.parkedAll(() => producing);
          await Promise.all(producers.map((p) => p.flush()));
          note('kinesis-local: restart (production paused and flushed)');
          const began = Date.now();
          await kinesis.restart();
          infrastructure.kinesisRestarts += 1;
          gate.reopen();
          note(`kinesis-local: back after ${Date.now() - began} ms`);
        } else if (now >= nextReshard) {
          nextReshard = now + reshardEveryMs;
          const stream = random.pick(streams);
          const open = (await openShards(runtime.kinesis, stream)).length;
          if (split && open < 4) {
            note(await splitShard(runtime.kinesis, stream));
            infrastructure.splits += 1;
          } else {
            const merged = await mergeShards(runtime.kinesis, stream);
            if (merged !== undefined) {
              note(merged);
              infrastructure.merges += 1;
            }
          }
          split = !split;
        }
      } catch (error) {
        gate.reopen();
        note(`disturbance failed: ${(error as Error).message}`);
      }
      await sleep(250);
    }
  };

  await Promise.all([production, faultLoop(), infrastructureLoop()]);
  clearInterval(progressTimer);
  const productionEndMs = Date.now();
  const produced = [...counts.values()].reduce((n, c) => n + c.sent, 0);
  note(`production stopped: ${produced} records put; draining (background faults stay on, no new hangs)`);

  let drained = true;
  try {
    await runtime.drain(DRAIN_TIMEOUT_MS);
    note(`drained in ${clock(Date.now() - productionEndMs)}`);
  } catch (error) {
    drained = false;
    note(`NOT drained: ${(error as Error).message}`);
  }
  const drainedMs = Date.now();
  proxy.clearRules();
  const faultStats = proxy.stats();

  // Compare every pipeline's tables with the reference fold of its stream.
  const direct = new DynamoDBClient({ ...localClientConfig(dynalite.endpoint) });
  const comparisons: ReferenceComparison[] = [];
  for (const pipeline of runtime.pipelines) {
    const shards = await readStreamRecords({ client: runtime.kinesis, streamName: pipeline.names.stream });
    comparisons.push(
      await compareWithReference({
        definition: pipeline.definition,
        shards,
        dynamodb: direct,
        resultsTable: pipeline.names.resultsTable,
        deadLetterTable: pipeline.names.deadLetterTable,
      }),
    );
  }
  direct.destroy();

  const sum = (pick: (c: ReferenceComparison) => number): number =>
    comparisons.reduce((n, c) => n + pick(c), 0);
  const invokers = runtime.pipelines.map((p) => p.invoker.stats());
  const shardStats = runtime.pipelines.flatMap((p) => p.mapping.stats());
  const inStreams = sum((c) => c.kinesisRecords);
  const totals = {
    produced,
    producedMalformed: [...counts.values()].reduce((n, c) => n + c.malformed, 0),
    producerFailures: [...counts.values()].reduce((n, c) => n + c.failed, 0),
    inStreams,
    recordsIn: sum((c) => c.reference.in),
    folded: sum((c) => c.reference.folded),
    filtered: sum((c) => c.reference.filtered),
    rejected: sum((c) => c.reference.rejected),
    late: sum((c) => c.reference.late),
    lost: sum((c) => c.lost),
    doubled: sum((c) => c.doubled),
    windowAssignments: sum((c) => c.records.reference),
    items: sum((c) => c.items.reference),
    itemsExact: sum((c) => c.items.exact),
    itemsWithinSketchBound: sum((c) => c.items.withinSketchBound),
    itemsMismatched: sum((c) => c.items.mismatched),
    itemsMissing: sum((c) => c.items.missing),
    itemsUnexpected: sum((c) => c.items.unexpected),
    deadLetters: sum((c) => c.deadLetters.stored),
    deadLettersExpected: sum((c) => c.deadLetters.reference),
    deadLettersMissing: sum((c) => c.deadLetters.missing),
    deadLettersUnexpected: sum((c) => c.deadLetters.unexpected + c.deadLetters.duplicates),
    conserved: comparisons.every((c) => c.conserved),
    onFailureDiscarded: shardStats.reduce((n, s) => n + s.recordsDiscarded, 0),
  };
  const throughput = {
    productionSeconds: (productionEndMs - startMs) / 1000,
    processingSeconds: (drainedMs - startMs) / 1000,
    drainSeconds: (drainedMs - productionEndMs) / 1000,
    producedPerSecond: produced / ((productionEndMs - startMs) / 1000),
    processedPerSecond: inStreams / ((drainedMs - startMs) / 1000),
  };
  const faults = {
    proxy: faultStats,
    ...infrastructure,
    functionTimeouts: invokers.reduce((n, s) => n + s.timeouts, 0),
    functionErrors: invokers.reduce((n, s) => n + s.errors, 0),
    coldStarts: invokers.reduce((n, s) => n + s.coldStarts, 0),
    invocations: invokers.reduce((n, s) => n + s.invocations, 0),
    failedInvocations: shardStats.reduce((n, s) => n + s.failures, 0),
    retriedInvocations: shardStats.reduce((n, s) => n + s.retries, 0),
    bisections: events.bisections,
    maxMillisBehindLatest: maxBehindMs,
    shardsClosed: events.shardsClosed,
    mappingErrors: events.errorsByOperation,
  };
  const handler = Object.fromEntries(
    runtime.pipelines.map((p) => [p.definition.name, runtime.counters.of(p.definition.name)]),
  );
  const ok =
    drained &&
    totals.lost === 0 &&
    totals.doubled === 0 &&
    comparisons.every((c) => c.ok) &&
    totals.onFailureDiscarded === 0;

  log('');
  log(
    `soak ${ok ? 'PASSED' : 'FAILED'} after ${clock(drainedMs - startMs)} (${options.minutes} min of traffic)${drained ? '' : ', NOT DRAINED: records still unprocessed'}`,
  );
  log(
    `  records in        ${totals.recordsIn} (produced ${produced}, in the streams ${inStreams}, malformed on purpose ${totals.producedMalformed})`,
  );
  log(`  folded            ${totals.folded}`);
  log(`  rejected          ${totals.rejected}`);
  log(`  late              ${totals.late}`);
  log(`  lost              ${totals.lost}`);
  log(`  double-counted    ${totals.doubled}`);
  log(
    `  results items     ${totals.items}: ${totals.itemsExact} byte-exact, ${totals.itemsWithinSketchBound} top-k within bound, ${totals.itemsMismatched} mismatched, ${totals.itemsMissing} missing, ${totals.itemsUnexpected} unexpected`,
  );
  log(
    `  dead letters      ${totals.deadLetters} of ${totals.deadLettersExpected} expected (${totals.deadLettersMissing} missing, ${totals.deadLettersUnexpected} unexpected or duplicated)`,
  );
  log(
    `  conservation      ${totals.conserved ? 'holds' : 'BROKEN'} (in = folded + filtered + rejected + late)`,
  );
  log(
    `  throughput        ${throughput.producedPerSecond.toFixed(1)} records/s produced, ${throughput.processedPerSecond.toFixed(1)} records/s processed (drain ${throughput.drainSeconds.toFixed(1)} s)`,
  );
  log(
    `  faults            ${faultStats.injected} injected by the proxy ${JSON.stringify(faultStats.byKind)}, ${faultStats.injectedAfterApply} after the write landed`,
  );
  log(
    `                    ${faults.functionTimeouts} function timeouts (${infrastructure.hangsArmed} hangs armed), ${infrastructure.storms} throttling storms, ${faults.failedInvocations} failed invocations, ${faults.retriedInvocations} retries, ${faults.bisections} bisections, ${faults.coldStarts} cold starts`,
  );
  log(
    `                    ${infrastructure.splits} splits, ${infrastructure.merges} merges, ${infrastructure.kinesisRestarts} Kinesis restarts (${events.kinesisErrors} Kinesis call failures), ${totals.onFailureDiscarded} records given up on`,
  );
  for (const c of comparisons.filter((x) => !x.ok)) log(`  ${c.pipeline}: ${c.problems.join('; ')}`);

  const results = {
    kind: 'soak',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    ok,
    settings: {
      ...options,
      writeMode: modeName(options.flushEveryMs),
      functionTimeoutMs: FUNCTION_TIMEOUT_MS,
      kinesisPersistIntervalMs: KINESIS_PERSIST_INTERVAL_MS,
      batchSize: mapping.batchSize,
      maxBatchingWindowMs: mapping.maxBatchingWindowMs,
      malformedShare: MALFORMED_SHARE,
      lateShare: LATE_SHARE,
      backgroundFaults: BACKGROUND_FAULTS,
    },
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    drained,
    totals,
    throughput,
    faults,
    timeline,
    handler,
    pipelines: comparisons,
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const mode = options.flushEveryMs === undefined ? '' : `-${modeName(options.flushEveryMs)}`;
  const path = join(dir, `soak-${startedAt.toISOString().slice(0, 10)}${mode}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  log(`  written to ${path}`);

  await shutdown();
  return ok ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
