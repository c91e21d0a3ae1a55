export {
  DEFAULT_MAX_WINDOWS,
  DEFAULT_QUERY_CONCURRENCY,
  DEFAULT_QUERY_RANGE_MS,
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_SEARCH_CONCURRENCY,
  DEFAULT_SEARCH_WINDOWS,
  DEFAULT_TOP_LIMIT,
} from './constants.ts';
export {
  AwsAccessError,
  IndexNotFoundError,
  QueryCostError,
  QueryError,
  QueryInputError,
  type ReportedTableSize,
  ScanNotAllowedError,
  TableNotFoundError,
} from './errors.ts';
export {
  type LatestWindow,
  type LatestWindowOptions,
  type LatestWindowStart,
  latestWindow,
} from './latestWindow.ts';
export {
  groupOf,
  type MergedWindows,
  mergeWindowItems,
  ROLLUP_ATTRIBUTES,
  type RollupResult,
} from './mergeWindowItems.ts';
export { assertNumericMetric, numericMetricNames } from './numericMetrics.ts';
export { queryStrategy } from './queryStrategy.ts';
export { type QueryWindowsOptions, type QueryWindowsResult, queryWindows } from './queryWindows.ts';
export { type Expression, ResultsTableReader } from './ResultsTableReader.ts';
export { readQueryResult } from './readQueryResult.ts';
export {
  DEFAULT_MAX_ROLLUP_QUERIES,
  type RollupOptions,
  type RollupOutcome,
  type RollupProgress,
  rollup,
} from './rollup.ts';
export { type RollupEvery, type RollupPlan, rollupPlan } from './rollupPlan.ts';
export { type GroupSelection, matchesGroup, selectGroup } from './selectGroup.ts';
export { type TopGroupsOptions, type TopGroupsResult, topGroups, type WindowChoice } from './topGroups.ts';
export {
  type TopGroupsOverRangeOptions,
  type TopGroupsOverRangeResult,
  topGroupsOverRange,
} from './topGroupsOverRange.ts';
export { toReportResult } from './toReportResult.ts';
export { translateAwsError } from './translateAwsError.ts';
export type { QueryResult, QueryStrategy, ResultsTableTarget } from './types.ts';
export { type WindowIndex, windowIndexOf } from './windowIndex.ts';
export { countWindowStarts, windowStartAtOrBefore, windowStartsBetween } from './windowStarts.ts';
