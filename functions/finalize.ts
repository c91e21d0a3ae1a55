import { loadCatalog } from '../shared/config/loadCatalog.ts';
import { createFinalizeHandler } from './factory/createFinalizeHandler.ts';

/**
 * The finalizer as run locally, with the pipelines found as the CLI finds them (see `aggregate.ts`).
 */
export const handler = createFinalizeHandler(await loadCatalog());
