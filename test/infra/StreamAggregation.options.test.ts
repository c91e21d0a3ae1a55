import { rmSync } from 'node:fs';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamAggregation, type StreamAggregationProps } from '../../infra/constructs/StreamAggregation.ts';
import { ohlc, sensorStats } from '../../shared/examples/index.ts';

type Json = Record<string, unknown>;

const ref = (logicalId: string): Json => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

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

describe('Class: StreamAggregation (options)', () => {
  // One app, one stack per variant: the handler bundles are built once and shared.
  // The built-in CloudFormation validation costs ~1 s per stack; the app test runs it (test/infra/app.test.ts).
  const app = new App({ builtinCloudFormationValidation: false });
  const stacks: Record<string, Stack> = {};
  const templates: Record<string, Template> = {};
  const variant = (name: string, props: (stack: Stack) => Partial<StreamAggregationProps>): void => {
    const stack = new Stack(app, name);
    new StreamAggregation(stack, 'Pipeline', { definition: ohlc, ...props(stack) });
    stacks[name] = stack;
  };
  const template = (name: string): Template => templates[name] as Template;

  beforeAll(() => {
    // Prepare / Act
    variant('Provisioned', () => ({
      streamMode: StreamMode.PROVISIONED,
      shardCount: 3,
      streamEncryption: StreamEncryption.MANAGED,
      streamRetention: Duration.hours(48),
    }));
    variant('ProvisionedDefaultShards', () => ({ streamMode: StreamMode.PROVISIONED }));
    variant('Existing', (stack) => ({
      stream: Stream.fromStreamAttributes(stack, 'Stream', {
        streamArn: 'arn:aws:kinesis:eu-west-1:111122223333:stream/trades',
        encryptionKey: Key.fromKeyArn(
          stack,
          'StreamKey',
          'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555',
        ),
      }),
    }));
    variant('OwnKey', (stack) => ({
      encryptionKey: Key.fromKeyArn(
        stack,
        'Key',
        'arn:aws:kms:eu-west-1:111122223333:key/66666666-7777-8888-9999-000000000000',
      ),
    }));
    variant('Destroy', () => ({
      removalPolicy: RemovalPolicy.DESTROY,
      logRetention: RetentionDays.ONE_WEEK,
      resourcePrefix: 'dev',
    }));
    variant('Tuned', () => ({
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(0),
      startingPosition: StartingPosition.AT_TIMESTAMP,
      startingPositionTimestamp: 1_795_000_000,
      bisectBatchOnError: false,
      retryAttempts: 10,
      maxRecordAgeSeconds: -1,
      memorySize: 2048,
      timeout: Duration.seconds(120),
      safetyMargin: Duration.seconds(10),
      writeConcurrency: 32,
    }));
    variant('Alarmed', (stack) => ({
      alarmTopic: new Topic(stack, 'Topic'),
      iteratorAgeThreshold: Duration.minutes(2),
      rejectedRecordsThreshold: 10,
      alarmOnMetrics: ['ItemsFailed', 'RecordsLate'],
      dashboard: false,
    }));
    variant('Hopping', () => ({ definition: sensorStats }));
    for (const [name, stack] of Object.entries(stacks)) templates[name] = Template.fromStack(stack);
  });

  afterAll(() => {
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('creates a provisioned stream with the given shards, retention and the AWS-managed key', () => {
    // Prepare
    const t = template('Provisioned');
    const role = logicalIdOf(t, 'AWS::IAM::Role', 'PipelineAggregateRole');
    const key = logicalIdOf(t, 'AWS::KMS::Key', 'PipelineKey');

    // Assess
    t.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 3,
      RetentionPeriodHours: 48,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    expect(statementsOf(t, role)).toContainEqual({
      Sid: 'DecryptData',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: ref(key),
    });
  });

  it('gives a provisioned stream one shard when shardCount is not given', () => {
    // Assess
    template('ProvisionedDefaultShards').hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      ShardCount: 1,
    });
  });

  it('reads an existing stream: no stream created, read and decrypt granted on it', () => {
    // Prepare
    const t = template('Existing');
    const role = logicalIdOf(t, 'AWS::IAM::Role', 'PipelineAggregateRole');
    const key = logicalIdOf(t, 'AWS::KMS::Key', 'PipelineKey');
    const statements = statementsOf(t, role);

    // Assess
    t.resourceCountIs('AWS::Kinesis::Stream', 0);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: 'arn:aws:kinesis:eu-west-1:111122223333:stream/trades',
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'ReadStream',
        Resource: 'arn:aws:kinesis:eu-west-1:111122223333:stream/trades',
      }),
    );
    expect(statements).toContainEqual({
      Sid: 'DecryptData',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: ['arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555', ref(key)],
    });
  });

  it('encrypts stream and tables with a key passed in, creating none', () => {
    // Prepare
    const t = template('OwnKey');
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/66666666-7777-8888-9999-000000000000';

    // Assess
    t.resourceCountIs('AWS::KMS::Key', 0);
    t.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: arn },
    });
    t.resourcePropertiesCountIs(
      'AWS::DynamoDB::Table',
      { SSESpecification: Match.objectLike({ KMSMasterKeyId: arn }) },
      2,
    );
  });

  it('deletes the tables and their key on destroy when told to', () => {
    // Prepare
    const t = template('Destroy');

    // Assess
    for (const type of ['AWS::DynamoDB::Table', 'AWS::KMS::Key']) {
      const resources = Object.values(t.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(resource.DeletionPolicy).toBe('Delete');
    }
    t.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 7 }, 2);
  });

  it('prefixes the table names with resourcePrefix', () => {
    // Assess
    template('Destroy').hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'dev-ohlc-results' });
    template('Destroy').hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'dev-ohlc-dead-letters' });
  });

  it('passes every event source mapping and function setting through', () => {
    // Prepare
    const t = template('Tuned');

    // Assess
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 0,
      StartingPosition: 'AT_TIMESTAMP',
      StartingPositionTimestamp: 1_795_000_000,
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: -1,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 2048,
      Timeout: 120,
      Environment: {
        Variables: Match.objectLike({ SAFETY_MARGIN_MS: '10000', WRITE_CONCURRENCY: '32' }),
      },
    });
  });

  it('sends every alarm and its return to OK to the topic, with the given thresholds and extra metrics', () => {
    // Prepare
    const t = template('Alarmed');
    const topic = { Ref: logicalIdOf(t, 'AWS::SNS::Topic', 'Topic') };

    // Assess
    t.resourceCountIs('AWS::CloudWatch::Alarm', 9);
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] }, 9);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 120_000 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RecordsRejected', Threshold: 10 });
    for (const name of ['ItemsFailed', 'RecordsLate']) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `Alarmed-ohlc-${name}`,
        Namespace: 'streamfold',
        MetricName: name,
        Statistic: 'Sum',
        Threshold: 1,
      });
    }
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('builds the hopping-window pipeline with its own rank index and lateness-based iterator-age alarm', () => {
    // Prepare
    const t = template('Hopping');

    // Assess
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'rank-readings' }),
        Match.objectLike({ IndexName: 'open-windows' }),
      ],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', Threshold: 300_000 });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PIPELINE_NAME: 'sensor-stats' }) },
    });
  });
});
