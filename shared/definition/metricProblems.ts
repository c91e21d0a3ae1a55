import { MAX_ITEM_BYTES } from '../storage/itemSize.ts';
import { ITEM_RESERVE_BYTES, METRIC_NAME_PATTERN, RESERVED_METRIC_NAMES } from './constants.ts';
import type { DefinitionProblem } from './errors.ts';
import { problem } from './problem.ts';
import { isMetric } from './schema.ts';

/**
 * Metric names, metric values, and the problems each metric found in its own arguments and options, under
 * `metrics.<name>`.
 *
 * @example
 * metricProblems({ records: count() }); // [{ path: 'metrics.records', message: '"records" is reserved …', given: undefined }]
 */
export const metricProblems = (metrics: Record<string, unknown>): DefinitionProblem[] =>
  Object.entries(metrics).flatMap(([name, metric]): DefinitionProblem[] => {
    const path = `metrics.${name}`;
    const found: DefinitionProblem[] = [];
    if (!METRIC_NAME_PATTERN.test(name)) {
      found.push(
        problem(path, 'metric name must be a letter then letters, digits or _, at most 64 characters', name),
      );
    } else if (RESERVED_METRIC_NAMES.includes(name)) {
      found.push({
        path,
        message: `"${name}" is reserved for the results item; choose another metric name`,
        given: undefined,
      });
    }
    if (!isMetric(metric)) {
      found.push(problem(path, "must be a metric such as count(), sum('field')", metric));
      return found;
    }
    for (const p of metric.problems ?? []) {
      found.push({ path: [path, ...p.path.map(String)].join('.'), message: p.message, given: p.given });
    }
    return found;
  });

/**
 * States whose size is bounded whatever the data (dense HyperLogLogs) must leave room in the 400 KB
 * DynamoDB item for its keys, readable results and exactly-once bookkeeping; else every busy window
 * would outgrow its item and its records would be set aside.
 *
 * @example
 * itemSizeProblems({ a: distinct('u', { precision: 18 }), b: distinct('v', { precision: 18 }) }); // one problem at `metrics`
 */
export const itemSizeProblems = (metrics: Record<string, unknown>): DefinitionProblem[] => {
  const bounded = Object.entries(metrics).flatMap(([name, metric]) =>
    isMetric(metric) && metric.maxStateBytes !== undefined ? [{ name, bytes: metric.maxStateBytes }] : [],
  );
  const total = bounded.reduce((sum, { bytes }) => sum + bytes, 0);
  if (total <= MAX_ITEM_BYTES - ITEM_RESERVE_BYTES) return [];
  return [
    {
      path: 'metrics',
      message: `their states can grow to ${total} bytes (${bounded.map(({ name, bytes }) => `${name}: ${bytes}`).join(', ')}), which leaves less than ${ITEM_RESERVE_BYTES / 1024} KiB of DynamoDB's ${MAX_ITEM_BYTES / 1024} KiB item for keys, results and bookkeeping; lower a distinct precision (each step down halves its state)`,
      given: undefined,
    },
  ];
};
