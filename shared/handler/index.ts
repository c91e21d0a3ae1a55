export { BatchProcessor, type BatchProcessorOptions, type RemainingTime } from './BatchProcessor.ts';
export { toSourceRecord } from './toSourceRecord.ts';
export type { BatchReport, HandlerTelemetry } from './types.ts';
