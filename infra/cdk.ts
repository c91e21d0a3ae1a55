/**
 * `streamfold/cdk`: the `StreamAggregation` construct (one pipeline on AWS), the `StreamfoldStack` of
 * several, and the app helper a project's `infra/app.ts` calls.
 *
 * @example
 * import { runStreamfoldApp } from 'streamfold/cdk';
 * await runStreamfoldApp();
 */

export { describeOrigin, type LoadCatalogOptions, loadCatalog } from '../shared/config/loadCatalog.ts';
export * from './constructs/index.ts';
export { createApp, STACK_NAME } from './createApp.ts';
export { AppContextError } from './errors.ts';
export { type RunAppIo, runApp, SETTING_ERROR_EXIT } from './runApp.ts';
export { type RunStreamfoldAppOptions, runStreamfoldApp } from './runStreamfoldApp.ts';
export { selectPipelines } from './selectPipelines.ts';
export { StreamfoldStack, type StreamfoldStackProps } from './stacks/StreamfoldStack.ts';
