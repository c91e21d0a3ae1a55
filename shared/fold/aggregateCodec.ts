import { ByteReader } from '../codec/ByteReader.ts';
import { ByteWriter } from '../codec/ByteWriter.ts';
import { CodecError } from '../codec/errors.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import type { AnyMetric } from '../metrics/types.ts';

const FORMAT_VERSION = 1;

/**
 * A 32-bit FNV-1a fingerprint of the metric names and descriptions, written with every state so that state
 * written under one definition of the metrics is never read as another.
 */
export const metricsFingerprint = (definition: PipelineDefinition): number => {
  const text = definition.metricNames
    .map((name) => `${name}=${(definition.metrics[name] as AnyMetric).description}`)
    .join(';');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};

/** The mergeable part of a (window, group): the record count and one state per metric. */
export interface AggregateState {
  records: number;
  readonly states: unknown[];
}

/**
 * Encodes an aggregate's mergeable state: version, metrics fingerprint, record count, then each metric's
 * state (length-prefixed) in definition order.
 *
 * @example
 * const bytes = encodeAggregate(definition, aggregate);
 */
export const encodeAggregate = (definition: PipelineDefinition, aggregate: AggregateState): Uint8Array => {
  const out = new ByteWriter(128);
  out.byte(FORMAT_VERSION).uvarint(metricsFingerprint(definition)).uvarint(aggregate.records);
  definition.metricNames.forEach((name, i) => {
    const inner = new ByteWriter(32);
    (definition.metrics[name] as AnyMetric).encode(aggregate.states[i], inner);
    out.bytes(inner.finish());
  });
  return out.finish();
};

/**
 * Decodes what {@link encodeAggregate} wrote.
 *
 * @throws {CodecError} when the bytes are corrupt, of another format version, or were written by a
 * different definition of the pipeline's metrics.
 * @example
 * const state = decodeAggregate(definition, item.state);
 */
export const decodeAggregate = (definition: PipelineDefinition, bytes: Uint8Array): AggregateState => {
  const input = new ByteReader(bytes);
  const version = input.byte();
  if (version !== FORMAT_VERSION) {
    throw new CodecError(
      `Aggregate state has format version ${version}; this build reads version ${FORMAT_VERSION}`,
    );
  }
  const fingerprint = input.uvarint();
  const expected = metricsFingerprint(definition);
  if (fingerprint !== expected) {
    throw new CodecError(
      `Aggregate state was written by a different definition of pipeline "${definition.name}"'s metrics (fingerprint ${fingerprint}, expected ${expected})`,
    );
  }
  const records = input.uvarint();
  const states = definition.metricNames.map((name) => {
    const inner = new ByteReader(input.bytes());
    const state = (definition.metrics[name] as AnyMetric).decode(inner);
    inner.expectEnd();
    return state;
  });
  input.expectEnd();
  return { records, states };
};

/**
 * Merges `source` into `target` metric by metric (`source` is unchanged).
 *
 * @example
 * mergeAggregate(definition, stored, batchDelta);
 */
export const mergeAggregate = (
  definition: PipelineDefinition,
  target: AggregateState,
  source: AggregateState,
): void => {
  target.records += source.records;
  definition.metricNames.forEach((name, i) => {
    (definition.metrics[name] as AnyMetric).mergeInto(target.states[i], source.states[i]);
  });
};

/**
 * An empty aggregate: zero records and every metric's empty state.
 *
 * @example
 * const zero = emptyAggregate(definition);
 */
export const emptyAggregate = (definition: PipelineDefinition): AggregateState => ({
  records: 0,
  states: definition.metricNames.map((name) => (definition.metrics[name] as AnyMetric).empty()),
});
