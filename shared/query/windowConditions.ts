import type { PipelineDefinition } from '../definition/types.ts';
import { RESULT_ATTRIBUTES as A } from '../storage/attributes.ts';
import { windowKeyOf } from '../storage/resultItem.ts';
import type { Expression } from './ResultsTableReader.ts';

/**
 * The key condition selecting every group of one window on a ranking index (`windowKey = …`).
 *
 * @example
 * windowKeyCondition(requestsByIp, Date.parse('2026-11-21T08:30:00Z'));
 */
export const windowKeyCondition = (definition: PipelineDefinition, windowStartMs: number): Expression => ({
  expression: '#wk = :wk',
  names: { '#wk': A.windowKey },
  values: { ':wk': { S: windowKeyOf(definition.name, windowStartMs) } },
});

/**
 * The Scan filter selecting the pipeline's windows that start in `[fromMs, toMs]`, for pipelines without
 * a ranking index.
 *
 * @example
 * windowRangeFilter(definition, fromMs, toMs);
 */
export const windowRangeFilter = (
  definition: PipelineDefinition,
  fromMs: number,
  toMs: number,
): Expression => ({
  expression: '#pl = :pl AND #ws BETWEEN :from AND :to',
  names: { '#pl': A.pipeline, '#ws': A.windowStart },
  values: {
    ':pl': { S: definition.name },
    ':from': { S: new Date(fromMs).toISOString() },
    ':to': { S: new Date(toMs).toISOString() },
  },
});
