export { DEFAULT_RESOURCE_PREFIX, type PipelineResourceNames, pipelineResourceNames } from './names.ts';
