import type { ByteReader } from '../codec/ByteReader.ts';
import type { ByteWriter } from '../codec/ByteWriter.ts';
import type { Fields } from '../record/types.ts';
import type { MetricProblem } from './MetricProblem.ts';
import type { OptionProblem } from './OptionProblem.ts';

/** The metric kinds streamfold knows. */
export type MetricKind =
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'mean'
  | 'variance'
  | 'stddev'
  | 'first'
  | 'last'
  | 'weightedMean'
  | 'distinct'
  | 'quantiles'
  | 'topK';

/** One entry of a top-k result. */
export interface TopKEntry {
  readonly value: string;
  readonly count: number;
}

/** A readable metric result: plain numbers, a map of percentiles, or a ranked list. */
export type MetricResult = number | null | Readonly<Record<string, number | null>> | readonly TopKEntry[];

/** A record predicate, e.g. `(r) => Number(r.status) >= 500`. */
export type Predicate = (record: Fields) => boolean;

/** Returned by {@link Metric.input} when a record does not contribute to this metric. */
export const SKIP: unique symbol = Symbol('skip');
export type Skip = typeof SKIP;

/**
 * A mergeable aggregate: a commutative monoid over states (`empty`, `mergeInto`) with an `add` for one
 * input, a compact binary encoding and a readable result.
 *
 * States are mutable boxes so the per-record path allocates nothing; `clone` gives a copy when a pure
 * merge is needed. Laws (tested with fast-check): merge is associative and commutative, `empty()` is its
 * identity, folding A ++ B equals merging the folds of A and B, and decode(encode(s)) equals s.
 */
export interface Metric<S, I, R extends MetricResult = MetricResult> {
  readonly kind: MetricKind;
  /** Field paths this metric reads, for validation and documentation. */
  readonly fields: readonly string[];
  /** One line that describes the metric, e.g. `sum(bytes)`. */
  readonly description: string;
  /**
   * What is wrong with the arguments or options this metric was built with; `definePipeline` rejects a
   * definition holding a metric with problems and lists them all. Absent or empty when the metric is fine.
   */
  readonly problems?: readonly OptionProblem[];
  /**
   * The largest encoded state, in bytes, when a bound is known whatever the data (a dense HyperLogLog);
   * `definePipeline` checks that the states fit a DynamoDB item. Absent when the size depends on the data.
   */
  readonly maxStateBytes?: number;
  /** This metric's input from one record, {@link SKIP}, or a problem that rejects the whole record. */
  input(record: Fields, eventMs: number): I | Skip | MetricProblem;
  empty(): S;
  add(state: S, input: I): void;
  /** Adds `source` into `target`; `source` is left unchanged. */
  mergeInto(target: S, source: S): void;
  clone(state: S): S;
  encode(state: S, out: ByteWriter): void;
  decode(input: ByteReader): S;
  result(state: S): R;
}

/** A metric with its types erased, as stored in a pipeline definition. */
// biome-ignore lint/suspicious/noExplicitAny: erasure point for heterogeneous metric maps; every use goes through the typed interface
export type AnyMetric = Metric<any, any, MetricResult>;

/** Options every metric accepts. */
export interface MetricOptions {
  /**
   * Only records for which this returns true contribute to the metric (others are still folded).
   * @default - every record contributes
   * @example { where: (r) => Number(r.status) >= 500 }
   */
  readonly where?: Predicate;
}

/** Options of metrics that read a field. */
export interface FieldMetricOptions extends MetricOptions {
  /**
   * What to do when the field is absent or null: `'reject'` sets the whole record aside
   * (`missing-field`), `'skip'` folds the record without contributing to this metric.
   * @default 'reject'
   */
  readonly missing?: 'reject' | 'skip';
}
