import { RANKABLE_METRIC_KINDS } from './constants.ts';
import type { DefinitionProblem } from './errors.ts';
import { problem } from './problem.ts';
import { isMetric } from './schema.ts';

/**
 * The metrics that rank groups when `rankBy` is not given: the first metric with a single-number result.
 *
 * @example
 * defaultRankBy({ requests: count(), latency: quantiles('ms') }); // ['requests']
 */
export const defaultRankBy = (metrics: Readonly<Record<string, unknown>>): string[] => {
  const first = Object.entries(metrics).find(
    ([, metric]) => isMetric(metric) && RANKABLE_METRIC_KINDS.includes(metric.kind),
  );
  return first === undefined ? [] : [first[0]];
};

/**
 * Problems of `rankBy` (or of the default) against the metrics: a name that is no metric, a metric with
 * no single number, a repeat. The shape of `rankBy` itself is the schema's to report.
 *
 * @example
 * rankByProblems(['latency'], { latency: quantiles('ms') }); // [{ path: 'rankBy.0', message: 'metric "latency" is a quantiles, …' }]
 */
export const rankByProblems = (rankBy: unknown, metrics: Record<string, unknown>): DefinitionProblem[] => {
  if (rankBy !== undefined && !(Array.isArray(rankBy) && rankBy.every((name) => typeof name === 'string')))
    return []; // its shape is reported by the schema
  const names: readonly string[] = rankBy ?? defaultRankBy(metrics);
  const seen = new Set<string>();
  const found: DefinitionProblem[] = [];
  names.forEach((name, i) => {
    const metric = Object.hasOwn(metrics, name) ? metrics[name] : undefined;
    if (metric === undefined) {
      found.push(
        problem(
          `rankBy.${i}`,
          `names no metric of this pipeline (metrics: ${Object.keys(metrics).join(', ')})`,
          name,
        ),
      );
    } else if (isMetric(metric) && !RANKABLE_METRIC_KINDS.includes(metric.kind)) {
      found.push(
        problem(
          `rankBy.${i}`,
          `metric "${name}" is a ${metric.kind}, which has no single number to rank by (rankable: ${RANKABLE_METRIC_KINDS.join(', ')})`,
          name,
        ),
      );
    } else if (seen.has(name)) {
      found.push(problem(`rankBy.${i}`, `repeats metric "${name}"`, name));
    }
    seen.add(name);
  });
  return found;
};
