import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { type PipelineSource, StreamAggregation } from '../constructs/StreamAggregation.ts';
import { AppContextError } from '../errors.ts';

/** Properties of a {@link StreamfoldStack}. */
export interface StreamfoldStackProps extends StackProps {
  /** The pipelines to deploy, one `StreamAggregation` each; at least one. */
  readonly pipelines: readonly PipelineDefinition[];
  /**
   * The config that lists them, which the deployed handlers import.
   * @default - the built-in examples' config
   */
  readonly source?: PipelineSource;
  /**
   * Send every alarm to this address (through an encrypted SNS topic; confirm the subscription email).
   * @default - no topic; alarms have no actions
   */
  readonly alarmEmail?: string;
  /**
   * Prefix of the table names (`<prefix>-<pipeline>-results`); another prefix lets a second deployment
   * share the account and region (stream names come from the definitions and must differ too).
   * @default 'streamfold'
   */
  readonly resourcePrefix?: string;
  /**
   * What `cdk destroy` does to the results and dead-letter tables and their keys (streams, queues and log
   * groups are always deleted).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `requests-by-ip` → `RequestsByIp`: an output and construct id. */
export const pascalCase = (name: string): string =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/**
 * The streamfold deployment: one {@link StreamAggregation} per chosen pipeline, an optional alarm topic,
 * and outputs naming each pipeline's stream, tables and failure queues.
 *
 * @example
 * new StreamfoldStack(app, 'Streamfold', { pipelines: [ohlc], alarmEmail: 'oncall@example.com' });
 */
export class StreamfoldStack extends Stack {
  public readonly aggregations: readonly StreamAggregation[];
  public readonly alarmTopic: Topic | undefined;

  public constructor(scope: Construct, id: string, props: StreamfoldStackProps) {
    super(scope, id, props);
    if (props.pipelines.length === 0) {
      throw new AppContextError('pipelines must name at least one pipeline (given none)');
    }
    if (props.alarmEmail !== undefined && !EMAIL.test(props.alarmEmail)) {
      throw new AppContextError(`alarmEmail must be an email address (given "${props.alarmEmail}")`);
    }
    this.alarmTopic = props.alarmEmail === undefined ? undefined : this.buildAlarmTopic(props.alarmEmail);

    this.aggregations = props.pipelines.map((definition) => {
      const id = pascalCase(definition.name);
      const aggregation = new StreamAggregation(this, id, {
        definition,
        ...(props.source !== undefined ? { pipelines: props.source } : {}),
        ...(this.alarmTopic !== undefined ? { alarmTopic: this.alarmTopic } : {}),
        ...(props.removalPolicy !== undefined ? { removalPolicy: props.removalPolicy } : {}),
        ...(props.resourcePrefix !== undefined ? { resourcePrefix: props.resourcePrefix } : {}),
      });
      const outputs: Record<string, [string, string]> = {
        StreamName: [aggregation.stream.streamName, 'Kinesis stream to put records on'],
        ResultsTableName: [aggregation.resultsTable.tableName, 'DynamoDB table of window results'],
        DeadLetterTableName: [
          aggregation.deadLetterTable.tableName,
          'DynamoDB table of rejected and late records',
        ],
        FailureQueueName: [
          aggregation.failureQueue.queueName,
          'SQS queue of batches the event source mapping gave up on',
        ],
        FailureDeadLetterQueueName: [
          aggregation.failureDeadLetterQueue.queueName,
          'SQS dead-letter queue of the failure queue',
        ],
      };
      for (const [suffix, [value, description]] of Object.entries(outputs)) {
        new CfnOutput(this, `${id}${suffix}`, { value, description: `${definition.name}: ${description}` });
      }
      return aggregation;
    });
    if (this.alarmTopic !== undefined) {
      new CfnOutput(this, 'AlarmTopicArn', {
        value: this.alarmTopic.topicArn,
        description: 'SNS topic of all alarms',
      });
    }
  }

  private buildAlarmTopic(email: string): Topic {
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'streamfold: alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarms to an encrypted topic only if it may use the topic's key.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'streamfold alarms',
      masterKey: key,
      enforceSSL: true,
    });
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
