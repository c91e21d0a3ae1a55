import { ByteReader } from '../../shared/codec/ByteReader.ts';
import { ByteWriter } from '../../shared/codec/ByteWriter.ts';
import { MetricProblem } from '../../shared/metrics/MetricProblem.ts';
import { type AnyMetric, SKIP } from '../../shared/metrics/types.ts';
import type { Fields } from '../../shared/record/types.ts';

/** A record with its event time, as the fold gives it to a metric. */
export interface TimedRecord {
  readonly fields: Fields;
  readonly eventMs: number;
}

/** Folds records into a fresh state, as the batch folder does (problems and skips contribute nothing). */
export const foldMetric = (metric: AnyMetric, records: readonly TimedRecord[]): unknown => {
  const state = metric.empty();
  for (const { fields, eventMs } of records) {
    const input = metric.input(fields, eventMs);
    if (input !== SKIP && !(input instanceof MetricProblem)) metric.add(state, input);
  }
  return state;
};

/** A pure merge: a new state, inputs untouched. */
export const mergeMetric = (metric: AnyMetric, a: unknown, b: unknown): unknown => {
  const target = metric.clone(a);
  metric.mergeInto(target, b);
  return target;
};

/** The canonical bytes of a state. */
export const encodeMetric = (metric: AnyMetric, state: unknown): Uint8Array => {
  const out = new ByteWriter();
  metric.encode(state, out);
  return out.finish();
};

export const decodeMetric = (metric: AnyMetric, bytes: Uint8Array): unknown => {
  const input = new ByteReader(bytes);
  const state = metric.decode(input);
  input.expectEnd();
  return state;
};

/** Two states are the same when their canonical encodings and their readable results are equal. */
export const sameState = (metric: AnyMetric, a: unknown, b: unknown): boolean =>
  Buffer.from(encodeMetric(metric, a)).equals(Buffer.from(encodeMetric(metric, b))) &&
  JSON.stringify(metric.result(a)) === JSON.stringify(metric.result(b));
