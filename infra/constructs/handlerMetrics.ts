import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';

/** The CloudWatch namespace of the handler's metrics (`createAggregateHandler`, Powertools Metrics, EMF). */
export const HANDLER_METRICS_NAMESPACE = 'streamfold';

/**
 * The Powertools service name of the handler. Powertools adds it as a `service` dimension to every metric,
 * so a metric is identified by `service` and `pipeline` together.
 */
export const HANDLER_SERVICE_NAME = 'streamfold';

/** Every metric the handler publishes once per batch (`functions/commons/powertoolsTelemetry.ts`). */
export const HANDLER_METRIC_NAMES = [
  'RecordsIn',
  'RecordsFolded',
  'RecordsRejected',
  'ContributionsTooLarge',
  'RecordsLate',
  'RecordsFiltered',
  'ItemsWritten',
  'ItemsFailed',
  'ConditionalConflicts',
  'DeadLettersWritten',
  'WriteUnits',
  'MaxItemBytes',
  'BatchDuration',
] as const;

/** A metric the handler publishes. */
export type HandlerMetricName = (typeof HANDLER_METRIC_NAMES)[number];

/** Whether `name` is a metric the handler publishes. */
export const isHandlerMetricName = (name: string): name is HandlerMetricName =>
  (HANDLER_METRIC_NAMES as readonly string[]).includes(name);

/**
 * The dimensions of a pipeline's handler metrics, exactly as the EMF documents carry them.
 *
 * @example
 * handlerMetricDimensions('ohlc'); // { service: 'streamfold', pipeline: 'ohlc' }
 */
export const handlerMetricDimensions = (pipeline: string): Record<string, string> => ({
  service: HANDLER_SERVICE_NAME,
  pipeline,
});

/**
 * A CloudWatch metric of the handler for one pipeline.
 *
 * @example
 * const rejected = handlerMetric('ohlc', 'RecordsRejected', 'Sum', Duration.minutes(5));
 */
export const handlerMetric = (
  pipeline: string,
  name: HandlerMetricName,
  statistic: string,
  period: Duration,
): Metric =>
  new Metric({
    namespace: HANDLER_METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: handlerMetricDimensions(pipeline),
    statistic,
    period,
  });
