import { RANKABLE_METRIC_KINDS } from '../definition/constants.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { QueryInputError } from './errors.ts';

/**
 * The pipeline's metrics whose result is a single number (count, sum, min, max, mean, …, distinct), in
 * definition order: the metrics that can rank groups or be charted.
 *
 * @example
 * numericMetricNames(requestsByIp); // ['requests', 'errors', 'bytes', 'paths']
 */
export const numericMetricNames = (definition: PipelineDefinition): string[] =>
  definition.metricNames.filter((name) =>
    RANKABLE_METRIC_KINDS.includes(definition.metrics[name]?.kind ?? ''),
  );

/**
 * Checks that `metric` names a numeric metric of the pipeline.
 *
 * @throws {QueryInputError} naming the bad metric and the numeric ones.
 * @example
 * assertNumericMetric(requestsByIp, 'latency'); // throws: a quantiles metric has no single number
 */
export const assertNumericMetric = (definition: PipelineDefinition, metric: string): void => {
  const numeric = numericMetricNames(definition);
  const valid = numeric.length > 0 ? `numeric metrics: ${numeric.join(', ')}` : 'it has no numeric metric';
  const found = Object.hasOwn(definition.metrics, metric) ? definition.metrics[metric] : undefined;
  if (found === undefined) {
    throw new QueryInputError(`Unknown metric "${metric}" for pipeline "${definition.name}" (${valid})`);
  }
  if (!numeric.includes(metric)) {
    throw new QueryInputError(
      `Metric "${metric}" of pipeline "${definition.name}" is a ${found.kind}, which has no single number (${valid})`,
    );
  }
};
