/** Attribute names of a results item (see docs/table.md). Metric names must not collide with these. */
export const RESULT_ATTRIBUTES = {
  /** Partition key: `<pipeline>#<group key>`. */
  pk: 'pk',
  /** Sort key: the window start, ISO 8601 (`2026-11-21T08:30:00.000Z`). */
  sk: 'sk',
  pipeline: 'pipeline',
  /** Group-by field → value, as a map. */
  group: 'group',
  groupKey: 'groupKey',
  windowStart: 'windowStart',
  windowEnd: 'windowEnd',
  /** `<pipeline>#<window start>`: partition key of the ranking indexes (all groups of one window). */
  windowKey: 'windowKey',
  /** `open` or `final`. */
  status: 'status',
  /** When the window becomes final: window end plus allowed lateness plus `flushEvery`, ISO 8601. */
  finalAt: 'finalAt',
  /** Present (the pipeline name) only while the window is open: partition key of the sparse `open-windows` index. */
  openPipeline: 'openPipeline',
  records: 'records',
  updatedAt: 'updatedAt',
  /** TTL: epoch seconds, window end plus retention. */
  expiresAt: 'expiresAt',
  /** Mergeable state (binary): the aggregate of every metric. */
  state: 'state',
  /** Optimistic-concurrency counter, incremented by every write. */
  version: 'version',
  /** Shard id → highest Kinesis sequence number folded into this item (exactly-once bookkeeping). */
  applied: 'applied',
  /**
   * Keys (sort keys) of dead letters whose replay wrote this item and is not yet marked on the letter
   * (a string set, present only in between; docs/adr/0003-dead-letter-replay.md).
   */
  replayed: 'replayed',
} as const;

/** Attribute names of a dead-letter item (see docs/table.md). */
export const DEAD_LETTER_ATTRIBUTES = {
  /** Partition key: `<pipeline>#<arrival date YYYY-MM-DD>`. */
  pk: 'pk',
  /** Sort key: `<arrival ISO>#<shard id>#<sequence number>#<sub-record>#<line>`; deterministic, so rewrites are idempotent. */
  sk: 'sk',
  expiresAt: 'expiresAt',
} as const;

/** Name of the sparse index of open windows (used to mark windows final). */
export const OPEN_WINDOWS_INDEX = 'open-windows';

/** Name of the index ranking the groups of a window by `metric`. */
export const rankIndexName = (metric: string): string => `rank-${metric}`;

/**
 * A shard's ceiling item in the results table (docs/adr/0002-coalesced-writes.md): `pk` = the pipeline
 * name (no `#`, so never a results item's key), `sk` = `shard#<shard id>`.
 */
export const SHARD_CEILING_ATTRIBUTES = {
  skPrefix: 'shard#',
  /** The highest sequence number of the shard possibly folded into any item, zero-padded to 130 digits. */
  ceiling: 'ceiling',
} as const;
