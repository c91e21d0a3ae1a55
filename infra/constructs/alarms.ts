import { type Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ALARM_SETTINGS, FAILURE_QUEUE_SETTINGS } from './defaults.ts';
import type { FailureQueues } from './failureQueues.ts';
import { type HandlerMetricName, handlerMetric } from './handlerMetrics.ts';

/** What the alarms watch. */
export interface AlarmTargets {
  readonly pipeline: string;
  readonly aggregate: IFunction;
  readonly finalizer: IFunction;
  readonly queues: FailureQueues;
  readonly topic: ITopic | undefined;
  readonly iteratorAgeThreshold: Duration;
  readonly rejectedRecordsThreshold: number;
  readonly alarmOnMetrics: readonly HandlerMetricName[];
}

interface AlarmSpec {
  readonly id: string;
  readonly suffix: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly threshold: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

/**
 * The pipeline's alarms, each sent to `topic` (alarm and OK) when there is one: iterator age, function
 * errors and throttles, finalizer errors, depth of both failure queues, rejected records, and one per
 * `alarmOnMetrics` entry. Missing data (no traffic) is not breaching.
 *
 * @example
 * const alarms = buildAlarms(this, { pipeline: 'ohlc', aggregate, finalizer, queues, topic, ... });
 */
export const buildAlarms = (scope: Construct, targets: AlarmTargets): Alarm[] => {
  const { pipeline, aggregate, finalizer, queues } = targets;
  const count = ALARM_SETTINGS.countPeriod;
  const specs: AlarmSpec[] = [
    {
      id: 'IteratorAgeAlarm',
      suffix: 'iterator-age',
      description: `${pipeline}: the function is more than ${targets.iteratorAgeThreshold.toHumanString()} behind the stream. Windows may be marked final before all their records are folded. Check errors, throttles and DynamoDB throttling.`,
      metric: aggregate.metric('IteratorAge', {
        statistic: 'Maximum',
        period: ALARM_SETTINGS.iteratorAgePeriod,
      }),
      threshold: targets.iteratorAgeThreshold.toMilliseconds(),
      evaluationPeriods: ALARM_SETTINGS.iteratorAgeEvaluationPeriods,
      datapointsToAlarm: ALARM_SETTINGS.iteratorAgeDatapointsToAlarm,
    },
    {
      id: 'ErrorsAlarm',
      suffix: 'errors',
      description: `${pipeline}: the aggregate function failed invocations; the shard retries them (results stay exactly-once). See its log group.`,
      metric: aggregate.metricErrors({ statistic: 'Sum', period: count }),
      threshold: 1,
    },
    {
      id: 'ThrottlesAlarm',
      suffix: 'throttles',
      description: `${pipeline}: the aggregate function was throttled (account concurrency); the stream falls behind.`,
      metric: aggregate.metricThrottles({ statistic: 'Sum', period: count }),
      threshold: 1,
    },
    {
      id: 'FinalizerErrorsAlarm',
      suffix: 'finalizer-errors',
      description: `${pipeline}: the finalizer keeps failing; windows stay "open" in the results table.`,
      metric: finalizer.metricErrors({ statistic: 'Sum', period: ALARM_SETTINGS.finalizerErrorsPeriod }),
      threshold: ALARM_SETTINGS.finalizerErrorsThreshold,
    },
    {
      id: 'FailureQueueAlarm',
      suffix: 'failure-queue',
      description: `${pipeline}: the event source mapping gave up on a batch (retries or record age exhausted): its records are NOT in the results. The message names the shard and sequence range: after fixing the cause, run \`streamfold redrive ${pipeline} --queue <FailureQueueName>\` (docs/operations.md).`,
      metric: queues.onFailure.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: ALARM_SETTINGS.queueDepthPeriod,
      }),
      threshold: 1,
    },
    {
      id: 'FailureDeadLetterQueueAlarm',
      suffix: 'failure-dlq',
      description: `${pipeline}: on-failure messages were received but not deleted ${FAILURE_QUEUE_SETTINGS.maxReceiveCount} times and moved to the second queue: move them back, then run \`streamfold redrive\` (docs/operations.md).`,
      metric: queues.deadLetter.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: ALARM_SETTINGS.queueDepthPeriod,
      }),
      threshold: 1,
    },
    {
      id: 'RejectedRecordsAlarm',
      suffix: 'rejected-records',
      description: `${pipeline}: records were rejected (malformed, missing fields, bad timestamps…). They are in the dead-letter table with their reason: \`streamfold dead-letters ${pipeline}\` lists them, \`streamfold replay\` folds them after a fix (docs/operations.md).`,
      metric: handlerMetric(pipeline, 'RecordsRejected', 'Sum', count),
      threshold: targets.rejectedRecordsThreshold,
    },
    ...targets.alarmOnMetrics.map(
      (name): AlarmSpec => ({
        id: `${name}Alarm`,
        suffix: name,
        description: `${pipeline}: handler metric ${name} was above 0 in ${count.toHumanString()}.`,
        metric: handlerMetric(pipeline, name, 'Sum', count),
        threshold: 1,
      }),
    ),
  ];
  const stackName = Stack.of(scope).stackName;
  return specs.map((spec) => {
    const alarm = new Alarm(scope, spec.id, {
      alarmName: `${stackName}-${pipeline}-${spec.suffix}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (targets.topic !== undefined) {
      const action = new SnsAction(targets.topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarm;
  });
};
