export {
  type AggregateState,
  decodeAggregate,
  emptyAggregate,
  encodeAggregate,
  mergeAggregate,
  metricsFingerprint,
} from './aggregateCodec.ts';
export { aggregateKey } from './aggregateKey.ts';
export { BatchFolder, type FoldOptions } from './BatchFolder.ts';
export { GROUP_KEY_SEPARATOR, MAX_GROUP_KEY_BYTES } from './constants.ts';
export {
  buildFoldReport,
  type FoldReport,
  type FoldReportRejection,
  type FoldReportResult,
} from './foldReport.ts';
export { decodeGroupKey, encodeGroupKey } from './groupKey.ts';
export type { FoldedBatch, FoldStats, LateRecord, WindowAggregate } from './types.ts';
export { compareResults, type WindowResult, windowResult } from './windowResult.ts';
