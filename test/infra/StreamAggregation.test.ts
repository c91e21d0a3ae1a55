import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_RUNTIME, StreamAggregation } from '../../infra/constructs/StreamAggregation.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import { ohlc } from '../../shared/examples/index.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';

type Json = Record<string, unknown>;

const ref = (logicalId: string): Json => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** The one resource of `type` whose logical id starts with `prefix`. */
const logicalIdOf = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

const statementsOf = (template: Template, roleId: string): Json[] => {
  const role = template.toJSON().Resources[roleId] as {
    Properties: { Policies: { PolicyDocument: { Statement: Json[] } }[] };
  };
  return role.Properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
};

describe('Class: StreamAggregation (defaults)', () => {
  let app: App;
  let stack: Stack;
  let template: Template;
  let ids: Record<string, string>;

  beforeAll(() => {
    // Prepare
    // The built-in CloudFormation validation costs ~1 s per stack; the app test runs it (test/infra/app.test.ts).
    app = new App({ builtinCloudFormationValidation: false });
    stack = new Stack(app, 'Test');

    // Act
    new StreamAggregation(stack, 'Ohlc', { definition: ohlc });
    template = Template.fromStack(stack);
    ids = {
      key: logicalIdOf(template, 'AWS::KMS::Key', 'OhlcKey'),
      stream: logicalIdOf(template, 'AWS::Kinesis::Stream', 'OhlcStream'),
      results: logicalIdOf(template, 'AWS::DynamoDB::Table', 'OhlcResultsTable'),
      deadLetters: logicalIdOf(template, 'AWS::DynamoDB::Table', 'OhlcDeadLetterTable'),
      failureQueue: logicalIdOf(template, 'AWS::SQS::Queue', 'OhlcFailureQueue'),
      failureDlq: logicalIdOf(template, 'AWS::SQS::Queue', 'OhlcFailureDeadLetterQueue'),
      aggregate: logicalIdOf(template, 'AWS::Lambda::Function', 'OhlcAggregateFunction'),
      finalize: logicalIdOf(template, 'AWS::Lambda::Function', 'OhlcFinalizeFunction'),
      aggregateRole: logicalIdOf(template, 'AWS::IAM::Role', 'OhlcAggregateRole'),
      finalizeRole: logicalIdOf(template, 'AWS::IAM::Role', 'OhlcFinalizeRole'),
      aggregateLogs: logicalIdOf(template, 'AWS::Logs::LogGroup', 'OhlcAggregateLogs'),
      finalizeLogs: logicalIdOf(template, 'AWS::Logs::LogGroup', 'OhlcFinalizeLogs'),
    };
  });

  afterAll(() => {
    rmSync(app.outdir, { recursive: true, force: true });
  });

  describe('stream and key', () => {
    it('creates an on-demand stream encrypted with the pipeline key, deleted with the stack', () => {
      // Assess
      template.hasResource('AWS::Kinesis::Stream', {
        Properties: {
          StreamModeDetails: { StreamMode: 'ON_DEMAND' },
          StreamEncryption: { EncryptionType: 'KMS', KeyId: ref(ids.key as string) },
          RetentionPeriodHours: 24,
          ShardCount: Match.absent(),
          Name: 'trades',
        },
        DeletionPolicy: 'Delete',
        UpdateReplacePolicy: 'Delete',
      });
    });

    it('creates one customer-managed key with rotation, kept on destroy', () => {
      // Assess
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResource('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });
  });

  describe('tables', () => {
    it.each([
      ['results', () => resultsTableSchema(ohlc), 'results' as const],
      ['dead-letter', () => deadLetterTableSchema(), 'deadLetters' as const],
    ])('builds the %s table from the same schema as the local runtime', (_name, schema, id) => {
      // Prepare
      const local = createTableInput('local', schema());
      const table = template.toJSON().Resources[ids[id] as string].Properties as Json;

      // Assess
      expect(table.KeySchema).toStrictEqual(local.KeySchema);
      expect(table.AttributeDefinitions).toStrictEqual(local.AttributeDefinitions);
      expect(table.GlobalSecondaryIndexes).toStrictEqual(local.GlobalSecondaryIndexes);
      expect(table.TimeToLiveSpecification).toStrictEqual({
        AttributeName: schema().timeToLiveAttribute,
        Enabled: true,
      });
    });

    it('names stream and tables as the local runtime and the query CLI do (shared/deploy/names.ts)', () => {
      // Prepare
      const names = pipelineResourceNames(ohlc);
      const resources = template.toJSON().Resources;

      // Assess
      expect(names).toStrictEqual({
        stream: 'trades',
        resultsTable: 'streamfold-ohlc-results',
        deadLetterTable: 'streamfold-ohlc-dead-letters',
      });
      expect(resources[ids.stream as string].Properties.Name).toBe(names.stream);
      expect(resources[ids.results as string].Properties.TableName).toBe(names.resultsTable);
      expect(resources[ids.deadLetters as string].Properties.TableName).toBe(names.deadLetterTable);
    });

    it('gives the results table a rank index per rankBy metric and the keys-only open-windows index', () => {
      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'rank-volume',
            Projection: Match.objectLike({ ProjectionType: 'INCLUDE' }),
          }),
          Match.objectLike({
            IndexName: 'rank-trades',
            Projection: Match.objectLike({ ProjectionType: 'INCLUDE' }),
          }),
          Match.objectLike({ IndexName: 'open-windows', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
      });
    });

    it('makes both tables on-demand, point-in-time recoverable, KMS-encrypted with the pipeline key and retained', () => {
      // Assess
      template.resourcePropertiesCountIs(
        'AWS::DynamoDB::Table',
        {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: ref(ids.key as string) },
        },
        2,
      );
      for (const id of [ids.results, ids.deadLetters]) {
        expect(template.toJSON().Resources[id as string]).toMatchObject({
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        });
      }
    });
  });

  describe('functions', () => {
    it('uses the newest Node.js runtime aws-cdk-lib offers', () => {
      // Prepare
      const newest = Runtime.ALL.filter((runtime) => /^nodejs\d+\.x$/.test(runtime.name))
        .map((runtime) => runtime.name)
        .sort((a, b) => Number.parseInt(a.slice(6), 10) - Number.parseInt(b.slice(6), 10))
        .at(-1);

      // Assess
      expect(FUNCTION_RUNTIME.name).toBe(newest);
      template.resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        { Runtime: FUNCTION_RUNTIME.name, Architectures: ['arm64'], Handler: 'index.handler' },
        2,
      );
    });

    it('configures the aggregate function: memory, timeout, environment, source maps, its log group', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1024,
        Timeout: 60,
        Environment: {
          Variables: {
            PIPELINE_NAME: 'ohlc',
            RESULTS_TABLE: { Ref: ids.results },
            DEAD_LETTER_TABLE: { Ref: ids.deadLetters },
            SAFETY_MARGIN_MS: '3000',
            WRITE_CONCURRENCY: '16',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
        LoggingConfig: { LogGroup: { Ref: ids.aggregateLogs } },
        Role: ref(ids.aggregateRole as string),
      });
    });

    it('configures the finalizer: small, shorter than its schedule, same tables', () => {
      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 256,
        Timeout: 50,
        Environment: {
          Variables: {
            PIPELINE_NAME: 'ohlc',
            RESULTS_TABLE: { Ref: ids.results },
            DEAD_LETTER_TABLE: { Ref: ids.deadLetters },
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
        LoggingConfig: { LogGroup: { Ref: ids.finalizeLogs } },
        Role: ref(ids.finalizeRole as string),
      });
    });

    it('bundles each handler with esbuild, minified, with a source map', () => {
      // Prepare
      const assembly = app.synth();
      const resources = template.toJSON().Resources as Record<
        string,
        { Properties: { Code: { S3Key: string } } }
      >;

      // Assess
      for (const id of [ids.aggregate, ids.finalize]) {
        const hash = resources[id as string]?.Properties.Code.S3Key.replace(/\.zip$/, '');
        const assetDir = join(assembly.directory, `asset.${hash}`);
        const code = readFileSync(join(assetDir, 'index.js'), 'utf8');
        expect(existsSync(join(assetDir, 'index.js.map'))).toBe(true);
        expect(code).toContain('//# sourceMappingURL=index.js.map');
        expect(code.length / code.split('\n').length).toBeGreaterThan(1000); // minified: long lines
      }
    });

    it('keeps both log groups for a month', () => {
      // Assess
      template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
    });

    it('deletes transient resources with the stack: log groups and failure queues', () => {
      // Assess
      for (const type of ['AWS::Logs::LogGroup', 'AWS::SQS::Queue']) {
        const resources = Object.values(template.findResources(type));
        expect(resources).toHaveLength(2);
        for (const resource of resources) expect(resource.DeletionPolicy).toBe('Delete');
      }
    });

    it('runs the finalizer every minute, without retries (the next run makes up for a missed one)', () => {
      // Assess
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [
          Match.objectLike({ Arn: ref(ids.finalize as string), RetryPolicy: { MaximumRetryAttempts: 0 } }),
        ],
      });
    });
  });

  describe('event source mapping', () => {
    it('reads the stream with every exactly-once setting', () => {
      // Assess
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: ref(ids.stream as string),
        FunctionName: { Ref: ids.aggregate },
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 5,
        StartingPosition: 'TRIM_HORIZON',
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: -1,
        MaximumRecordAgeInSeconds: 86_400,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: ref(ids.failureQueue as string) } },
        // Buffered mode (ADR 0002): the pipeline's flushEvery, 60 s by default.
        TumblingWindowInSeconds: ohlc.flushEveryMs / 1000,
      });
      expect(ohlc.flushEveryMs).toBe(60_000);
    });

    it('sends failures to an encrypted queue whose own redrive policy keeps what is not handled', () => {
      // Assess
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
        RedrivePolicy: { deadLetterTargetArn: ref(ids.failureDlq as string), maxReceiveCount: 3 },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
        RedrivePolicy: Match.absent(),
      });
    });

    it('refuses plain HTTP on both queues', () => {
      // Assess
      template.resourcePropertiesCountIs(
        'AWS::SQS::QueuePolicy',
        {
          PolicyDocument: {
            Statement: [
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ],
          },
        },
        2,
      );
    });
  });

  describe('permissions', () => {
    it('grants the aggregate function exactly what it calls', () => {
      // Assess
      expect(statementsOf(template, ids.aggregateRole as string)).toStrictEqual([
        {
          Sid: 'ReadStream',
          Effect: 'Allow',
          Action: [
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
            'kinesis:GetRecords',
            'kinesis:GetShardIterator',
            'kinesis:ListShards',
          ],
          Resource: ref(ids.stream as string),
        },
        {
          Sid: 'ReadAndWriteResults',
          Effect: 'Allow',
          Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
          Resource: ref(ids.results as string),
        },
        {
          Sid: 'WriteDeadLetters',
          Effect: 'Allow',
          Action: 'dynamodb:PutItem',
          Resource: ref(ids.deadLetters as string),
        },
        { Sid: 'DecryptData', Effect: 'Allow', Action: 'kms:Decrypt', Resource: ref(ids.key as string) },
        {
          Sid: 'SendBatchFailures',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: ref(ids.failureQueue as string),
        },
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ref(ids.aggregateLogs as string),
        },
      ]);
    });

    it('grants the finalizer only Query on the open-windows index and UpdateItem on the results table', () => {
      // Assess
      expect(statementsOf(template, ids.finalizeRole as string)).toStrictEqual([
        {
          Sid: 'QueryOpenWindows',
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [ref(ids.results as string), '/index/open-windows']] },
        },
        {
          Sid: 'FinalizeWindows',
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: ref(ids.results as string),
        },
        { Sid: 'DecryptTables', Effect: 'Allow', Action: 'kms:Decrypt', Resource: ref(ids.key as string) },
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ref(ids.finalizeLogs as string),
        },
      ]);
    });

    it('has no wildcard action, no wildcard resource, no managed policy and no other policy', () => {
      // Prepare
      const roles = template.findResources('AWS::IAM::Role');
      const statements = Object.keys(roles).flatMap((id) => statementsOf(template, id));

      // Assess
      expect(Object.keys(roles)).toHaveLength(2);
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
      template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
      for (const statement of statements) {
        for (const action of [statement.Action].flat() as string[]) expect(action).not.toContain('*');
        for (const resource of [statement.Resource].flat())
          expect(JSON.stringify(resource)).not.toContain('*');
      }
    });
  });

  describe('alarms and dashboard', () => {
    it.each([
      [
        'iterator-age',
        {
          Namespace: 'AWS/Lambda',
          MetricName: 'IteratorAge',
          Statistic: 'Maximum',
          Period: 60,
          Threshold: 300_000,
          EvaluationPeriods: 5,
          DatapointsToAlarm: 3,
        },
      ],
      [
        'errors',
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 300, Threshold: 1 },
      ],
      [
        'throttles',
        { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Statistic: 'Sum', Period: 300, Threshold: 1 },
      ],
      [
        'finalizer-errors',
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 900, Threshold: 3 },
      ],
      [
        'failure-queue',
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Period: 60,
          Threshold: 1,
        },
      ],
      [
        'failure-dlq',
        {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Statistic: 'Maximum',
          Period: 60,
          Threshold: 1,
        },
      ],
    ])('alarms on %s', (suffix, properties) => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `Test-ohlc-${suffix}`,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.absent(),
        ...properties,
      });
    });

    it('alarms on rejected records, the EMF metric the handler publishes with its service and pipeline dimensions', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Test-ohlc-rejected-records',
        Namespace: 'streamfold',
        MetricName: 'RecordsRejected',
        Dimensions: Match.arrayEquals([
          { Name: 'pipeline', Value: 'ohlc' },
          { Name: 'service', Value: 'streamfold' },
        ]),
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('watches the right function and queue with each alarm', () => {
      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Test-ohlc-iterator-age',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.aggregate } }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Test-ohlc-finalizer-errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.finalize } }],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'Test-ohlc-failure-dlq',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.failureDlq, 'QueueName'] } }],
      });
      template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    });

    it('creates a dashboard named after the stack and pipeline, showing the handler metrics', () => {
      // Prepare
      const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
      const body = JSON.stringify(Object.values(dashboards)[0]);

      // Assess
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Test-ohlc' });
      for (const metric of [
        'RecordsIn',
        'RecordsFolded',
        'RecordsRejected',
        'RecordsLate',
        'WriteUnits',
        'IteratorAge',
      ]) {
        expect(body).toContain(`\\"${metric}\\"`);
      }
    });
  });
});
