import type { PipelineDefinition } from '../shared/definition/types.ts';
import { AppContextError } from './errors.ts';

/**
 * The pipelines named by the `pipelines` context value — comma-separated names (`ohlc,requests-by-ip`) or a
 * list — in the order given; every known pipeline when the value is absent or empty.
 *
 * @throws {AppContextError} naming the unknown pipeline and listing the known ones.
 * @example
 * selectPipelines('ohlc, requests-by-ip', pipelines); // [ohlc, requestsByIp]
 */
export const selectPipelines = (
  value: unknown,
  known: readonly PipelineDefinition[],
): readonly PipelineDefinition[] => {
  if (value === undefined || value === null) return known;
  let names: string[];
  if (typeof value === 'string') names = value.split(',');
  else if (Array.isArray(value) && value.every((name) => typeof name === 'string')) names = [...value];
  else {
    throw new AppContextError(
      `context pipelines must be comma-separated pipeline names (given ${JSON.stringify(value)})`,
    );
  }
  names = names.map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) return known;
  const chosen: PipelineDefinition[] = [];
  for (const name of names) {
    const definition = known.find((candidate) => candidate.name === name);
    if (definition === undefined) {
      throw new AppContextError(
        `context pipelines names no pipeline "${name}" (known: ${known.map((p) => p.name).join(', ')})`,
      );
    }
    if (!chosen.includes(definition)) chosen.push(definition);
  }
  return chosen;
};
