import { bundleLambda, type LambdaBundle } from './bundleLambda.ts';
import { type ColdInit, measureColdInit } from './coldInit.ts';

/** Figure 5: both bundle variants with their cold init. */
export interface LambdaPackage {
  readonly bundles: readonly (LambdaBundle & { readonly coldInit: ColdInit })[];
}

/**
 * Figure 5: bundles the aggregation Lambda with and without the AWS SDK and measures each bundle's cold
 * init in fresh processes.
 *
 * @example
 * const figure = await measureLambdaPackage(7);
 */
export const measureLambdaPackage = async (runs: number): Promise<LambdaPackage> => {
  const bundles = [];
  for (const variant of ['sdk-bundled', 'sdk-external'] as const) {
    const bundle = await bundleLambda(variant);
    bundles.push({ ...bundle, coldInit: measureColdInit(bundle, runs) });
  }
  return { bundles };
};
