/** Attribute names the results item uses itself; metric names must not collide with them. */
export const RESERVED_METRIC_NAMES: readonly string[] = [
  'pk',
  'sk',
  'pipeline',
  'group',
  'groupKey',
  'window',
  'windowStart',
  'windowEnd',
  'windowKey',
  'finalAt',
  'openPipeline',
  'status',
  'records',
  'updatedAt',
  'expiresAt',
  'state',
  'version',
  'applied',
  'gsi1pk',
  'gsi1sk',
];

/** Pipeline names become parts of AWS resource names and DynamoDB keys. */
export const PIPELINE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,47}$/;
/** Metric names become DynamoDB attribute names. */
export const METRIC_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Kinesis stream names. */
export const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
/** At most this many group-by fields. */
export const MAX_GROUP_BY_FIELDS = 8;
/** Default tolerance for event times ahead of the arrival time. */
export const DEFAULT_MAX_CLOCK_SKEW = '5m';

/** Metric kinds whose result is one number, so they can rank groups in an index. */
export const RANKABLE_METRIC_KINDS: readonly string[] = [
  'count',
  'sum',
  'min',
  'max',
  'mean',
  'variance',
  'stddev',
  'first',
  'last',
  'weightedMean',
  'distinct',
];
/** Metric kinds that read their fields as numbers (a text field would reject every record). */
export const NUMERIC_METRIC_KINDS: readonly string[] = [
  'sum',
  'min',
  'max',
  'mean',
  'variance',
  'stddev',
  'first',
  'last',
  'weightedMean',
  'quantiles',
];
/**
 * Room a results item keeps beside metric states whose size is bounded (dense HyperLogLogs): keys and the
 * group (a group key may take up to 2 KB, and appears three times), readable results, bookkeeping.
 */
export const ITEM_RESERVE_BYTES = 16 * 1024;
/** At most this many ranking indexes per pipeline. */
export const MAX_RANK_BY = 5;
/**
 * Default write-behind interval: each busy (group, window) item is written about once a minute per shard
 * instead of once per batch (bench figure 7 prices the choice); results are then at most ~65 s old.
 */
export const DEFAULT_FLUSH_EVERY = '60s';
/** Lambda's limit on `TumblingWindowInSeconds`. */
export const MAX_FLUSH_EVERY_MS = 900_000;
