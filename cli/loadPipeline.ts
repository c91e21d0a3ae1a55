import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DefinitionError } from '../shared/definition/errors.ts';
import type { PipelineDefinition } from '../shared/definition/types.ts';
import { EXAMPLE_PIPELINES } from '../shared/examples/index.ts';
import { UsageError } from './errors.ts';

const isDefinition = (value: unknown): value is PipelineDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PipelineDefinition).name === 'string' &&
  Array.isArray((value as PipelineDefinition).metricNames) &&
  typeof (value as PipelineDefinition).window === 'object';

/**
 * Resolves a pipeline argument: a built-in example name (`requests-by-ip`), or a path to a module that
 * exports definitions made with `definePipeline` (`./pipelines.ts`, or `./pipelines.ts#name` to choose
 * one when the module exports several).
 *
 * @throws {UsageError} when nothing matches, naming what is available.
 * @example
 * const pipeline = await loadPipeline('ohlc');
 */
export const loadPipeline = async (reference: string): Promise<PipelineDefinition> => {
  const example = EXAMPLE_PIPELINES.get(reference);
  if (example !== undefined) return example;
  const [path = reference, wanted] = reference.split('#');
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new UsageError(
      `Unknown pipeline "${reference}": not a built-in example (${[...EXAMPLE_PIPELINES.keys()].join(', ')}) nor an existing module path`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof DefinitionError) throw new UsageError(error.message, { cause: error });
    throw new UsageError(`Cannot load pipeline module ${path}: ${(error as Error).message}`, {
      cause: error,
    });
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
