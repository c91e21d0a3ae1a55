import { decodeSource } from '../decode/decodeSource.ts';
import type { DecodeSink } from '../decode/types.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { compileFieldPath, type FieldGetter } from '../metrics/fieldPath.ts';
import { MetricProblem } from '../metrics/MetricProblem.ts';
import { type AnyMetric, SKIP } from '../metrics/types.ts';
import type { DecodedRecord, Fields, RecordOrigin, SourceRecord } from '../record/types.ts';
import { describeValue } from '../rejection/describeValue.ts';
import { excerpt } from '../rejection/excerpt.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import { MAX_EVENT_TIME_MS, MIN_EVENT_TIME_MS, parseTimestamp } from '../time/timestamp.ts';
import { assignWindows } from '../window/assignWindows.ts';
import { aggregateKey } from './aggregateKey.ts';
import { MAX_GROUP_KEY_BYTES } from './constants.ts';
import { encodeGroupKey } from './groupKey.ts';
import type { FoldedBatch, WindowAggregate } from './types.ts';

/** C0 and C1 control characters, and unpaired UTF-16 surrogates (not representable in a UTF-8 key). */
const UNFIT_FOR_KEY =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const NO_OPTIONS: FoldOptions = {};

/** A problem found while preparing one record; turns into a rejection. */
interface Problem {
  readonly reason: RejectionReason;
  readonly message: string;
}

/**
 * What one `fold` call works on. `windows` holds the batch's aggregates by window start, then group key,
 * so that finding a record's aggregate builds no key string (`batch.aggregates`, keyed by `aggregateKey`,
 * is filled once per new aggregate); the last window looked up is remembered, as most records share it.
 * An object literal, not a class instance: its hidden class then outlives every batch (see decodeSource).
 */
interface FoldState {
  readonly batch: FoldedBatch;
  readonly windows: Map<number, Map<string, WindowAggregate>>;
  lastStartMs: number;
  lastGroups: Map<string, WindowAggregate>;
  /** The Kinesis record being decoded. */
  sourceIndex: number;
  /** Only records and rejections whose origin this accepts are counted (see {@link FoldOptions}). */
  readonly select: ((origin: RecordOrigin) => boolean) | undefined;
  readonly ignoreLateness: boolean;
}

/** Options of one {@link BatchFolder.fold} call; a Lambda batch uses none. */
export interface FoldOptions {
  /**
   * Keep only the decoded records (and rejections) whose origin this accepts; the others are not counted
   * at all. Replay uses it to fold one line or KPL user record of a payload whose other parts were folded
   * when it was first delivered.
   * @default - every record
   */
  readonly select?: (origin: RecordOrigin) => boolean;
  /**
   * Fold records into every window they belong to, however late they arrived (an explicit replay of late
   * records, `streamfold replay --include-late`).
   * @default false
   */
  readonly ignoreLateness?: boolean;
}

/**
 * Folds batches of Kinesis records with one pipeline definition: decode, filter, event time, group key,
 * metric inputs, window assignment, lateness, then `add` into one state per (window, group).
 * Compiled once per definition (module scope in a Lambda), reused for every batch.
 *
 * A record is atomic: it is folded into all its on-time windows, or rejected as a whole (any metric input
 * problem rejects it before anything is added), or late.
 *
 * @example
 * const folder = new BatchFolder(requestsByIp);
 * const batch = folder.fold(sources);
 * batch.stats; // { in, folded, filtered, rejected, late, lateAssignments }
 */
export class BatchFolder {
  private readonly metrics: readonly AnyMetric[];
  private readonly groupGetters: readonly FieldGetter[];
  private readonly timeGetter: FieldGetter | undefined;
  private readonly inputs: unknown[];
  private readonly starts: number[] = [];
  private readonly groupValues: string[];
  /**
   * The decode sink, made once per folder and pointed at the batch being folded through `state`: a sink
   * made per batch would make the JIT drop the code it specialised on the previous batch's sink.
   */
  private readonly sink: DecodeSink;
  private state: FoldState | undefined;
  /**
   * Holds the last aggregate created, between batches. While one metric state of each kind lives, V8 keeps
   * the hidden classes of the states (sketches, exact sums) and the JIT code specialised on them through
   * a full GC; otherwise every full GC between batches would send the next batch back to unoptimised code
   * (measured: up to 3× slower batches). Costs one aggregate of memory per folder.
   */
  private readonly anchor: { aggregate: WindowAggregate | undefined } = { aggregate: undefined };

  public constructor(public readonly definition: PipelineDefinition) {
    this.metrics = definition.metricNames.map((name) => definition.metrics[name] as AnyMetric);
    this.groupGetters = definition.groupBy.map(compileFieldPath);
    this.timeGetter =
      definition.eventTime.source === 'field' ? compileFieldPath(definition.eventTime.field) : undefined;
    this.inputs = new Array(this.metrics.length);
    this.groupValues = new Array(definition.groupBy.length);
    this.sink = {
      record: (record) => {
        const state = this.state as FoldState;
        if (state.select !== undefined && !state.select(record.origin)) return;
        this.foldRecord(state, record);
      },
      reject: (rejection) => {
        const { batch, sourceIndex, select } = this.state as FoldState;
        if (select !== undefined && !select(rejection.origin)) return;
        batch.stats.in += 1;
        batch.stats.rejected += 1;
        batch.rejections.push(rejection);
        batch.rejectionSources.push(sourceIndex);
      },
    };
  }

  /** Folds one batch. Never throws on bad input: every record ends folded, filtered, rejected or late. */
  public fold(sources: readonly SourceRecord[], options: FoldOptions = NO_OPTIONS): FoldedBatch {
    const batch: FoldedBatch = {
      aggregates: new Map(),
      rejections: [],
      late: [],
      stats: { in: 0, folded: 0, filtered: 0, rejected: 0, late: 0, lateAssignments: 0 },
      rejectionSources: [],
      lateSources: [],
    };
    const state: FoldState = {
      batch,
      windows: new Map(),
      lastStartMs: Number.NaN,
      lastGroups: new Map(),
      sourceIndex: 0,
      select: options.select,
      ignoreLateness: options.ignoreLateness === true,
    };
    const outer = this.state; // a filter or metric predicate could, in principle, fold with this folder
    this.state = state;
    try {
      const { decode, limits } = this.definition;
      for (let i = 0; i < sources.length; i++) {
        state.sourceIndex = i;
        decodeSource(sources[i] as SourceRecord, decode, limits, this.sink);
      }
    } finally {
      this.state = outer;
    }
    return batch;
  }

  private foldRecord(state: FoldState, record: DecodedRecord): void {
    const { batch, sourceIndex } = state;
    const { stats } = batch;
    stats.in += 1;
    const def = this.definition;
    const fields = record.fields;
    if (def.filter !== undefined && !def.filter(fields)) {
      stats.filtered += 1;
      return;
    }
    const eventMs = this.eventTime(record);
    if (typeof eventMs !== 'number') {
      this.reject(batch, record, sourceIndex, eventMs);
      return;
    }
    const groupKey = this.groupKey(fields);
    if (typeof groupKey !== 'string') {
      this.reject(batch, record, sourceIndex, groupKey);
      return;
    }
    const { metrics, inputs } = this;
    for (let m = 0; m < metrics.length; m++) {
      const input = (metrics[m] as AnyMetric).input(fields, eventMs);
      if (input instanceof MetricProblem) {
        this.reject(batch, record, sourceIndex, input);
        return;
      }
      inputs[m] = input;
    }
    const { window } = def;
    const starts = this.starts;
    const windowCount = assignWindows(window, eventMs, starts);
    let onTime = 0;
    for (let w = 0; w < windowCount; w++) {
      const startMs = starts[w] as number;
      if (!state.ignoreLateness && record.arrivalMs > startMs + window.sizeMs + window.allowedLatenessMs)
        continue;
      onTime += 1;
      const groups = startMs === state.lastStartMs ? state.lastGroups : this.groupsOf(state, startMs);
      const aggregate = groups.get(groupKey) ?? this.newAggregate(batch, groups, startMs, groupKey);
      aggregate.records += 1;
      if (aggregate.members[aggregate.members.length - 1] !== sourceIndex)
        aggregate.members.push(sourceIndex);
      for (let m = 0; m < metrics.length; m++) {
        const input = inputs[m];
        if (input !== SKIP) (metrics[m] as AnyMetric).add(aggregate.states[m], input);
      }
    }
    if (onTime === 0) {
      stats.late += 1;
      batch.late.push({
        origin: record.origin,
        eventMs,
        arrivalMs: record.arrivalMs,
        windows: starts.slice(0, windowCount).map((startMs) => ({ startMs, endMs: startMs + window.sizeMs })),
        excerpt: excerpt(JSON.stringify(fields)),
      });
      batch.lateSources.push(sourceIndex);
      return;
    }
    stats.folded += 1;
    stats.lateAssignments += windowCount - onTime;
  }

  /** The aggregates of one window of the batch, by group key. */
  private groupsOf(state: FoldState, windowStartMs: number): Map<string, WindowAggregate> {
    let groups = state.windows.get(windowStartMs);
    if (groups === undefined) {
      groups = new Map();
      state.windows.set(windowStartMs, groups);
    }
    state.lastStartMs = windowStartMs;
    state.lastGroups = groups;
    return groups;
  }

  /** Creates the aggregate of a (window, group) seen for the first time in this batch. */
  private newAggregate(
    batch: FoldedBatch,
    groups: Map<string, WindowAggregate>,
    windowStartMs: number,
    groupKey: string,
  ): WindowAggregate {
    const { groupBy } = this.definition;
    const group: Record<string, string> = {};
    for (let i = 0; i < groupBy.length; i++) group[groupBy[i] as string] = this.groupValues[i] as string;
    const { metrics } = this;
    const states: unknown[] = new Array(metrics.length);
    for (let m = 0; m < metrics.length; m++) states[m] = (metrics[m] as AnyMetric).empty();
    const aggregate: WindowAggregate = {
      windowStartMs,
      windowEndMs: windowStartMs + this.definition.window.sizeMs,
      group,
      groupKey,
      records: 0,
      states,
      members: [],
    };
    groups.set(groupKey, aggregate);
    batch.aggregates.set(aggregateKey(windowStartMs, groupKey), aggregate);
    this.anchor.aggregate = aggregate;
    return aggregate;
  }

  private eventTime(record: DecodedRecord): number | Problem {
    const def = this.definition;
    if (def.eventTime.source === 'arrival') return record.arrivalMs;
    const { field, format } = def.eventTime;
    const value = (this.timeGetter as FieldGetter)(record.fields);
    if (value === undefined || value === null) {
      return {
        reason: 'missing-field',
        message: `Event time field "${field}" is ${value === null ? 'null' : 'missing'}`,
      };
    }
    const eventMs = parseTimestamp(value, format);
    if (eventMs === undefined) {
      return {
        reason: 'invalid-timestamp',
        message: `Event time field "${field}" is not a valid ${format} timestamp (${describeValue(value)})`,
      };
    }
    if (eventMs < MIN_EVENT_TIME_MS || eventMs > MAX_EVENT_TIME_MS) {
      return {
        reason: 'timestamp-out-of-range',
        message: `Event time field "${field}" is outside 1970–9999 (${describeValue(value)})`,
      };
    }
    if (eventMs > record.arrivalMs + def.maxClockSkewMs) {
      return {
        reason: 'timestamp-in-future',
        message: `Event time ${new Date(eventMs).toISOString()} is ${eventMs - record.arrivalMs} ms after the arrival time ${new Date(record.arrivalMs).toISOString()} (allowed skew ${def.maxClockSkewMs} ms)`,
      };
    }
    return eventMs;
  }

  private groupKey(fields: Fields): string | Problem {
    const { groupBy } = this.definition;
    const getters = this.groupGetters;
    const values = this.groupValues;
    let length = 0;
    for (let i = 0; i < getters.length; i++) {
      const value = (getters[i] as FieldGetter)(fields);
      let text: string;
      if (typeof value === 'string') text = value;
      else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
      else if (value === undefined || value === null) {
        return {
          reason: 'missing-field',
          message: `Group-by field "${groupBy[i]}" is ${value === null ? 'null' : 'missing'}`,
        };
      } else {
        return {
          reason: 'invalid-group-key',
          message: `Group-by field "${groupBy[i]}" must be a string, number or boolean (${describeValue(value)})`,
        };
      }
      if (UNFIT_FOR_KEY.test(text)) {
        return {
          reason: 'invalid-group-key',
          message: `Group-by field "${groupBy[i]}" contains control characters or unpaired surrogates (${describeValue(text)})`,
        };
      }
      values[i] = text;
      length += text.length;
    }
    const key = encodeGroupKey(values);
    if (length * 3 > MAX_GROUP_KEY_BYTES || key.length * 3 > MAX_GROUP_KEY_BYTES) {
      const bytes = Buffer.byteLength(key, 'utf8');
      if (bytes > MAX_GROUP_KEY_BYTES) {
        return {
          reason: 'group-key-too-long',
          message: `Group key is ${bytes} bytes of UTF-8; at most ${MAX_GROUP_KEY_BYTES} fit a DynamoDB key`,
        };
      }
    }
    return key;
  }

  private reject(batch: FoldedBatch, record: DecodedRecord, sourceIndex: number, problem: Problem): void {
    batch.stats.rejected += 1;
    batch.rejections.push({
      reason: problem.reason,
      message: problem.message,
      origin: record.origin,
      excerpt: excerpt(JSON.stringify(record.fields)),
    });
    batch.rejectionSources.push(sourceIndex);
  }
}
