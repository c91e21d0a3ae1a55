export {
  DEFAULT_DISTINCT_PRECISION,
  DEFAULT_PERCENTILES,
  DEFAULT_QUANTILE_ACCURACY,
  MAX_DISTINCT_PRECISION,
  MAX_PERCENTILE_EXCLUSIVE,
  MAX_QUANTILE_ACCURACY,
  MIN_DISTINCT_PRECISION,
  MIN_PERCENTILE,
  MIN_QUANTILE_ACCURACY,
} from './constants.ts';
export { type CountState, count } from './count.ts';
export { type DistinctOptions, distinct } from './distinct.ts';
export { MetricOptionsError } from './errors.ts';
export { type ExtremeState, max, min } from './extreme.ts';
export { compileFieldPath, type FieldGetter } from './fieldPath.ts';
export { type FirstLastState, first, last } from './firstLast.ts';
export { MetricProblem } from './MetricProblem.ts';
export { type MeanState, mean } from './mean.ts';
export { formatOptionProblem, type OptionProblem } from './OptionProblem.ts';
export { percentileKey, type QuantilesOptions, quantiles } from './quantiles.ts';
export { numberReader, stringReader } from './readers.ts';
export { sum } from './sum.ts';
export { type TopKOptions, topK } from './topK.ts';
export { twoProduct } from './twoProduct.ts';
export {
  type AnyMetric,
  type FieldMetricOptions,
  type Metric,
  type MetricKind,
  type MetricOptions,
  type MetricResult,
  type Predicate,
  SKIP,
  type Skip,
  type TopKEntry,
} from './types.ts';
export { stddev, type VarianceOptions, type VarianceState, variance } from './variance.ts';
export { type WeightedMeanState, weightedMean } from './weightedMean.ts';
