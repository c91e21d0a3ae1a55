export {
  BatchProcessor,
  type BatchProcessorOptions,
  DEFAULT_MAX_STATE_BYTES,
  isWindowEvent,
  type RemainingTime,
} from './BatchProcessor.ts';
export { BufferedWriteError } from './errors.ts';
export { type EventRecordContext, toKinesisStreamRecord } from './toKinesisStreamRecord.ts';
export { toSourceRecord } from './toSourceRecord.ts';
export type { BatchReport, HandlerTelemetry } from './types.ts';
