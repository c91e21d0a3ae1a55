import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type Stack, Token, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, STACK_NAME } from '../../infra/createApp.ts';
import { AppContextError } from '../../infra/errors.ts';
import projectConfig from '../../streamfold.config.ts';

const { pipelines } = projectConfig;

/** Synth without bundling or the built-in CloudFormation validation: for tests of the context only. */
const quickApp = (context: Record<string, unknown>): App =>
  createApp({
    context: { 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: false,
  });

const stackOf = (app: App): Stack => app.node.findChild(STACK_NAME) as Stack;

const errorOf = (context: Record<string, unknown>): unknown => {
  try {
    quickApp(context);
  } catch (error) {
    return error;
  }
  return undefined;
};

/** Every `Validations.of(...).acknowledge()` in the tree: rule id → reasons. */
const acknowledgements = (app: App): Map<string, string[]> => {
  const found = new Map<string, string[]>();
  for (const node of app.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        found.set(rule, [...(found.get(rule) ?? []), reason]);
      }
    }
  }
  return found;
};

describe('CDK app', () => {
  describe('the whole app (all example pipelines, bundled, validated)', () => {
    let app: App;
    let assembly: CloudAssembly;
    let template: Template;

    beforeAll(() => {
      // Prepare
      app = createApp();

      // Act: synth runs esbuild, the built-in CloudFormation validation and the cdk-nag plugin,
      // and throws on any unacknowledged finding.
      assembly = app.synth();
      template = Template.fromStack(stackOf(app));
    });

    afterAll(() => {
      rmSync(assembly.directory, { recursive: true, force: true });
    });

    it('synthesizes one stack with every pipeline of streamfold.config.ts, offline', () => {
      // Assess
      expect(assembly.stacks.map((stack) => stack.stackName)).toStrictEqual([STACK_NAME]);
      template.resourceCountIs('AWS::Kinesis::Stream', pipelines.length);
      template.resourceCountIs('AWS::DynamoDB::Table', 2 * pipelines.length);
      template.resourceCountIs('AWS::Lambda::EventSourceMapping', pipelines.length);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', pipelines.length);
      for (const definition of pipelines) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Environment: {
            Variables: Match.objectLike({ PIPELINE_NAME: definition.name, WRITE_CONCURRENCY: '16' }),
          },
        });
      }
    });

    it('bundles the two handlers once, whatever the number of pipelines', () => {
      // Prepare
      const assets = JSON.parse(
        readFileSync(join(assembly.directory, `${STACK_NAME}.assets.json`), 'utf8'),
      ) as {
        files: Record<string, { source: { path: string } }>;
      };
      const bundles = Object.values(assets.files).filter((file) => file.source.path.startsWith('asset.'));

      // Assess
      expect(bundles).toHaveLength(2);
      for (const bundle of bundles) {
        expect(existsSync(join(assembly.directory, bundle.source.path, 'index.js'))).toBe(true);
      }
    });

    it('passes the cdk-nag AwsSolutions checks with no finding left', () => {
      // Act
      const report = new AwsSolutionsChecks().validateScope(app);

      // Assess
      expect(report.violations).toStrictEqual([]);
      expect(report.success).toBe(true);
    });

    it('writes a validation report without failures', () => {
      // Prepare
      const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
        pluginReports: { summary?: { status?: string } }[];
      };

      // Assess
      for (const plugin of report.pluginReports) expect(plugin.summary?.status).not.toBe('failure');
    });

    it('acknowledges only KDS3 (the customer-managed stream key), once per stream, each with its reason', () => {
      // Act
      const acknowledged = acknowledgements(app);

      // Assess
      expect([...acknowledged.keys()]).toStrictEqual(['AwsSolutions-KDS3']);
      const reasons = acknowledged.get('AwsSolutions-KDS3') ?? [];
      expect(reasons).toHaveLength(pipelines.length);
      for (const reason of reasons) expect(reason.length).toBeGreaterThan(80);
    });

    it('outputs the stream, tables and queues of every pipeline', () => {
      // Prepare
      const expected = ['RequestsByIp', 'CategoryAverages', 'Ohlc', 'SensorStats'].flatMap((id) =>
        [
          'StreamName',
          'ResultsTableName',
          'DeadLetterTableName',
          'FailureQueueName',
          'FailureDeadLetterQueueName',
        ].map((suffix) => `${id}${suffix}`),
      );

      // Assess
      expect(Object.keys(template.findOutputs('*')).sort()).toStrictEqual(expected.sort());
      template.hasOutput('OhlcResultsTableName', {
        Value: { Ref: Match.stringLikeRegexp('^OhlcResultsTable') },
        Description: 'ohlc: DynamoDB table of window results',
      });
    });

    it('creates no alarm topic without alarmEmail', () => {
      // Assess
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: Match.anyValue() }, 0);
    });
  });

  describe('context', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('deploys only the pipelines named by -c pipelines, in that order', () => {
      // Act
      const template = Template.fromStack(stackOf(quickApp({ pipelines: 'ohlc, requests-by-ip' })));

      // Assess
      template.resourceCountIs('AWS::Kinesis::Stream', 2);
      const streamOutputs = Object.keys(template.findOutputs('*')).filter((id) => id.endsWith('StreamName'));
      expect(streamOutputs).toStrictEqual(['OhlcStreamName', 'RequestsByIpStreamName']);
    });

    it('refuses a pipeline name that the config does not list', () => {
      // Act
      const error = errorOf({ pipelines: 'ohlc,trades' });

      // Assess
      expect(error).toBeInstanceOf(AppContextError);
      expect((error as Error).message).toBe(
        'context pipelines names no pipeline "trades" (known: requests-by-ip, category-averages, ohlc, sensor-stats)',
      );
    });

    it('sends every alarm to an encrypted, TLS-only topic subscribed by -c alarmEmail, still passing cdk-nag', () => {
      // Prepare
      const app = quickApp({ pipelines: 'ohlc', alarmEmail: 'oncall@example.com' });

      // Act
      const template = Template.fromStack(stackOf(app));

      // Assess
      const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0] as string;
      const keyId = Object.keys(template.findResources('AWS::KMS::Key')).find((id) =>
        id.startsWith('AlarmTopicKey'),
      );
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: { Ref: topicId },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ],
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowCloudWatchAlarms',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
      const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length;
      template.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { AlarmActions: [{ Ref: topicId }] },
        alarms,
      );
      template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
      expect(new AwsSolutionsChecks().validateScope(app).violations).toStrictEqual([]);
    });

    it('refuses an alarmEmail that is not an address', () => {
      // Act
      const error = errorOf({ alarmEmail: 'oncall' });

      // Assess
      expect(error).toBeInstanceOf(AppContextError);
      expect((error as Error).message).toBe('alarmEmail must be an email address (given "oncall")');
    });

    it('deletes the data on destroy with -c removalPolicy=destroy', () => {
      // Act
      const template = Template.fromStack(stackOf(quickApp({ pipelines: 'ohlc', removalPolicy: 'destroy' })));

      // Assess
      for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
        expect(table.DeletionPolicy).toBe('Delete');
      }
    });

    it('prefixes the table names with -c resourcePrefix', () => {
      // Act
      const template = Template.fromStack(
        stackOf(quickApp({ pipelines: 'ohlc', resourcePrefix: 'staging' })),
      );

      // Assess
      template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'staging-ohlc-results' });
    });

    it('refuses a removalPolicy other than retain or destroy', () => {
      // Act
      const error = errorOf({ removalPolicy: 'snapshot' });

      // Assess
      expect(error).toBeInstanceOf(AppContextError);
      expect((error as Error).message).toBe(
        'context removalPolicy must be "retain" or "destroy" (given "snapshot")',
      );
    });

    it('takes account and region from CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION when set', () => {
      // Prepare
      vi.stubEnv('CDK_DEFAULT_ACCOUNT', '111122223333');
      vi.stubEnv('CDK_DEFAULT_REGION', 'eu-west-1');

      // Act
      const stack = stackOf(quickApp({ pipelines: 'ohlc' }));

      // Assess
      expect({ account: stack.account, region: stack.region }).toStrictEqual({
        account: '111122223333',
        region: 'eu-west-1',
      });
    });

    it('is environment-agnostic without them', () => {
      // Prepare
      vi.stubEnv('CDK_DEFAULT_ACCOUNT', undefined);
      vi.stubEnv('CDK_DEFAULT_REGION', undefined);

      // Act
      const stack = stackOf(quickApp({ pipelines: 'ohlc' }));

      // Assess
      expect([Token.isUnresolved(stack.account), Token.isUnresolved(stack.region)]).toStrictEqual([
        true,
        true,
      ]);
    });
  });
});
