/**
 * `streamfold/lambda`: the handler factories a deployed function uses. `StreamAggregation` bundles an entry
 * that calls them with your config; call them yourself to wrap the handler.
 *
 * @example
 * import { createAggregateHandler } from 'streamfold/lambda';
 * import config from '../streamfold.config.ts';
 * export const handler = createAggregateHandler(config);
 */
export { ConfigurationError, type FunctionConfig, readConfig } from './commons/config.ts';
export { type AggregateHandler, createAggregateHandler } from './factory/createAggregateHandler.ts';
export { createFinalizeHandler, type FinalizeHandler } from './factory/createFinalizeHandler.ts';
