/**
 * streamfold's public API: define pipelines, decode records, fold them into mergeable window aggregates.
 *
 * @example
 * import { definePipeline, json, tumbling, count, sum } from 'streamfold';
 */
export * from './aws/index.ts';
export * from './codec/index.ts';
export * from './config/index.ts';
export * from './deadletters/index.ts';
export * from './decode/index.ts';
export * from './definition/index.ts';
export * from './deploy/index.ts';
export * from './examples/index.ts';
export * from './fold/index.ts';
export * from './handler/index.ts';
export * from './metrics/index.ts';
export * from './producer/index.ts';
export * from './query/index.ts';
export * from './record/index.ts';
export * from './redrive/index.ts';
export * from './rejection/index.ts';
export * from './replay/index.ts';
export * from './sketch/index.ts';
export * from './storage/index.ts';
export * from './stream/index.ts';
export * from './time/index.ts';
export * from './window/index.ts';
