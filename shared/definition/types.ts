import type { DecodeLimits, FormatDecoder } from '../decode/types.ts';
import type { AnyMetric, Predicate } from '../metrics/types.ts';
import type { Duration } from '../time/duration.ts';
import type { TimestampFormat } from '../time/timestamp.ts';
import type { WindowSpec } from '../window/types.ts';

/** Where a record's event time comes from. */
export type EventTimeSource =
  | { readonly source: 'arrival' }
  | { readonly source: 'field'; readonly field: string; readonly format: TimestampFormat };

/** What a user writes: see {@link definePipeline}. */
export interface PipelineInput {
  /** Lower-case name, letters, digits and dashes, at most 48 characters: `requests-by-ip`. */
  readonly name: string;
  /** One sentence shown by `--help`, docs and dashboards. */
  readonly description?: string;
  /** The Kinesis stream the pipeline reads. */
  readonly stream: string;
  /** How a record's bytes become fields: `json()`, `csv({...})`, `accessLog()`. KPL and gzip are unwrapped first. */
  readonly decode: FormatDecoder;
  /**
   * Records for which this returns false are skipped (counted as `filtered`).
   * @default - every record is kept
   */
  readonly filter?: Predicate;
  /** Fields whose values form the group key (dotted paths allowed); `[]` folds everything into one group. */
  readonly groupBy: readonly string[];
  /**
   * Event time: `'arrival'` (the Kinesis arrival time), a field name holding an ISO 8601 timestamp, or
   * `{ field, format }` with format `'iso' | 'epoch-seconds' | 'epoch-millis' | 'clf'`.
   */
  readonly eventTime: 'arrival' | string | { readonly field: string; readonly format: TimestampFormat };
  /** `tumbling(size, { allowedLateness })` or `hopping(size, advance, { allowedLateness })`. */
  readonly window: WindowSpec;
  /** Named metrics: `{ requests: count(), bytes: sum('bytes') }`. */
  readonly metrics: Readonly<Record<string, AnyMetric>>;
  /** How long results are kept (DynamoDB TTL after the window ends): `'30d'`. */
  readonly retention: Duration;
  /**
   * Records whose event time is further ahead of their arrival time than this are rejected
   * (`timestamp-in-future`).
   * @default '5m'
   */
  readonly maxClockSkew?: Duration;
  /**
   * Decoding bounds.
   * @default - 1 MiB per record, 10 MiB after gzip decompression
   */
  readonly limits?: Partial<DecodeLimits>;
  /**
   * Numeric metrics that get a DynamoDB index ranking the groups of a window (`streamfold top` answers
   * with one Query). Each index adds a write per item update; at most 5.
   * @default - the first metric with a numeric result
   */
  readonly rankBy?: readonly string[];
  /**
   * Coalesced writes: how long the handler buffers a shard's results in Lambda's tumbling-window state
   * before writing each touched (group, window) item once (the event source mapping's
   * `TumblingWindowInSeconds`). Whole seconds, at most 900 s; `0` writes every batch. Results are at most
   * `flushEvery` plus the batching window old. See docs/adr/0002-coalesced-writes.md.
   * @default '60s'
   */
  readonly flushEvery?: Duration;
}

/** A validated, normalised, frozen pipeline definition: what every part of streamfold reads. */
export interface PipelineDefinition {
  readonly name: string;
  readonly description: string;
  readonly stream: string;
  readonly decode: FormatDecoder;
  readonly filter: Predicate | undefined;
  readonly groupBy: readonly string[];
  readonly eventTime: EventTimeSource;
  readonly window: WindowSpec;
  readonly metrics: Readonly<Record<string, AnyMetric>>;
  /** Metric names in definition order (the order of states in the encoded aggregate). */
  readonly metricNames: readonly string[];
  readonly retentionMs: number;
  readonly maxClockSkewMs: number;
  readonly limits: DecodeLimits;
  /** Metrics with a ranking index, in order. */
  readonly rankBy: readonly string[];
  /** Write-behind interval in ms (a whole number of seconds, ≤ 900 s); 0 = write every batch. */
  readonly flushEveryMs: number;
}
