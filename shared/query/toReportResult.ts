import type { FoldReportResult } from '../fold/foldReport.ts';
import type { WindowResult } from '../fold/windowResult.ts';

/**
 * A result in the shape of `streamfold fold --json` results: `{ group, window: { start, end }, metrics }`,
 * so that `query --json` and `fold --json` of the same data compare equal.
 *
 * @example
 * const json = { pipeline: 'ohlc', results: results.map(toReportResult) };
 */
export const toReportResult = (result: WindowResult): FoldReportResult => ({
  group: result.group,
  window: { start: result.window.start, end: result.window.end },
  metrics: result.metrics,
});
