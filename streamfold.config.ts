import { defineConfig } from './shared/config/defineConfig.ts';
import {
  categoryAverages,
  EXAMPLE_SAMPLES,
  ohlc,
  requestsByIp,
  sensorStats,
} from './shared/examples/index.ts';

/**
 * The pipelines of this repository: the built-in examples. It is an ordinary streamfold config, found the
 * way a user's is (the nearest `streamfold.config.ts` from the current directory), and the one every
 * command falls back to outside a project. The CDK app, the deployed handler (which picks a pipeline by
 * `PIPELINE_NAME`), `streamfold dev`, `fold`, `query` and `top` read this list.
 */
export default defineConfig({
  pipelines: [requestsByIp, categoryAverages, ohlc, sensorStats],
  samples: Object.fromEntries(EXAMPLE_SAMPLES),
});
