/**
 * `streamfold/testing`: helpers for testing your pipelines.
 *
 * @example
 * import { foldFile } from 'streamfold/testing';
 */

export type { FoldReport, FoldReportRejection, FoldReportResult } from '../fold/foldReport.ts';
export { type FoldFileOptions, foldFile } from './foldFile.ts';
