import { queryWindows } from '../../shared/query/queryWindows.ts';
import type { QueryResult, ResultsTableTarget } from '../../shared/query/types.ts';

/** One group's results over a range of window starts. */
export interface SeriesRequest extends ResultsTableTarget {
  /** Every `groupBy` field: one Query on the group's partition. */
  readonly group: Readonly<Record<string, string>>;
  readonly fromMs: number;
  readonly toMs: number;
  readonly nowMs: number;
}

/** Where the dashboard's charts over time read their points. */
export interface SeriesSource {
  /** `windows`: one point per stored window; `rollups`: one per merged hour or day. */
  readonly resolution: 'windows' | 'rollups';
  read(request: SeriesRequest): Promise<readonly QueryResult[]>;
}

/** Reads the stored windows themselves: one Query on the group's partition for the whole range. */
export const windowSeriesSource: SeriesSource = {
  resolution: 'windows',
  read: async (request) => (await queryWindows(request)).results,
};

/**
 * The source of the charts over time for a range. Today every range reads the stored windows (the
 * dashboard's ranges are at most `MAX_RANGE_WINDOWS` windows). This is the one place to change when the
 * query library merges windows into hours and days (issue 13, `shared/query/rollup.ts`): return a
 * source whose `resolution` is `rollups` for ranges longer than a few hundred windows, and the page
 * labels its points accordingly.
 *
 * @example
 * const source = seriesSourceFor(definition, 30 * 60_000);
 */
export const seriesSourceFor = (
  _definition: ResultsTableTarget['definition'],
  _rangeMs: number,
): SeriesSource => windowSeriesSource;
