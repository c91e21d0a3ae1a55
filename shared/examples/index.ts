import type { PipelineDefinition } from '../definition/types.ts';
import { categoryAverages } from './categoryAverages.ts';
import { ohlc } from './ohlc.ts';
import { requestsByIp } from './requestsByIp.ts';
import { sensorStats } from './sensorStats.ts';

export { categoryAverages } from './categoryAverages.ts';
export { ohlc } from './ohlc.ts';
export { requestsByIp } from './requestsByIp.ts';
export { EXAMPLE_SAMPLES } from './samples.ts';
export { sensorStats } from './sensorStats.ts';

/** The built-in example pipelines, by name. */
export const EXAMPLE_PIPELINES: ReadonlyMap<string, PipelineDefinition> = new Map(
  [requestsByIp, categoryAverages, ohlc, sensorStats].map((pipeline) => [pipeline.name, pipeline]),
);
