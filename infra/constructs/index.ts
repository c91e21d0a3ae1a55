export { buildAlarms } from './alarms.ts';
export { buildDashboard } from './dashboard.ts';
export {
  ALARM_SETTINGS,
  FAILURE_QUEUE_SETTINGS,
  FINALIZER_SETTINGS,
  LIMITS,
  STREAM_AGGREGATION_DEFAULTS,
} from './defaults.ts';
export { BundlingSetupError, StreamAggregationError } from './errors.ts';
export { buildFailureQueues, type FailureQueues, sendOnlyDestination } from './failureQueues.ts';
export { type HandlerEntries, handlerEntries } from './handlerEntries.ts';
export {
  HANDLER_METRIC_NAMES,
  HANDLER_METRICS_NAMESPACE,
  HANDLER_SERVICE_NAME,
  type HandlerMetricName,
  handlerMetric,
  handlerMetricDimensions,
} from './handlerMetrics.ts';
export { ACTIONS, aggregateStatements, finalizerStatements } from './permissions.ts';
export { type ResolvedProps, resolveProps } from './resolveProps.ts';
export {
  FUNCTION_RUNTIME,
  type PipelineSource,
  StreamAggregation,
  type StreamAggregationProps,
} from './StreamAggregation.ts';
export { buildTable, toCdkAttribute } from './tables.ts';
