import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { finalizeWindows } from '../../shared/storage/finalizeWindows.ts';
import { EventSourceMapping, type EventSourceMappingOptions } from '../esm/EventSourceMapping.ts';
import { fileDestination } from '../esm/fileDestination.ts';
import type { EventSourceMappingEvent, ShardStats } from '../esm/types.ts';
import { type WorkerInvoker, workerInvoker } from '../esm/workerInvoker.ts';
import { dynamoDbClient, kinesisClient } from '../services/clients.ts';
import { startDynalite } from '../services/startDynalite.ts';
import { startDynamoDbLocal } from '../services/startDynamoDbLocal.ts';
import { startKinesisLocal } from '../services/startKinesisLocal.ts';
import type { LocalService } from '../services/types.ts';
import { createResources } from './createResources.ts';
import { failureLine } from './failureLine.ts';
import { PipelineCounters } from './PipelineCounters.ts';

/** Options of {@link LocalRuntime.start}. */
export interface LocalRuntimeOptions {
  readonly pipelines: readonly PipelineDefinition[];
  /**
   * The config file that lists the pipelines; the handler workers load it (`STREAMFOLD_CONFIG`), as the
   * deployed handler imports it.
   * @default - the nearest streamfold.config.ts from the current directory, else the built-in examples
   */
  readonly configFile?: string;
  /**
   * Which local DynamoDB to start: dynalite (in-process, instant) or AWS's DynamoDB Local (Java).
   * @default 'dynalite'
   */
  readonly dynamodb?: 'dynalite' | 'local';
  /** Use an already running Kinesis at this endpoint instead of starting kinesis-local. */
  readonly kinesisEndpoint?: string;
  /** Use an already running DynamoDB at this endpoint instead of starting one. */
  readonly dynamodbEndpoint?: string;
  /** @default 0 - a free port */
  readonly kinesisPort?: number;
  /** @default 0 - a free port */
  readonly dynamodbPort?: number;
  /**
   * Shards per stream.
   * @default 2
   */
  readonly shardCount?: number;
  /**
   * Event source mapping settings and timings (`functionTimeoutMs`, polling intervals, `onEvent`); unset
   * ones are the CDK construct's defaults.
   * @default - the construct's defaults
   */
  readonly eventSourceMapping?: Omit<
    EventSourceMappingOptions,
    'client' | 'streamName' | 'invoker' | 'onFailureDestination' | 'functionName'
  >;
  /**
   * Write-behind interval of every pipeline (the event source mapping's `TumblingWindowInSeconds`), in
   * whole seconds as ms; 0 writes every batch. `eventSourceMapping.tumblingWindowSeconds` wins over it.
   * @default - each definition's own `flushEvery`, as deployed
   */
  readonly flushEveryMs?: number;
  /**
   * Extra environment of the function, e.g. `{ SAFETY_MARGIN_MS: '1000', LOG_PAYLOADS: 'true' }`.
   * @default - none
   */
  readonly functionEnv?: Readonly<Record<string, string>>;
  /**
   * Where batches given up on are written (one JSON-lines file per pipeline), like the stack's SQS
   * on-failure queue.
   * @default '.streamfold/on-failure'
   */
  readonly onFailureDir?: string;
  /**
   * How often windows past their end plus lateness are marked final (the stack does it every minute).
   * @default 30_000
   */
  readonly finalizeIntervalMs?: number;
  /** Called with one line per step of start-up and shutdown. */
  readonly onProgress?: (message: string) => void;
  /**
   * Called with every event of every pipeline's event source mapping (errors, slow Kinesis calls, reads,
   * invocations…), after `eventSourceMapping.onEvent`.
   * @default undefined - events are not reported
   */
  readonly onMappingEvent?: (pipeline: string, event: EventSourceMappingEvent) => void;
}

/** A pipeline running locally. */
export interface LocalPipeline {
  readonly definition: PipelineDefinition;
  readonly names: ReturnType<typeof pipelineResourceNames>;
  readonly mapping: EventSourceMapping;
  readonly invoker: WorkerInvoker;
  readonly onFailureFile: string;
}

/**
 * The whole pipeline on one machine: local Kinesis and DynamoDB (started, or given by endpoint), the
 * streams and tables created exactly as the CDK stack defines them, one local event source mapping per
 * pipeline invoking the deployed handler (`createAggregateHandler`, through `functions/aggregate.ts` with the same config) in worker threads with the same
 * settings as the stack, and the finalizer on a timer.
 *
 * @example
 * const runtime = await LocalRuntime.start({ pipelines });
 * // ... produce to runtime.endpoints.kinesis ...
 * await runtime.drain();
 * await runtime.stop();
 */
export class LocalRuntime {
  private finalizeTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  private constructor(
    public readonly endpoints: {
      readonly kinesis: string;
      readonly dynamodb: string;
      readonly dynamodbKind: string;
    },
    public readonly kinesis: KinesisClient,
    public readonly dynamodb: DynamoDBClient,
    public readonly pipelines: readonly LocalPipeline[],
    /** Totals of the handler's batch reports, read from its logs. */
    public readonly counters: PipelineCounters,
    private readonly services: readonly LocalService[],
    private readonly onProgress: (message: string) => void,
  ) {}

  public static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const progress = options.onProgress ?? (() => undefined);
    const safetyMarginMs = Number(options.functionEnv?.SAFETY_MARGIN_MS ?? 3000);
    const timeoutMs = options.eventSourceMapping?.functionTimeoutMs;
    if (timeoutMs !== undefined && timeoutMs <= safetyMarginMs) {
      // The handler starts no write in its last SAFETY_MARGIN_MS: it could never write, and would retry forever.
      throw new RangeError(
        `functionTimeoutMs must be longer than the handler's safety margin of ${safetyMarginMs} ms (given ${timeoutMs} ms)`,
      );
    }
    const services: LocalService[] = [];
    try {
      let kinesisEndpoint = options.kinesisEndpoint;
      if (kinesisEndpoint === undefined) {
        const service = await startKinesisLocal({ port: options.kinesisPort ?? 0 });
        services.push(service);
        kinesisEndpoint = service.endpoint;
        progress(`kinesis-local listening on ${kinesisEndpoint}`);
      }
      let dynamodbEndpoint = options.dynamodbEndpoint;
      let dynamodbKind = 'external';
      if (dynamodbEndpoint === undefined) {
        const service =
          options.dynamodb === 'local'
            ? await startDynamoDbLocal({ port: options.dynamodbPort ?? 0 })
            : await startDynalite({ port: options.dynamodbPort ?? 0 });
        services.push(service);
        dynamodbEndpoint = service.endpoint;
        dynamodbKind = service.kind;
        progress(`${service.kind} listening on ${dynamodbEndpoint}`);
      }
      const kinesis = kinesisClient(kinesisEndpoint);
      const dynamodb = dynamoDbClient(dynamodbEndpoint);
      await createResources({
        kinesis,
        dynamodb,
        pipelines: options.pipelines,
        shardCount: options.shardCount ?? 2,
        onProgress: progress,
      });
      const onFailureDir = options.onFailureDir ?? join('.streamfold', 'on-failure');
      mkdirSync(onFailureDir, { recursive: true });
      const counters = new PipelineCounters();
      const pipelines = options.pipelines.map((definition): LocalPipeline => {
        const names = pipelineResourceNames(definition);
        const invoker = workerInvoker({
          functionName: `streamfold-${definition.name}`,
          env: {
            PIPELINE_NAME: definition.name,
            RESULTS_TABLE: names.resultsTable,
            DEAD_LETTER_TABLE: names.deadLetterTable,
            DYNAMODB_ENDPOINT: dynamodbEndpoint as string,
            ...(options.configFile !== undefined ? { STREAMFOLD_CONFIG: options.configFile } : {}),
            AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
            ...options.functionEnv,
          },
          onLog: (log) => counters.ingest(log.line),
        });
        const onFailureFile = join(onFailureDir, `${definition.name}.jsonl`);
        const mapping = new EventSourceMapping({
          client: kinesis,
          streamName: names.stream,
          invoker: invoker.invoke,
          functionName: `streamfold-${definition.name}`,
          onFailureDestination: fileDestination(onFailureFile),
          tumblingWindowSeconds: Math.round((options.flushEveryMs ?? definition.flushEveryMs) / 1000),
          ...options.eventSourceMapping,
          // Failed invocations join the handler's warnings (the view's last log line, the plain output's
          // `log:` lines): a pipeline that cannot write says why, not only how often. Kinesis calls that
          // fail or are slow go to `onMappingEvent` (dev's throttled warnings).
          onEvent: (event) => {
            const failure = failureLine(definition.name, event);
            if (failure !== undefined) counters.ingest(failure);
            options.eventSourceMapping?.onEvent?.(event);
            options.onMappingEvent?.(definition.name, event);
          },
        });
        return { definition, names, mapping, invoker, onFailureFile };
      });
      const runtime = new LocalRuntime(
        { kinesis: kinesisEndpoint, dynamodb: dynamodbEndpoint, dynamodbKind },
        kinesis,
        dynamodb,
        pipelines,
        counters,
        services,
        progress,
      );
      for (const pipeline of pipelines) {
        await pipeline.mapping.start();
        progress(`event source mapping ${pipeline.names.stream} → ${pipeline.definition.name} started`);
      }
      runtime.scheduleFinalizer(options.finalizeIntervalMs ?? 30_000);
      return runtime;
    } catch (error) {
      await Promise.allSettled(services.map((s) => s.stop()));
      throw error;
    }
  }

  /** Shard statistics of every pipeline's mapping. */
  public shardStats(): ReadonlyMap<string, readonly ShardStats[]> {
    return new Map(this.pipelines.map((p) => [p.definition.name, p.mapping.stats()]));
  }

  /** Resolves when every shard of every pipeline is read to its tip and nothing is in flight. */
  public async drain(timeoutMs = 120_000): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.mapping.drain({ timeoutMs })));
  }

  /** Marks due windows final now (the timer does it periodically). */
  public async finalizeNow(nowMs = Date.now()): Promise<number> {
    let total = 0;
    for (const pipeline of this.pipelines) {
      total += await finalizeWindows({
        client: this.dynamodb,
        tableName: pipeline.names.resultsTable,
        pipeline: pipeline.definition.name,
        nowMs,
        deadlineMs: Date.now() + 20_000,
      });
    }
    return total;
  }

  /** Stops the mappings (finishing in-flight batches), the workers and the services it started. */
  public async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.finalizeTimer !== undefined) clearInterval(this.finalizeTimer);
    await Promise.allSettled(this.pipelines.map((p) => p.mapping.stop()));
    await Promise.allSettled(this.pipelines.map((p) => p.invoker.close()));
    this.kinesis.destroy();
    this.dynamodb.destroy();
    await Promise.allSettled(this.services.map((s) => s.stop()));
    this.onProgress('local services stopped');
  }

  private scheduleFinalizer(intervalMs: number): void {
    this.finalizeTimer = setInterval(() => {
      this.finalizeNow().catch((error: unknown) => {
        this.counters.ingest(`finalizer: ${(error as Error).message}`);
      });
    }, intervalMs);
    this.finalizeTimer.unref();
  }
}
