import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, STACK_NAME } from '../../infra/createApp.ts';
import { BUILD_DIR, describeBundle, type LambdaBundle } from './bundleLambda.ts';

/** The construct path of the aggregate function of the pipeline synthesized here. */
const AGGREGATE_FUNCTION_PATH = `${STACK_NAME}/Ohlc/AggregateFunction/Resource`;

interface TemplateResource {
  readonly Type: string;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly Properties?: { readonly Environment?: { readonly Variables?: Readonly<Record<string, unknown>> } };
}

/**
 * The aggregate function exactly as deployed: synthesizes the CDK app (`-c pipelines=ohlc`; every pipeline
 * shares the asset) into the bench's build folder, bundling with the local esbuild as `npm run synth` does,
 * and returns the function's asset (`index.js` and its map) with the environment variables of the template
 * (`NODE_OPTIONS=--enable-source-maps` among them; references to tables become their logical ids).
 *
 * @throws {Error} when the template has no aggregate function or its asset path.
 * @example
 * const deployed = synthDeployedBundle(); // { variant: 'deployed', bytes: 1_100_280, … }
 */
export const synthDeployedBundle = (): LambdaBundle => {
  const outdir = join(BUILD_DIR, 'cdk.out');
  rmSync(outdir, { recursive: true, force: true });
  const app = createApp({
    outdir,
    context: {
      pipelines: 'ohlc',
      // What the CDK CLI sets: template metadata naming each resource's construct path and asset.
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
    },
  });
  const stack = app.synth().getStackByName(STACK_NAME);
  const resources = (stack.template as { Resources: Readonly<Record<string, TemplateResource>> }).Resources;
  const resource = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:cdk:path'] === AGGREGATE_FUNCTION_PATH,
  );
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  if (resource === undefined || typeof assetPath !== 'string') {
    throw new Error(`The synthesized template has no function ${AGGREGATE_FUNCTION_PATH} with an asset path`);
  }
  const environment = Object.fromEntries(
    Object.entries(resource.Properties?.Environment?.Variables ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
  return describeBundle('deployed', join(stack.assembly.directory, assetPath, 'index.js'), environment);
};
