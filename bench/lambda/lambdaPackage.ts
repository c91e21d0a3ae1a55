import { bundleSdkExternal, type LambdaBundle } from './bundleLambda.ts';
import { type ColdInit, measureColdInit } from './coldInit.ts';
import { synthDeployedBundle } from './deployedBundle.ts';

/** Figure 5: the deployed bundle and the SDK-external comparison, each with its cold init. */
export interface LambdaPackage {
  readonly bundles: readonly (LambdaBundle & { readonly coldInit: ColdInit })[];
}

/**
 * Figure 5: synthesizes the aggregate function as deployed (`cdk synth`'s asset), builds the same entry with
 * `@aws-sdk/*` external for comparison, and measures each bundle's cold init in fresh processes.
 *
 * @example
 * const figure = await measureLambdaPackage(7);
 */
export const measureLambdaPackage = async (runs: number): Promise<LambdaPackage> => {
  const deployed = synthDeployedBundle();
  const external = await bundleSdkExternal(deployed.environment);
  return {
    bundles: [deployed, external].map((bundle) => ({ ...bundle, coldInit: measureColdInit(bundle, runs) })),
  };
};
