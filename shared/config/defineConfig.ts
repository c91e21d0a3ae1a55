import { ConfigError } from './errors.ts';
import type { StreamfoldConfig } from './types.ts';

/**
 * Declares a project's pipelines, for `streamfold.config.ts`. Checks that the names differ and that every
 * sample names a listed pipeline.
 *
 * @throws {ConfigError} naming the duplicate or unknown pipeline.
 * @example
 * // streamfold.config.ts
 * import { defineConfig } from 'streamfold';
 * import { actions } from './pipelines/actions.ts';
 *
 * export default defineConfig({ pipelines: [actions], samples: { actions: 'samples/actions.ndjson' } });
 */
export const defineConfig = (config: StreamfoldConfig): StreamfoldConfig => {
  const seen = new Set<string>();
  for (const pipeline of config.pipelines) {
    if (seen.has(pipeline.name)) {
      throw new ConfigError(`defineConfig: two pipelines are named "${pipeline.name}"; names must differ`);
    }
    seen.add(pipeline.name);
  }
  for (const name of Object.keys(config.samples ?? {})) {
    if (!seen.has(name)) {
      throw new ConfigError(
        `defineConfig: samples names no listed pipeline "${name}" (listed: ${[...seen].join(', ') || 'none'})`,
      );
    }
  }
  return config;
};
