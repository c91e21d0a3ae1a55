import type { PipelineDefinition } from '../definition/types.ts';

/**
 * Whether a value is a pipeline definition made with `definePipeline` (a name, metric names and a window):
 * how a config's `pipelines` and a pipeline module's exports are told apart from other values.
 *
 * @example
 * const definitions = Object.values(await import('./orders.ts')).filter(isDefinition);
 */
export const isDefinition = (value: unknown): value is PipelineDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PipelineDefinition).name === 'string' &&
  Array.isArray((value as PipelineDefinition).metricNames) &&
  typeof (value as PipelineDefinition).window === 'object';
