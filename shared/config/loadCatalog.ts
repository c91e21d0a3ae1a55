import { existsSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DefinitionError } from '../definition/errors.ts';
import { ownModule, runsFromSource } from '../runtime/ownModule.ts';
import { ConfigError } from './errors.ts';
import { findConfigFile } from './findConfigFile.ts';
import { isDefinition } from './isDefinition.ts';
import { registerTypeScriptAsModule } from './typeScriptAsModule.ts';
import type { PipelineCatalog, StreamfoldConfig } from './types.ts';

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  /**
   * The config file to load (`--config`).
   * @default - `STREAMFOLD_CONFIG`, else the nearest `streamfold.config.ts|.js|.mjs` from `cwd`, else the built-in examples
   */
  readonly config?: string;
  /**
   * Where to start looking for a config file, and what a relative `config` is relative to.
   * @default process.cwd()
   */
  readonly cwd?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The config file of the built-in examples: streamfold's own `streamfold.config.ts` (compiled, in the package). */
export const BUILT_IN_CONFIG = fileURLToPath(ownModule('../../streamfold.config', import.meta.url));

let typeScriptLoader: Promise<void> | undefined;

/**
 * Registers tsx's ESM loader once, so that `import()` of a `.ts` file works without the user installing
 * anything. Running from source, the launcher registered it already.
 */
const ensureTypeScriptLoader = (): Promise<void> => {
  typeScriptLoader ??= (async () => {
    if (!runsFromSource(import.meta.url)) (await import('tsx/esm/api')).register();
    registerTypeScriptAsModule();
  })();
  return typeScriptLoader;
};

const readConfig = (module: Record<string, unknown>, file: string): StreamfoldConfig => {
  const exported = (module.default ?? module) as Partial<Record<keyof StreamfoldConfig, unknown>>;
  const { pipelines, samples } = exported;
  if (!Array.isArray(pipelines)) {
    throw new ConfigError(
      `${file} must export default defineConfig({ pipelines: [...] }) (or a named "pipelines" array); it exports: ${Object.keys(module).join(', ') || 'nothing'}`,
    );
  }
  const bad = pipelines.findIndex((p) => !isDefinition(p));
  if (bad >= 0) {
    throw new ConfigError(
      `${file}: pipelines[${bad}] is not a pipeline made with definePipeline() (given ${typeof pipelines[bad]})`,
    );
  }
  if (samples !== undefined && (typeof samples !== 'object' || samples === null)) {
    throw new ConfigError(`${file}: samples must map pipeline names to file paths (given ${typeof samples})`);
  }
  return { pipelines, samples: (samples ?? {}) as Record<string, string> };
};

/**
 * Imports a config file: TypeScript through tsx's loader (registered on first use), JavaScript as it is.
 *
 * @throws {ConfigError} when the file is missing, does not load, or exports no pipelines.
 * @example
 * const config = await importConfig('/home/me/shop/streamfold.config.ts');
 */
export const importConfig = async (file: string): Promise<StreamfoldConfig> => {
  if (!existsSync(file)) throw new ConfigError(`Config file ${file} does not exist`);
  return readConfig(await importModule(file, 'config file'), file);
};

/**
 * Imports a module of the user's (a config file, a module of definitions): TypeScript through tsx's loader,
 * registered on first use, so nothing else needs installing; JavaScript as it is.
 *
 * @throws {ConfigError} when it does not load (a {@link DefinitionError} it throws is passed on as it is).
 * @example
 * const module = await importModule('/home/me/shop/pipelines/actions.ts', 'pipeline module');
 */
export const importModule = async (file: string, what: string): Promise<Record<string, unknown>> => {
  if (/\.[cm]?tsx?$/.test(file)) await ensureTypeScriptLoader();
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof ConfigError) throw error;
    const message = (error as Error).message;
    const missingStreamfold =
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      /package 'streamfold'/.test(message);
    throw new ConfigError(
      `Cannot load ${what} ${file}: ${message}${missingStreamfold ? `; install streamfold in that project (npm install <streamfold tarball or directory>; streamfold init makes a project that depends on it)` : ''}`,
      { cause: error },
    );
  }
};

/**
 * The pipelines every command resolves names against, from one place: `config` (`--config <file>`), else
 * `STREAMFOLD_CONFIG`, else the nearest `streamfold.config.ts` (or `.js`, `.mjs`) in `cwd` or a parent,
 * else the built-in examples (streamfold's own config file).
 *
 * @throws {ConfigError} when the file cannot be loaded or lists no valid pipelines.
 * @example
 * const catalog = await loadCatalog();
 * catalog.pipelines.map((p) => p.name); // ['actions']
 */
export const loadCatalog = async (options: LoadCatalogOptions = {}): Promise<PipelineCatalog> => {
  const cwd = options.cwd ?? process.cwd();
  const given = options.config ?? emptyToUndefined((options.env ?? process.env).STREAMFOLD_CONFIG);
  let configFile: string;
  let origin: PipelineCatalog['origin'];
  if (given !== undefined) {
    configFile = resolve(cwd, given);
    origin = 'option';
  } else {
    const found = findConfigFile(cwd);
    configFile = found ?? BUILT_IN_CONFIG;
    origin = found === undefined ? 'built-in' : 'found';
  }
  const config = await importConfig(configFile);
  const samples = new Map(
    Object.entries(config.samples ?? {}).map(([name, path]) => [name, resolve(dirname(configFile), path)]),
  );
  return { pipelines: config.pipelines, samples, configFile, origin };
};

const emptyToUndefined = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

/**
 * Where a catalog's pipelines come from, for messages: `streamfold.config.ts (found from the current
 * directory)`, `the built-in examples`, ….
 *
 * @example
 * describeOrigin(catalog); // 'streamfold.config.ts (found in /home/me/shop)'
 */
export const describeOrigin = (catalog: PipelineCatalog, cwd: string = process.cwd()): string => {
  if (catalog.origin === 'built-in') return 'the built-in examples (no streamfold.config.ts here or above)';
  const shown = relative(cwd, catalog.configFile) || catalog.configFile;
  return catalog.origin === 'option' ? `${shown} (--config)` : `${shown} (found from ${cwd})`;
};
