import { Duration, Stack } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import type { FailureQueues } from './failureQueues.ts';
import { type HandlerMetricName, handlerMetric } from './handlerMetrics.ts';

/** What the dashboard shows. */
export interface DashboardSources {
  readonly definition: PipelineDefinition;
  readonly stream: IStream;
  readonly aggregate: IFunction;
  readonly finalizer: IFunction;
  readonly resultsTable: Table;
  readonly deadLetterTable: Table;
  readonly queues: FailureQueues;
  readonly alarms: readonly IAlarm[];
  readonly iteratorAgeThreshold: Duration;
}

const MINUTE = Duration.minutes(1);
const WIDTH = 8;
const HEIGHT = 6;

const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
  new GraphWidget({ title, left, right, width: WIDTH, height: HEIGHT });

/**
 * One CloudWatch dashboard per pipeline: conservation of records (in = folded + rejected + late +
 * filtered), lag, the function, the writes and their cost, DynamoDB, the stream, the failure queues and
 * the alarms' state. Named `<stack>-<pipeline>`.
 *
 * @example
 * buildDashboard(this, { definition: ohlc, stream, aggregate, finalizer, resultsTable, ... });
 */
export const buildDashboard = (scope: Construct, sources: DashboardSources): Dashboard => {
  const { definition, stream, aggregate, finalizer, resultsTable, deadLetterTable, queues } = sources;
  const pipeline = definition.name;
  const sum = (name: HandlerMetricName): IMetric => handlerMetric(pipeline, name, 'Sum', MINUTE);
  const dashboard = new Dashboard(scope, 'Dashboard', {
    dashboardName: `${Stack.of(scope).stackName}-${pipeline}`,
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(
    new TextWidget({
      markdown: `# streamfold · ${pipeline}\n${definition.description}\n\nResults: one item per (group, window) in the results table; rejected and late records in the dead-letter table (docs/table.md).`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    graph('Records per minute', [
      sum('RecordsIn'),
      sum('RecordsFolded'),
      sum('RecordsRejected'),
      sum('RecordsLate'),
      sum('RecordsFiltered'),
      sum('ContributionsTooLarge'),
    ]),
    new GraphWidget({
      title: 'Iterator age (ms, max)',
      left: [aggregate.metric('IteratorAge', { statistic: 'Maximum', period: MINUTE })],
      leftAnnotations: [{ value: sources.iteratorAgeThreshold.toMilliseconds(), label: 'alarm' }],
      width: WIDTH,
      height: HEIGHT,
    }),
    graph(
      'Aggregate function',
      [
        aggregate.metricInvocations({ period: MINUTE }),
        aggregate.metricErrors({ period: MINUTE }),
        aggregate.metricThrottles({ period: MINUTE }),
      ],
      [aggregate.metricDuration({ statistic: 'p99', period: MINUTE })],
    ),
  );
  dashboard.addWidgets(
    graph(
      'Item writes per minute',
      [sum('ItemsWritten'), sum('ItemsFailed'), sum('ConditionalConflicts'), sum('DeadLettersWritten')],
      [sum('WriteUnits')],
    ),
    graph(
      'Item size and batch duration',
      [handlerMetric(pipeline, 'MaxItemBytes', 'Maximum', MINUTE)],
      [handlerMetric(pipeline, 'BatchDuration', 'p99', MINUTE)],
    ),
    graph(
      'DynamoDB capacity and throttling',
      [
        resultsTable.metricConsumedWriteCapacityUnits({ period: MINUTE }),
        resultsTable.metricConsumedReadCapacityUnits({ period: MINUTE }),
        deadLetterTable.metricConsumedWriteCapacityUnits({ period: MINUTE }),
      ],
      [
        resultsTable.metric('WriteThrottleEvents', { statistic: 'Sum', period: MINUTE }),
        resultsTable.metric('ReadThrottleEvents', { statistic: 'Sum', period: MINUTE }),
      ],
    ),
  );
  dashboard.addWidgets(
    graph(
      'Stream',
      [stream.metricIncomingRecords({ statistic: 'Sum', period: MINUTE })],
      [
        stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: MINUTE }),
        stream.metricReadProvisionedThroughputExceeded({ statistic: 'Sum', period: MINUTE }),
      ],
    ),
    graph('Failure queues (messages visible)', [
      queues.onFailure.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: MINUTE }),
      queues.deadLetter.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: MINUTE }),
    ]),
    graph('Finalizer', [
      finalizer.metricInvocations({ period: MINUTE }),
      finalizer.metricErrors({ period: MINUTE }),
    ]),
  );
  dashboard.addWidgets(
    new AlarmStatusWidget({ title: 'Alarms', alarms: [...sources.alarms], width: 24, height: 3 }),
  );
  return dashboard;
};
