import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { EXAMPLE_SAMPLES } from '../../shared/examples/index.ts';
import { numericMetricNames } from '../../shared/query/numericMetrics.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The local services accept any credentials, but the AWS CLI refuses to sign without some: these are the
 * ones the local runtime's own clients use (`local/services/clients.ts`).
 */
const DUMMY_CREDENTIALS = 'AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local';

/** One running pipeline, as `streamfold dev` knows it. */
export interface HintPipeline {
  readonly definition: PipelineDefinition;
  readonly stream: string;
  readonly resultsTable: string;
}

/** Options of {@link devHints}. */
export interface DevHintsOptions {
  readonly endpoints: { readonly kinesis: string; readonly dynamodb: string };
  /** The pipelines `streamfold dev` runs, in order; hints name only these. */
  readonly pipelines: readonly HintPipeline[];
  /**
   * The directory the user types the commands in: paths are printed relative to it.
   * @default process.cwd()
   */
  readonly cwd?: string;
  /**
   * Each pipeline's sample input, absolute paths by pipeline name (the config's `samples`).
   * @default - the built-in examples' samples
   */
  readonly samples?: ReadonlyMap<string, string>;
  /**
   * The config file given with `--config`, which every suggested command then repeats.
   * @default - none: the commands find the config from the current directory, as `dev` did
   */
  readonly configFile?: string;
}

const EXAMPLE_SAMPLE_FILES: ReadonlyMap<string, string> = new Map(
  [...EXAMPLE_SAMPLES].map(([name, path]) => [name, join(ROOT, path)]),
);

/**
 * The commands `streamfold dev` suggests, each runnable as printed from `cwd` on a fresh checkout while
 * `dev` runs: query the first running pipeline with `top` (by its first ranked metric), `query` and the AWS
 * CLI (with the dummy credentials and region it needs), and send a running pipeline's sample file with
 * `produce --retime` (so that its records are current, not late). Only running pipelines are named; a
 * suggestion whose pipeline has no numeric metric or no sample file is left out.
 *
 * @example
 * devHints({ endpoints: runtime.endpoints, pipelines: [{ definition: ohlc, stream: 'trades', resultsTable: 'streamfold-ohlc-results' }] });
 */
export const devHints = (options: DevHintsOptions): string[] => {
  const { endpoints } = options;
  const cwd = options.cwd ?? process.cwd();
  const first = options.pipelines[0];
  if (first === undefined) return [];
  const config = options.configFile === undefined ? '' : ` --config ${relative(cwd, options.configFile)}`;
  const name = `${first.definition.name}${config}`;
  const metric = first.definition.rankBy[0] ?? numericMetricNames(first.definition)[0];
  const lines = ['Query the results (the local services accept any credentials):'];
  if (metric !== undefined) {
    lines.push(`  npx streamfold top ${name} --metric ${metric} --chart --endpoint ${endpoints.dynamodb}`);
  }
  lines.push(
    `  npx streamfold query ${name} --endpoint ${endpoints.dynamodb}`,
    `  ${DUMMY_CREDENTIALS} aws dynamodb scan --table-name ${first.resultsTable} --endpoint-url ${endpoints.dynamodb} --region us-east-1`,
  );
  const samples = options.samples ?? EXAMPLE_SAMPLE_FILES;
  const sampled = options.pipelines
    .map((p) => ({ pipeline: p, sample: samples.get(p.definition.name) }))
    .find(({ sample }) => sample !== undefined && existsSync(sample));
  if (sampled?.sample !== undefined) {
    const path = relative(cwd, sampled.sample);
    lines.push(
      `Produce your own (a sample, retimed to now): npx streamfold produce ${sampled.pipeline.stream} --input ${path} --retime${config} --endpoint ${endpoints.kinesis}`,
    );
  }
  return lines;
};
