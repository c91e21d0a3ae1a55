import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import { type AggregateState, decodeAggregate, encodeAggregate } from '../fold/aggregateCodec.ts';
import type { WindowResult } from '../fold/windowResult.ts';
import type { AnyMetric, MetricResult } from '../metrics/types.ts';
import { RESULT_ATTRIBUTES as A } from './attributes.ts';
import { metricAttribute, readMetricAttribute } from './attributeValues.ts';
import { ItemStateError } from './errors.ts';

/** The key of a results item. */
export interface ResultKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * The key of the item holding (pipeline, group, window).
 *
 * @example
 * resultKey('ohlc', 'ACME', Date.parse('2026-11-21T08:30:00Z')); // { pk: 'ohlc#ACME', sk: '2026-11-21T08:30:00.000Z' }
 */
export const resultKey = (pipeline: string, groupKey: string, windowStartMs: number): ResultKey => ({
  pk: `${pipeline}#${groupKey}`,
  sk: new Date(windowStartMs).toISOString(),
});

/** The `windowKey` of a window (partition key of the ranking indexes). */
export const windowKeyOf = (pipeline: string, windowStartMs: number): string =>
  `${pipeline}#${new Date(windowStartMs).toISOString()}`;

/** What a write needs besides the aggregate. */
export interface ResultItemInput {
  readonly groupKey: string;
  readonly group: Readonly<Record<string, string>>;
  readonly windowStartMs: number;
  readonly aggregate: AggregateState;
  /** Shard id → highest sequence number folded in. */
  readonly applied: Readonly<Record<string, string>>;
  readonly version: number;
  readonly nowMs: number;
  /**
   * Dead letters replayed into this item whose letters are not marked yet (docs/adr/0003-dead-letter-replay.md).
   * @default - none
   */
  readonly replayed?: readonly string[];
}

/**
 * Builds the full results item: keys, readable attributes for every metric, window bounds and status,
 * TTL, and the mergeable state with its exactly-once bookkeeping (`version`, `applied`).
 *
 * @example
 * const item = buildResultItem(definition, { groupKey, group, windowStartMs, aggregate, applied, version: 1, nowMs: Date.now() });
 */
export const buildResultItem = (
  definition: PipelineDefinition,
  input: ResultItemInput,
): Record<string, AttributeValue> => {
  const { window, name } = definition;
  const windowEndMs = input.windowStartMs + window.sizeMs;
  // A record may arrive until end + allowed lateness; in buffered mode it is written up to flushEvery later.
  const finalAtMs = windowEndMs + window.allowedLatenessMs + definition.flushEveryMs;
  const open = input.nowMs <= finalAtMs;
  const key = resultKey(name, input.groupKey, input.windowStartMs);
  const group: Record<string, AttributeValue> = {};
  for (const [field, value] of Object.entries(input.group)) group[field] = { S: value };
  const applied: Record<string, AttributeValue> = {};
  for (const [shard, sequence] of Object.entries(input.applied)) applied[shard] = { S: sequence };
  const item: Record<string, AttributeValue> = {
    [A.pk]: { S: key.pk },
    [A.sk]: { S: key.sk },
    [A.pipeline]: { S: name },
    [A.group]: { M: group },
    [A.groupKey]: { S: input.groupKey },
    [A.windowStart]: { S: key.sk },
    [A.windowEnd]: { S: new Date(windowEndMs).toISOString() },
    [A.windowKey]: { S: windowKeyOf(name, input.windowStartMs) },
    [A.status]: { S: open ? 'open' : 'final' },
    [A.finalAt]: { S: new Date(finalAtMs).toISOString() },
    [A.records]: { N: String(input.aggregate.records) },
    [A.updatedAt]: { S: new Date(input.nowMs).toISOString() },
    [A.expiresAt]: { N: String(Math.ceil((windowEndMs + definition.retentionMs) / 1000)) },
    [A.state]: { B: encodeAggregate(definition, input.aggregate) },
    [A.version]: { N: String(input.version) },
    [A.applied]: { M: applied },
  };
  if (open) item[A.openPipeline] = { S: name };
  if (input.replayed !== undefined && input.replayed.length > 0)
    item[A.replayed] = { SS: [...new Set(input.replayed)].sort() };
  definition.metricNames.forEach((metricName, i) => {
    const value = metricAttribute(
      (definition.metrics[metricName] as AnyMetric).result(input.aggregate.states[i]),
    );
    if (value !== undefined) item[metricName] = value;
  });
  return item;
};

/** The exactly-once bookkeeping and state of a stored item. */
export interface StoredAggregate {
  readonly aggregate: AggregateState;
  readonly version: number;
  readonly applied: Readonly<Record<string, string>>;
  /** Dead letters replayed into the item whose letters are not marked yet (see {@link ResultItemInput}). */
  readonly replayed: readonly string[];
}

/**
 * Reads the mergeable part of a stored item.
 *
 * @throws {ItemStateError} when the state is missing, corrupt, or from another definition of the metrics.
 * @example
 * const stored = readStoredAggregate(definition, item);
 */
export const readStoredAggregate = (
  definition: PipelineDefinition,
  item: Readonly<Record<string, AttributeValue>>,
): StoredAggregate => {
  const state = item[A.state]?.B;
  const version = Number(item[A.version]?.N);
  if (state === undefined || !Number.isSafeInteger(version)) {
    throw new ItemStateError(
      `Item ${item[A.pk]?.S ?? '?'} / ${item[A.sk]?.S ?? '?'} has no readable state or version; was it written by streamfold?`,
    );
  }
  let aggregate: AggregateState;
  try {
    aggregate = decodeAggregate(definition, state);
  } catch (error) {
    throw new ItemStateError(
      `Item ${item[A.pk]?.S} / ${item[A.sk]?.S} has unreadable state: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const applied: Record<string, string> = {};
  for (const [shard, value] of Object.entries(item[A.applied]?.M ?? {})) {
    if (value.S !== undefined) applied[shard] = value.S;
  }
  return { aggregate, version, applied, replayed: item[A.replayed]?.SS ?? [] };
};

/** A stored window's readable result, plus its status and bookkeeping times. */
export interface StoredWindowResult extends WindowResult {
  readonly status: 'open' | 'final';
  readonly updatedAt: string;
}

/**
 * Reads the readable attributes of a results item (no state decoding), as the query client does.
 *
 * @example
 * const result = readWindowResult(definition, item);
 */
export const readWindowResult = (
  definition: PipelineDefinition,
  item: Readonly<Record<string, AttributeValue>>,
): StoredWindowResult => {
  const group: Record<string, string> = {};
  for (const [field, value] of Object.entries(item[A.group]?.M ?? {})) group[field] = value.S ?? '';
  const metrics: Record<string, MetricResult> = {};
  for (const name of definition.metricNames) metrics[name] = readMetricAttribute(item[name]);
  return {
    group,
    window: { start: item[A.windowStart]?.S ?? '', end: item[A.windowEnd]?.S ?? '' },
    records: Number(item[A.records]?.N ?? 0),
    metrics,
    status: item[A.status]?.S === 'final' ? 'final' : 'open',
    updatedAt: item[A.updatedAt]?.S ?? '',
  };
};
