import type { WindowResult } from '../../shared/fold/windowResult.ts';
import { DashboardError } from './errors.ts';

/** How long the dashboard draws a rollup range from its last read before reading it again, ms. */
export const DEFAULT_ROLLUP_REUSE_MS = 30_000;
/** Rollup reads the dashboard keeps at most (one per pipeline, range and set of groups drawn). */
export const DEFAULT_ROLLUP_CACHE_ENTRIES = 64;

/** Options of {@link RollupSeriesCache}. */
export interface RollupSeriesCacheOptions {
  /**
   * How long a read is reused, ms (0: never).
   * @default 30000
   */
  readonly reuseMs?: number;
  /**
   * Reads kept at most; the oldest goes first.
   * @default 64
   */
  readonly maxEntries?: number;
}

/** One rollup read kept. */
export interface RollupRead {
  readonly readAtMs: number;
  readonly results: readonly WindowResult[];
}

/**
 * The last rollup reads of a dashboard server, reused for `reuseMs`. A rollup range reads every window
 * of a day or a week per group (about 100 read units per group for a day of one-minute `ohlc` windows),
 * while the page refreshes every 2 s and an hour's or a day's points barely move in that time: reusing a
 * read for 30 s makes a rollup range cost about as much per minute as the window ranges. The key names
 * the table, the range, its newest bucket and the groups, so a new bucket is read at once.
 *
 * @throws {DashboardError} for a negative `reuseMs` or a `maxEntries` that is not a positive integer.
 * @example
 * const cache = new RollupSeriesCache({ reuseMs: 30_000 });
 * const results = cache.get(key, nowMs) ?? cache.set(key, await read(), nowMs);
 */
export class RollupSeriesCache {
  private readonly entries = new Map<string, RollupRead>();
  private readonly reuseMs: number;
  private readonly maxEntries: number;

  public constructor(options: RollupSeriesCacheOptions = {}) {
    this.reuseMs = options.reuseMs ?? DEFAULT_ROLLUP_REUSE_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_ROLLUP_CACHE_ENTRIES;
    if (!Number.isFinite(this.reuseMs) || this.reuseMs < 0) {
      throw new DashboardError(`reuseMs must be a non-negative number of ms (given ${this.reuseMs})`);
    }
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new DashboardError(`maxEntries must be a positive integer (given ${this.maxEntries})`);
    }
  }

  /** The read kept under `key`, when it was made less than `reuseMs` before `nowMs`, and when. */
  public get(key: string, nowMs: number): RollupRead | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs - entry.readAtMs >= this.reuseMs || nowMs < entry.readAtMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps a read made at `nowMs`, and returns its results. */
  public set(key: string, results: readonly WindowResult[], nowMs: number): readonly WindowResult[] {
    this.entries.delete(key);
    this.entries.set(key, { readAtMs: nowMs, results });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return results;
  }
}
