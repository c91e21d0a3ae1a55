import { isComplete } from '../window/lateness.ts';
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

/** The window a latest-window search found. */
export interface LatestWindowStart {
  readonly startMs: number;
  /** The window has not ended yet: it is still receiving records (see `isComplete`). */
  readonly partial: boolean;
}

/**
 * Finds the newest *complete* window with data (its end has passed, see `isComplete`), probing windows newest
 * first with one `Limit: 1` Query each on a ranking index (for pipelines without one, one Scan of the whole
 * table filtered on the range, which reads every item however short the range);
 * only when no complete window of the search has data, the newest partial window with data (so a pipeline
 * that just started still shows something), marked `partial`. The search covers the `searchWindows` windows
 * that start at or before `nowMs`.
 *
 * Shared by {@link latestWindow} and `topGroups`, which count the requests of one reader.
 *
 * @example
 * const found = await findLatestWindowStart(new ResultsTableReader(target), { nowMs: Date.now() });
 */
export const findLatestWindowStart = async (
  reader: ResultsTableReader,
  options: Pick<LatestWindowOptions, 'nowMs' | 'searchWindows' | 'concurrency'>,
): Promise<LatestWindowStart | undefined> => {
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
  const nowMs = options.nowMs ?? Date.now();
  const newest = windowStartAtOrBefore(definition.window, nowMs);
  const oldest = newest - (searchWindows - 1) * advanceMs;
  const starts = Array.from({ length: searchWindows }, (_, i) => newest - i * advanceMs);
  const complete = starts.filter((start) => isComplete(definition.window, start, nowMs));
  const partial = starts.filter((start) => !isComplete(definition.window, start, nowMs));
  const found = (startMs: number | undefined): LatestWindowStart | undefined =>
    startMs === undefined ? undefined : { startMs, partial: !isComplete(definition.window, startMs, nowMs) };
  const index = windowIndexOf(definition);
  if (index === undefined) {
    const results = await reader.scan(windowRangeFilter(definition, oldest, newest));
    const withData = new Set(results.map((r) => Date.parse(r.window.start)));
    return found(complete.find((s) => withData.has(s)) ?? partial.find((s) => withData.has(s)));
  }
  const newestWithData = async (candidates: readonly number[]): Promise<number | undefined> => {
    for (let offset = 0; offset < candidates.length; offset += concurrency) {
      const chunk = candidates.slice(offset, offset + concurrency);
      const hits = await Promise.all(
        chunk.map((start) => reader.exists(windowKeyCondition(definition, start), index.indexName)),
      );
      const at = hits.indexOf(true);
      if (at >= 0) return chunk[at];
    }
    return undefined;
  };
  return found((await newestWithData(complete)) ?? (await newestWithData(partial)));
};

/** A window found by {@link latestWindow}. */
export interface LatestWindow extends WindowBounds {
  /** The window has not ended yet: it is still receiving records. */
  readonly partial: boolean;
}

/**
 * The newest complete window with data, searching back from now (see {@link findLatestWindowStart}):
 * `{ startMs, endMs, partial }`, or `undefined` when none of the last `searchWindows` windows has any.
 * `partial` is true only when no complete window has data but a window still receiving records does.
 * Windows ahead of `nowMs` (records with a skewed clock) are not considered. Costs one small Query per
 * window probed (`concurrency` at a time, newest first), so usually one when data is flowing.
 *
 * @example
 * const latest = await latestWindow({ client, tableName, definition: requestsByIp });
 * if (latest) console.log(new Date(latest.startMs).toISOString(), latest.partial ? '(partial)' : '');
 */
export const latestWindow = async (options: LatestWindowOptions): Promise<LatestWindow | undefined> => {
  const latest = await findLatestWindowStart(new ResultsTableReader(options), options);
  return latest === undefined
    ? undefined
    : { ...latest, endMs: latest.startMs + options.definition.window.sizeMs };
};
