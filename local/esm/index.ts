export {
  EVENT_SOURCE_MAPPING_DEFAULTS,
  FUNCTION_DEFAULTS,
  POLLING_DEFAULTS,
  SETTING_LIMITS,
} from './defaults.ts';
export {
  type DrainOptions,
  EventSourceMapping,
  type EventSourceMappingOptions,
} from './EventSourceMapping.ts';
export { DrainTimeoutError, EventSourceMappingSettingsError, FunctionError } from './errors.ts';
export { fileDestination } from './fileDestination.ts';
export { HandlerContainer, type HandlerContainerOptions } from './HandlerContainer.ts';
export { type InvocationVerdict, interpretResponse } from './interpretResponse.ts';
export {
  type EventRecordContext,
  eventRecordBytes,
  kinesisStreamEvent,
  streamArn,
  toKinesisStreamRecord,
} from './kinesisStreamEvent.ts';
export { type MemoryDestination, memoryDestination } from './memoryDestination.ts';
export { resolveSettings } from './resolveSettings.ts';
export {
  ShardPoller,
  type ShardPollerOptions,
  type ShardPollerTimings,
  type ShardRunResult,
} from './ShardPoller.ts';
export type {
  EventSourceMappingEvent,
  EventSourceMappingSettings,
  FunctionLogLine,
  InvokeResult,
  Invoker,
  KinesisBatchInfo,
  OnFailureCondition,
  OnFailureDestination,
  OnFailureRecord,
  ShardState,
  ShardStats,
  StartingPosition,
} from './types.ts';
export {
  type WorkerInvoker,
  type WorkerInvokerOptions,
  type WorkerInvokerStats,
  workerInvoker,
} from './workerInvoker.ts';
