import type { PipelineDefinition } from '../definition/types.ts';
import type { AnyMetric, MetricResult } from '../metrics/types.ts';
import type { AggregateState } from './aggregateCodec.ts';

/** The readable result of one (window, group): the shape of `streamfold fold --json` and `query --json`. */
export interface WindowResult {
  readonly group: Readonly<Record<string, string>>;
  readonly window: { readonly start: string; readonly end: string };
  /** Records folded into the window. */
  readonly records: number;
  readonly metrics: Readonly<Record<string, MetricResult>>;
}

/**
 * The readable result of an aggregate: plain numbers per metric, ISO window bounds.
 *
 * @example
 * windowResult(definition, aggregate.group, aggregate.windowStartMs, aggregate);
 */
export const windowResult = (
  definition: PipelineDefinition,
  group: Readonly<Record<string, string>>,
  windowStartMs: number,
  aggregate: AggregateState,
): WindowResult => {
  const metrics: Record<string, MetricResult> = {};
  definition.metricNames.forEach((name, i) => {
    metrics[name] = (definition.metrics[name] as AnyMetric).result(aggregate.states[i]);
  });
  return {
    group,
    window: {
      start: new Date(windowStartMs).toISOString(),
      end: new Date(windowStartMs + definition.window.sizeMs).toISOString(),
    },
    records: aggregate.records,
    metrics,
  };
};

/**
 * Orders results by window start, then by group values in `groupBy` order.
 *
 * @example
 * results.sort(compareResults(definition));
 */
export const compareResults =
  (definition: PipelineDefinition) =>
  (a: WindowResult, b: WindowResult): number => {
    if (a.window.start !== b.window.start) return a.window.start < b.window.start ? -1 : 1;
    for (const field of definition.groupBy) {
      const x = a.group[field] as string;
      const y = b.group[field] as string;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
