import { Duration as CdkDuration, CfnResource, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyDocument, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IStream, Stream, StreamEncryption, type StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  type CfnEventSourceMapping,
  EventSourceMapping,
  Runtime,
  type StartingPosition,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BUILT_IN_CONFIG } from '../../shared/config/loadCatalog.ts';
import type { PipelineCatalog } from '../../shared/config/types.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { EXAMPLE_PIPELINES } from '../../shared/examples/index.ts';
import { deadLetterTableSchema, resultsTableSchema } from '../../shared/storage/tableSchema.ts';
import { buildAlarms } from './alarms.ts';
import { buildDashboard } from './dashboard.ts';
import { FINALIZER_SETTINGS } from './defaults.ts';
import { buildFailureQueues, sendOnlyDestination } from './failureQueues.ts';
import { type HandlerEntries, handlerEntries } from './handlerEntries.ts';
import type { HandlerMetricName } from './handlerMetrics.ts';
import { aggregateStatements, finalizerStatements } from './permissions.ts';
import { type ResolvedProps, resolveProps } from './resolveProps.ts';
import { buildTable } from './tables.ts';

/** Stream, queues and log groups: transient data (a day of records, failure notices, logs), deleted with the stack. */
const TRANSIENT = RemovalPolicy.DESTROY;

/** The runtime of both functions: the newest Node.js that aws-cdk-lib offers (cdk-nag L1 checks it). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** The pipelines the deployed handler knows when no `pipelines` prop is given: the built-in examples' config. */
const BUILT_IN_PIPELINES: PipelineSource = {
  configFile: BUILT_IN_CONFIG,
  pipelines: [...EXAMPLE_PIPELINES.values()],
};

/** The pipelines a deployed handler knows: a config file and what it lists. */
export type PipelineSource = Pick<PipelineCatalog, 'configFile' | 'pipelines'>;

/**
 * Properties of a {@link StreamAggregation}. Everything but `definition` has a default, kept as data in
 * `defaults.ts` with its reason.
 */
export interface StreamAggregationProps {
  /**
   * The pipeline. It must be a definition listed in `pipelines` (the config the handler is bundled with):
   * the handler looks it up there by `PIPELINE_NAME`.
   */
  readonly definition: PipelineDefinition;
  /**
   * The config file that lists `definition`, and its pipelines, as `loadCatalog()` returns them: the
   * deployed functions bundle an entry that imports this file (esbuild), so your own pipelines deploy as the
   * examples do. `StreamfoldApp` passes it for you.
   * @default - the built-in examples' config
   */
  readonly pipelines?: PipelineSource;

  /**
   * An existing stream to read instead of creating one. The function gets read access to it (and
   * `kms:Decrypt` on its key, if it has one). `streamMode`, `shardCount`, `streamEncryption` and
   * `streamRetention` are then refused.
   * @default - a new stream
   */
  readonly stream?: IStream;
  /**
   * Capacity mode of the new stream.
   * @default StreamMode.ON_DEMAND
   */
  readonly streamMode?: StreamMode;
  /**
   * Shards of the new stream; only with `StreamMode.PROVISIONED`.
   * @default - 1 with PROVISIONED; refused with ON_DEMAND
   */
  readonly shardCount?: number;
  /**
   * Encryption of the new stream: `KMS` (the pipeline's customer-managed key) or `MANAGED` (the AWS-managed
   * `aws/kinesis` key). `UNENCRYPTED` is refused.
   * @default StreamEncryption.KMS
   */
  readonly streamEncryption?: StreamEncryption;
  /**
   * How long the new stream keeps records, whole hours from 24 to 8,760.
   * @default Duration.hours(24)
   */
  readonly streamRetention?: Duration;

  /**
   * Prefix of the table names: `<prefix>-<pipeline>-results` and `<prefix>-<pipeline>-dead-letters`, as
   * `shared/deploy/names.ts` names them for the local runtime and the query CLI. The new stream is named
   * as the definition says (`definition.stream`). Letters, digits, `_`, `.` and `-`, at most 64.
   * @default 'streamfold'
   */
  readonly resourcePrefix?: string;

  /**
   * The customer-managed key of the results and dead-letter tables (and of the new stream with
   * `StreamEncryption.KMS`).
   * @default - a new key for this pipeline, with yearly rotation
   */
  readonly encryptionKey?: IKey;
  /**
   * What `cdk destroy` (or a replacement) does to the results and dead-letter tables and to the key that
   * encrypts them. The stream, the failure queues and the log groups hold only transient data and are
   * always deleted with the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Memory of the aggregate function, MB (128–10,240; CPU grows with it).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Timeout of the aggregate function, whole seconds from 1 to 900.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * The handler starts no write later than this before its deadline (`SAFETY_MARGIN_MS`); shorter than
   * `timeout`.
   * @default Duration.seconds(3)
   */
  readonly safetyMargin?: Duration;
  /**
   * Item writes in flight at once per invocation (`WRITE_CONCURRENCY`), 1–100.
   * @default 16
   */
  readonly writeConcurrency?: number;
  /**
   * Retention of both functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * Records per batch, 1–10,000. One item write per (group, window) per batch, so larger batches write less.
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * How long the event source mapping gathers records before invoking, at most 300 seconds.
   * @default Duration.seconds(5)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Where a new mapping starts reading.
   * @default StartingPosition.TRIM_HORIZON
   */
  readonly startingPosition?: StartingPosition;
  /**
   * Start time, epoch seconds; required with, and only with, `StartingPosition.AT_TIMESTAMP`.
   * @default - none
   */
  readonly startingPositionTimestamp?: number;
  /**
   * Split a failing batch in two and retry the halves.
   * @default true
   */
  readonly bisectBatchOnError?: boolean;
  /**
   * Retries of a failing batch: -1 (until `maxRecordAgeSeconds`) or 0–10,000. Retries are safe: results
   * stay exactly-once.
   * @default -1
   */
  readonly retryAttempts?: number;
  /**
   * Records older than this are skipped and reported on the failure queue: -1 (never) or 60–604,800 seconds,
   * at most the stream retention.
   * @default 86400
   */
  readonly maxRecordAgeSeconds?: number;
  /**
   * Batches per shard processed at once. Only 1 is accepted: exactly-once results need each shard's records
   * in order (docs/adr/0001-exactly-once.md).
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * Where alarms (and their return to OK) are sent.
   * @default - alarms without actions (visible in the console and on the dashboard)
   */
  readonly alarmTopic?: ITopic;
  /**
   * Iterator age (how far behind the stream the function is) that raises the alarm.
   * @default - the pipeline's allowed lateness, at least 1 minute
   */
  readonly iteratorAgeThreshold?: Duration;
  /**
   * Rejected records in 5 minutes that raise the alarm.
   * @default 1
   */
  readonly rejectedRecordsThreshold?: number;
  /**
   * Further handler metrics that raise an alarm when their 5-minute sum is 1 or more, e.g.
   * `['ItemsFailed', 'RecordsLate']`.
   * @default - none
   */
  readonly alarmOnMetrics?: readonly HandlerMetricName[];
  /**
   * Create the pipeline's CloudWatch dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
}

/**
 * One pipeline on AWS: Kinesis stream → aggregate function (event source mapping with
 * ReportBatchItemFailures) → results and dead-letter tables, a finalizer every minute, an on-failure queue,
 * alarms and a dashboard. Built from the pipeline's definition, with least-privilege roles.
 *
 * @example
 * const aggregation = new StreamAggregation(this, 'Ohlc', { definition: ohlc, batchSize: 500 });
 * aggregation.stream.grantWrite(producerRole);
 */
export class StreamAggregation extends Construct {
  public readonly definition: PipelineDefinition;
  public readonly stream: IStream;
  /** Encrypts the tables (and the new stream with `StreamEncryption.KMS`). */
  public readonly encryptionKey: IKey;
  public readonly resultsTable: Table;
  public readonly deadLetterTable: Table;
  public readonly aggregateFunction: NodejsFunction;
  public readonly finalizeFunction: NodejsFunction;
  public readonly eventSourceMapping: EventSourceMapping;
  public readonly failureQueue: Queue;
  public readonly failureDeadLetterQueue: Queue;
  public readonly alarms: readonly Alarm[];
  public readonly dashboard: Dashboard | undefined;

  public constructor(scope: Construct, id: string, props: StreamAggregationProps) {
    super(scope, id);
    const source = props.pipelines ?? BUILT_IN_PIPELINES;
    const resolved = resolveProps(props, source);
    const entries = handlerEntries(source.configFile);
    const { definition, removalPolicy } = resolved;
    this.definition = definition;

    this.encryptionKey =
      props.encryptionKey ??
      new Key(this, 'Key', {
        description: `streamfold ${definition.name}: stream, results and dead letters`,
        enableKeyRotation: true,
        removalPolicy,
      });
    this.stream = this.buildStream(resolved, pipelineResourceNames(definition).stream);

    const names = pipelineResourceNames(definition, resolved.resourcePrefix);
    const tableOptions = { encryptionKey: this.encryptionKey, removalPolicy };
    this.resultsTable = buildTable(this, 'ResultsTable', resultsTableSchema(definition), {
      ...tableOptions,
      tableName: names.resultsTable,
    });
    this.deadLetterTable = buildTable(this, 'DeadLetterTable', deadLetterTableSchema(), {
      ...tableOptions,
      tableName: names.deadLetterTable,
    });

    const queues = buildFailureQueues(this);
    this.failureQueue = queues.onFailure;
    this.failureDeadLetterQueue = queues.deadLetter;

    const environment = {
      PIPELINE_NAME: definition.name,
      RESULTS_TABLE: this.resultsTable.tableName,
      DEAD_LETTER_TABLE: this.deadLetterTable.tableName,
      NODE_OPTIONS: '--enable-source-maps',
    };

    const aggregateLogs = new LogGroup(this, 'AggregateLogs', {
      retention: resolved.logRetention,
      removalPolicy: TRANSIENT,
    });
    this.aggregateFunction = new NodejsFunction(this, 'AggregateFunction', {
      ...functionBase(entries.aggregate, entries),
      description: `streamfold ${definition.name}: folds Kinesis batches into windows, exactly once`,
      memorySize: resolved.memorySize,
      timeout: resolved.timeout,
      logGroup: aggregateLogs,
      environment: {
        ...environment,
        SAFETY_MARGIN_MS: String(resolved.safetyMargin.toMilliseconds()),
        WRITE_CONCURRENCY: String(resolved.writeConcurrency),
      },
      role: new Role(this, 'AggregateRole', {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `streamfold ${definition.name}: aggregate function`,
        inlinePolicies: {
          access: new PolicyDocument({
            statements: aggregateStatements({
              stream: this.stream,
              resultsTable: this.resultsTable,
              deadLetterTable: this.deadLetterTable,
              tableKey: this.encryptionKey,
              failureQueue: queues.onFailure,
              logGroup: aggregateLogs,
            }),
          }),
        },
      }),
    });

    this.eventSourceMapping = new EventSourceMapping(this, 'EventSourceMapping', {
      target: this.aggregateFunction,
      eventSourceArn: this.stream.streamArn,
      batchSize: resolved.batchSize,
      maxBatchingWindow: resolved.maxBatchingWindow,
      startingPosition: resolved.startingPosition,
      ...(resolved.startingPositionTimestamp !== undefined
        ? { startingPositionTimestamp: resolved.startingPositionTimestamp }
        : {}),
      bisectBatchOnError: resolved.bisectBatchOnError,
      retryAttempts: resolved.retryAttempts,
      parallelizationFactor: resolved.parallelizationFactor,
      reportBatchItemFailures: true,
      onFailure: sendOnlyDestination(queues.onFailure),
      // Buffered mode (ADR 0002): Lambda's per-shard state is the write-behind buffer, flushed each interval.
      ...(definition.flushEveryMs > 0
        ? { tumblingWindow: CdkDuration.seconds(definition.flushEveryMs / 1000) }
        : {}),
    });
    // The L2 refuses -1 (no age limit), which CloudFormation accepts; set the property directly.
    (this.eventSourceMapping.node.defaultChild as CfnEventSourceMapping).maximumRecordAgeInSeconds =
      resolved.maxRecordAgeSeconds;

    const finalizeLogs = new LogGroup(this, 'FinalizeLogs', {
      retention: resolved.logRetention,
      removalPolicy: TRANSIENT,
    });
    this.finalizeFunction = new NodejsFunction(this, 'FinalizeFunction', {
      ...functionBase(entries.finalize, entries),
      description: `streamfold ${definition.name}: marks windows final after their end plus allowed lateness`,
      memorySize: FINALIZER_SETTINGS.memorySize,
      timeout: FINALIZER_SETTINGS.timeout,
      logGroup: finalizeLogs,
      environment,
      role: new Role(this, 'FinalizeRole', {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `streamfold ${definition.name}: finalizer`,
        inlinePolicies: {
          access: new PolicyDocument({
            statements: finalizerStatements({
              resultsTable: this.resultsTable,
              tableKey: this.encryptionKey,
              logGroup: finalizeLogs,
            }),
          }),
        },
      }),
    });
    new Rule(this, 'FinalizeSchedule', {
      description: `streamfold ${definition.name}: finalize windows every minute`,
      schedule: Schedule.rate(FINALIZER_SETTINGS.schedule),
      targets: [
        new LambdaFunction(this.finalizeFunction, { retryAttempts: FINALIZER_SETTINGS.retryAttempts }),
      ],
    });

    this.alarms = buildAlarms(this, {
      pipeline: definition.name,
      aggregate: this.aggregateFunction,
      finalizer: this.finalizeFunction,
      queues,
      topic: resolved.alarmTopic,
      iteratorAgeThreshold: resolved.iteratorAgeThreshold,
      rejectedRecordsThreshold: resolved.rejectedRecordsThreshold,
      alarmOnMetrics: resolved.alarmOnMetrics,
    });
    this.dashboard = resolved.dashboard
      ? buildDashboard(this, {
          definition,
          stream: this.stream,
          aggregate: this.aggregateFunction,
          finalizer: this.finalizeFunction,
          resultsTable: this.resultsTable,
          deadLetterTable: this.deadLetterTable,
          queues,
          alarms: this.alarms,
          iteratorAgeThreshold: resolved.iteratorAgeThreshold,
        })
      : undefined;
  }

  private buildStream(resolved: ResolvedProps, streamName: string): IStream {
    const plan = resolved.stream;
    if (plan.kind === 'existing') return plan.stream;
    const stream = new Stream(this, 'Stream', {
      streamName,
      streamMode: plan.mode,
      ...(plan.shardCount !== undefined ? { shardCount: plan.shardCount } : {}),
      encryption: plan.encryption,
      ...(plan.encryption === StreamEncryption.KMS ? { encryptionKey: this.encryptionKey } : {}),
      retentionPeriod: plan.retention,
      removalPolicy: TRANSIENT,
    });
    if (plan.encryption === StreamEncryption.KMS) {
      const cfnStream = stream.node.defaultChild;
      if (cfnStream instanceof CfnResource) {
        Validations.of(cfnStream).acknowledge({
          id: 'AwsSolutions-KDS3',
          reason:
            'A customer-managed key is the default on purpose: the stream carries raw records (client IPs, user ids) and the owner audits and can revoke their decryption. The same key encrypts the tables, so it adds one key per pipeline ($1/month). StreamEncryption.MANAGED selects aws/kinesis instead.',
        });
      }
    }
    return stream;
  }
}

/** What both functions share: arm64, the newest Node.js, local esbuild bundling with source maps. */
const functionBase = (entry: string, entries: HandlerEntries): NodejsFunctionProps => ({
  entry,
  handler: 'handler',
  runtime: FUNCTION_RUNTIME,
  architecture: Architecture.ARM_64,
  projectRoot: entries.projectRoot,
  depsLockFilePath: entries.depsLockFile,
  bundling: {
    minify: true,
    sourceMap: true,
    sourcesContent: false,
    format: OutputFormat.CJS,
    target: 'node24',
    // Bundle the AWS SDK too: the exactly-once proof ran against the pinned version in package-lock.json.
    externalModules: [],
    forceDockerBundling: false,
  },
});
