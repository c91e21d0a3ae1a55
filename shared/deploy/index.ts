export {
  DEFAULT_RESOURCE_PREFIX,
  type PipelineResourceNames,
  pipelineResourceNames,
  RESOURCE_PREFIX_PATTERN,
} from './names.ts';
