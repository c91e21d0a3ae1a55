import { readFileSync } from 'node:fs';
import { EXAMPLE_PIPELINES } from '../examples/index.ts';
import { GENERATORS } from '../producer/generators/generatorFor.ts';
import { sampleGenerator } from '../producer/generators/sampleGenerator.ts';
import type { RecordGenerator } from '../producer/generators/types.ts';
import type { PipelineCatalog } from './types.ts';

/**
 * The demo traffic of each pipeline of a catalog that can have some: a built-in example's own generator,
 * else traffic made from the pipeline's sample (the config's `samples`). Pipelines with neither are absent.
 *
 * @example
 * const generators = catalogGenerators(await loadCatalog());
 * generators.get('actions')?.({ seed: 1 }).next().value;
 */
export const catalogGenerators = (catalog: PipelineCatalog): ReadonlyMap<string, RecordGenerator> => {
  const generators = new Map<string, RecordGenerator>();
  for (const definition of catalog.pipelines) {
    const builtIn = GENERATORS.get(definition.name);
    if (builtIn !== undefined && EXAMPLE_PIPELINES.get(definition.name) === definition) {
      generators.set(definition.name, builtIn);
      continue;
    }
    const sample = catalog.samples.get(definition.name);
    if (sample === undefined) continue;
    const lines = readFileSync(sample, 'utf8').split(/\r?\n/);
    generators.set(definition.name, sampleGenerator(definition, lines));
  }
  return generators;
};
