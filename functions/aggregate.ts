import { loadCatalog } from '../shared/config/loadCatalog.ts';
import { createAggregateHandler } from './factory/createAggregateHandler.ts';

/**
 * The aggregation Lambda as the local runtime runs it (`streamfold dev`, in worker threads): the pipelines
 * of `STREAMFOLD_CONFIG`, else of the nearest streamfold.config.ts, else the built-in examples, as the CLI
 * finds them. A deployed function runs the entry `StreamAggregation` bundles, which imports the config
 * statically (see `createAggregateHandler`).
 */
export const handler = createAggregateHandler(await loadCatalog());
