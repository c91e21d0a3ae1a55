import type { App, AppProps } from 'aws-cdk-lib';
import { ConfigError } from '../shared/config/errors.ts';
import { type LoadCatalogOptions, loadCatalog } from '../shared/config/loadCatalog.ts';
import { createApp } from './createApp.ts';
import { AppContextError } from './errors.ts';
import { type RunAppIo, runApp } from './runApp.ts';

/** Options of {@link runStreamfoldApp}. */
export interface RunStreamfoldAppOptions extends LoadCatalogOptions {
  /** @default {} */
  readonly appProps?: AppProps;
  /** @default - process streams and exit */
  readonly io?: RunAppIo;
}

/**
 * The streamfold CDK app of a project, for `infra/app.ts`: finds the project's pipelines as every
 * `streamfold` command does (`config`, else `STREAMFOLD_CONFIG`, else the nearest `streamfold.config.ts`,
 * else the built-in examples) and deploys them (one `StreamfoldStack`, pipelines chosen with
 * `-c pipelines=…`). A config or setting error prints one line and exits with status 2.
 *
 * @example
 * // infra/app.ts
 * import { runStreamfoldApp } from 'streamfold/cdk';
 * await runStreamfoldApp();
 */
export const runStreamfoldApp = async (options: RunStreamfoldAppOptions = {}): Promise<App | undefined> => {
  let catalog: Awaited<ReturnType<typeof loadCatalog>> | undefined;
  let failure: unknown;
  try {
    catalog = await loadCatalog(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    failure = error;
  }
  return runApp(() => {
    if (catalog === undefined) throw new AppContextError((failure as Error).message, { cause: failure });
    return createApp(options.appProps ?? {}, catalog);
  }, options.io);
};
