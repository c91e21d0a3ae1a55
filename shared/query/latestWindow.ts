import type { WindowBounds } from '../window/types.ts';
import { DEFAULT_SEARCH_CONCURRENCY, DEFAULT_SEARCH_WINDOWS } from './constants.ts';
import { QueryInputError } from './errors.ts';
import { ResultsTableReader } from './ResultsTableReader.ts';
import type { ResultsTableTarget } from './types.ts';
import { windowKeyCondition, windowRangeFilter } from './windowConditions.ts';
import { windowIndexOf } from './windowIndex.ts';
import { windowStartAtOrBefore } from './windowStarts.ts';

/** Options of {@link latestWindow}. */
export interface LatestWindowOptions extends ResultsTableTarget {
  /**
   * The current time, epoch ms: the search starts at the newest window starting at or before it.
   * @default Date.now()
   */
  readonly nowMs?: number;
  /**
   * How many windows back to look, the current one included.
   * @default 60
   */
  readonly searchWindows?: number;
  /**
   * Windows probed at once.
   * @default 4
   */
  readonly concurrency?: number;
}

/**
 * Finds the start of the newest window with data, probing windows newest first with one `Limit: 1`
 * Query each on a ranking index (a Scan of the range for pipelines without one).
 *
 * Shared by {@link latestWindow} and `topGroups`, which count the requests of one reader.
 *
 * @example
 * const startMs = await findLatestWindowStart(new ResultsTableReader(target), { nowMs: Date.now() });
 */
export const findLatestWindowStart = async (
  reader: ResultsTableReader,
  options: Pick<LatestWindowOptions, 'nowMs' | 'searchWindows' | 'concurrency'>,
): Promise<number | undefined> => {
  const { definition } = reader;
  const { advanceMs } = definition.window;
  const searchWindows = options.searchWindows ?? DEFAULT_SEARCH_WINDOWS;
  const concurrency = options.concurrency ?? DEFAULT_SEARCH_CONCURRENCY;
  if (!Number.isInteger(searchWindows) || searchWindows < 1) {
    throw new QueryInputError(`searchWindows must be a positive integer (given ${searchWindows})`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new QueryInputError(`concurrency must be a positive integer (given ${concurrency})`);
  }
  const newest = windowStartAtOrBefore(definition.window, options.nowMs ?? Date.now());
  const oldest = newest - (searchWindows - 1) * advanceMs;
  const index = windowIndexOf(definition);
  if (index === undefined) {
    const results = await reader.scan(windowRangeFilter(definition, oldest, newest));
    const latest = results.reduce<string | undefined>(
      (max, r) => (max === undefined || r.window.start > max ? r.window.start : max),
      undefined,
    );
    return latest === undefined ? undefined : Date.parse(latest);
  }
  for (let offset = 0; offset < searchWindows; offset += concurrency) {
    const chunk = Array.from(
      { length: Math.min(concurrency, searchWindows - offset) },
      (_, i) => newest - (offset + i) * advanceMs,
    );
    const found = await Promise.all(
      chunk.map((start) => reader.exists(windowKeyCondition(definition, start), index.indexName)),
    );
    const at = found.indexOf(true);
    if (at >= 0) return chunk[at];
  }
  return undefined;
};

/**
 * The newest window with data, searching back from now: `{ startMs, endMs }`, or `undefined` when none of
 * the last `searchWindows` windows has any. Windows ahead of `nowMs` (records with a skewed clock) are not
 * considered. Costs one small Query per window probed (`concurrency` at a time, newest first), so usually
 * one when data is flowing.
 *
 * @example
 * const latest = await latestWindow({ client, tableName, definition: requestsByIp });
 * if (latest) console.log(new Date(latest.startMs).toISOString());
 */
export const latestWindow = async (options: LatestWindowOptions): Promise<WindowBounds | undefined> => {
  const startMs = await findLatestWindowStart(new ResultsTableReader(options), options);
  return startMs === undefined ? undefined : { startMs, endMs: startMs + options.definition.window.sizeMs };
};
