import type { PipelineDefinition } from '../definition/types.ts';

/** Prefix of every resource name streamfold creates. */
export const DEFAULT_RESOURCE_PREFIX = 'streamfold';

/**
 * What a resource prefix may be: 1 to 64 letters, digits, `_`, `.` or `-` (it starts DynamoDB table
 * names). The CDK construct's `resourcePrefix` and the CLI's `--resource-prefix` check it alike.
 */
export const RESOURCE_PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** The names of a pipeline's resources, the same in AWS (CDK) and in the local runtime. */
export interface PipelineResourceNames {
  readonly stream: string;
  readonly resultsTable: string;
  readonly deadLetterTable: string;
}

/**
 * Resource names of a pipeline: its stream as the definition names it, and tables
 * `<prefix>-<pipeline>-results` and `<prefix>-<pipeline>-dead-letters`. The query CLI finds tables by
 * these names unless `--table` is given.
 *
 * @example
 * pipelineResourceNames(ohlc); // { stream: 'trades', resultsTable: 'streamfold-ohlc-results', deadLetterTable: 'streamfold-ohlc-dead-letters' }
 */
export const pipelineResourceNames = (
  definition: PipelineDefinition,
  prefix: string = DEFAULT_RESOURCE_PREFIX,
): PipelineResourceNames => ({
  stream: definition.stream,
  resultsTable: `${prefix}-${definition.name}-results`,
  deadLetterTable: `${prefix}-${definition.name}-dead-letters`,
});
