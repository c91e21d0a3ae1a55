import type { PipelineDefinition } from './shared/definition/types.ts';
import { categoryAverages, ohlc, requestsByIp, sensorStats } from './shared/examples/index.ts';

/**
 * The pipelines this project deploys and runs. Add your own definitions here: the CDK app, the Lambda
 * handler (which picks one by the `PIPELINE_NAME` environment variable) and `streamfold dev` read this list.
 */
export const pipelines: readonly PipelineDefinition[] = [requestsByIp, categoryAverages, ohlc, sensorStats];
