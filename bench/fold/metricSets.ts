import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { count } from '../../shared/metrics/count.ts';
import { distinct } from '../../shared/metrics/distinct.ts';
import { max, min } from '../../shared/metrics/extreme.ts';
import { quantiles } from '../../shared/metrics/quantiles.ts';
import { sum } from '../../shared/metrics/sum.ts';
import { topK } from '../../shared/metrics/topK.ts';
import type { AnyMetric } from '../../shared/metrics/types.ts';
import { tumbling } from '../../shared/window/tumbling.ts';

/** One row of the metric-set comparison: a label and the pipeline folded. */
export interface MetricSet {
  readonly label: string;
  readonly definition: PipelineDefinition;
}

const EXACT: Readonly<Record<string, AnyMetric>> = {
  requests: count(),
  bytes: sum('bytes'),
  minLatency: min('latencyMs'),
  maxLatency: max('latencyMs'),
};

const requestsPipeline = (name: string, metrics: Readonly<Record<string, AnyMetric>>): PipelineDefinition =>
  definePipeline({
    name,
    stream: 'bench-requests',
    decode: json(),
    groupBy: ['ip'],
    eventTime: 'time',
    window: tumbling('1m', { allowedLateness: '5m' }),
    metrics,
    retention: '30d',
  });

/**
 * The pipeline of the peer comparison: JSON requests grouped by `ip` per minute with count, sum, min and
 * max — exactly what the hand-written loop, arquero and DuckDB compute.
 *
 * @example
 * new BatchFolder(exactPipeline());
 */
export const exactPipeline = (): PipelineDefinition => requestsPipeline('bench-exact', EXACT);

/**
 * The cumulative metric sets over the same JSON requests: exact metrics (count, sum, min, max), then
 * + quantiles (DDSketch of `latencyMs`), + distinct (HyperLogLog of `path`), + top-k (5 most frequent
 * `path`s). The last one is "all metrics".
 *
 * @example
 * for (const set of metricSets()) new BatchFolder(set.definition);
 */
export const metricSets = (): MetricSet[] => {
  const withQuantiles = { ...EXACT, latency: quantiles('latencyMs') };
  const withDistinct = { ...withQuantiles, paths: distinct('path') };
  const withTopK = { ...withDistinct, topPaths: topK('path', 5) };
  return [
    { label: 'exact (count, sum, min, max)', definition: exactPipeline() },
    { label: '+ quantiles (DDSketch)', definition: requestsPipeline('bench-quantiles', withQuantiles) },
    { label: '+ distinct (HyperLogLog)', definition: requestsPipeline('bench-distinct', withDistinct) },
    { label: '+ top-k (all metrics)', definition: requestsPipeline('bench-all', withTopK) },
  ];
};
