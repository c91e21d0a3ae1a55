export {
  DEFAULT_MAX_CLOCK_SKEW,
  MAX_GROUP_BY_FIELDS,
  MAX_RANK_BY,
  METRIC_NAME_PATTERN,
  PIPELINE_NAME_PATTERN,
  RANKABLE_METRIC_KINDS,
  RESERVED_METRIC_NAMES,
} from './constants.ts';
export { definePipeline } from './definePipeline.ts';
export {
  DefinitionError,
  type DefinitionErrorOptions,
  type DefinitionProblem,
  formatProblem,
} from './errors.ts';
export type { EventTimeSource, PipelineDefinition, PipelineInput } from './types.ts';
