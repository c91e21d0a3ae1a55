import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../shared/config/errors.ts';
import { isDefinition } from '../shared/config/isDefinition.ts';
import {
  describeOrigin,
  importModule,
  type LoadCatalogOptions,
  loadCatalog,
} from '../shared/config/loadCatalog.ts';
import type { PipelineCatalog } from '../shared/config/types.ts';
import { DefinitionError } from '../shared/definition/errors.ts';
import type { PipelineDefinition } from '../shared/definition/types.ts';
import { UsageError } from './errors.ts';

/**
 * The pipelines the commands know, from one place (see `loadCatalog`): `--config <file>` (which the CLI
 * passes as `STREAMFOLD_CONFIG`), else the nearest `streamfold.config.ts|.js|.mjs` from the current
 * directory, else the built-in examples. A config that does not load is a usage error.
 *
 * @example
 * const { pipelines } = await loadPipelineCatalog();
 */
export const loadPipelineCatalog = async (options: LoadCatalogOptions = {}): Promise<PipelineCatalog> => {
  try {
    return await loadCatalog(options);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DefinitionError) {
      throw new UsageError(error.message, { cause: error });
    }
    throw error;
  }
};

/**
 * `Unknown pipeline "x": streamfold.config.ts (found from /home/me/shop) lists: actions, checkout`.
 *
 * @example
 * throw unknownPipeline('acions', catalog);
 */
export const unknownPipeline = (
  name: string,
  catalog: PipelineCatalog,
  what = 'pipeline',
  cwd: string = process.cwd(),
): UsageError =>
  new UsageError(
    `Unknown ${what} "${name}": ${describeOrigin(catalog, cwd)} lists ${catalog.pipelines.map((p) => p.name).join(', ') || 'none'}${catalog.origin === 'built-in' ? '; add yours in a streamfold.config.ts (streamfold init makes one) or pass --config <file>' : ''}`,
  );

/**
 * Resolves a pipeline argument: a name from the config (see {@link loadPipelineCatalog}), or a path to a
 * module that exports definitions made with `definePipeline` (`./orders.ts`, or `./orders.ts#orders`
 * to choose one when the module exports several). TypeScript modules load with no extra install.
 *
 * @throws {UsageError} when nothing matches, naming what exists and where it came from.
 * @example
 * const pipeline = await loadPipeline('ohlc');
 */
export const loadPipeline = async (
  reference: string,
  options: LoadCatalogOptions = {},
): Promise<PipelineDefinition> => {
  const [path = reference, wanted] = reference.split('#');
  const absolute = resolve(options.cwd ?? process.cwd(), path);
  const looksLikePath = /[/\\]|\.[cm]?[jt]s$/.test(path);
  if (!looksLikePath || !existsSync(absolute)) {
    const catalog = await loadPipelineCatalog(options);
    const found = catalog.pipelines.find((p) => p.name === reference);
    if (found !== undefined) return found;
    if (looksLikePath) {
      throw new UsageError(
        `Unknown pipeline "${reference}": no such module, and ${describeOrigin(catalog, options.cwd)} lists no pipeline of that name (${catalog.pipelines.map((p) => p.name).join(', ')})`,
      );
    }
    throw unknownPipeline(reference, catalog, 'pipeline', options.cwd);
  }
  let module: Record<string, unknown>;
  try {
    module = await importModule(absolute, 'pipeline module');
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const definitions = Object.values(module).filter(isDefinition);
  const unique = [...new Map(definitions.map((d) => [d.name, d])).values()];
  if (wanted !== undefined) {
    const found = unique.find((d) => d.name === wanted);
    if (found === undefined) {
      throw new UsageError(
        `Module ${path} has no pipeline named "${wanted}" (it exports: ${unique.map((d) => d.name).join(', ') || 'none'})`,
      );
    }
    return found;
  }
  if (unique.length === 1) return unique[0] as PipelineDefinition;
  if (unique.length === 0)
    throw new UsageError(`Module ${path} exports no pipeline made with definePipeline()`);
  throw new UsageError(
    `Module ${path} exports several pipelines (${unique.map((d) => d.name).join(', ')}); choose one with ${path}#<name>`,
  );
};
