import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { handlerEntries } from '../../infra/constructs/handlerEntries.ts';
import { bundleComposition } from './sourceMapComposition.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inside node_modules so that an external `@aws-sdk/*` resolves as the Lambda runtime would provide it. */
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'streamfold-bench');

/** A Lambda bundle, its sizes and the environment it runs with. */
export interface LambdaBundle {
  /**
   * `deployed`: the aggregate function's asset as `cdk synth` builds it (the AWS SDK bundled, as the construct
   * says); `sdk-external`: the same entry with `@aws-sdk/*` left to the Lambda runtime, for comparison.
   */
  readonly variant: 'deployed' | 'sdk-external';
  readonly file: string;
  /** Minified JavaScript, bytes. */
  readonly bytes: number;
  /** The same, gzip level 9: close to what the deployment zip holds. */
  readonly gzipBytes: number;
  /** The separate source map (not counted in `bytes`). */
  readonly sourceMapBytes: number;
  /** Largest contributors to the output, by npm package (or `streamfold` for our code), bytes, from the source map. */
  readonly largestPackages: readonly { readonly name: string; readonly bytes: number }[];
  /** The function's environment variables (the deployed function's, from the template). */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Sizes and composition of a bundle and its `.map` beside it.
 *
 * @example
 * describeBundle('deployed', '/…/cdk.out/asset.…/index.js', { NODE_OPTIONS: '--enable-source-maps' });
 */
export const describeBundle = (
  variant: LambdaBundle['variant'],
  file: string,
  environment: Readonly<Record<string, string>>,
): LambdaBundle => {
  const code = readFileSync(file);
  const map = readFileSync(`${file}.map`, 'utf8');
  return {
    variant,
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    sourceMapBytes: statSync(`${file}.map`).size,
    largestPackages: bundleComposition(code.toString('utf8'), JSON.parse(map), dirname(file)).slice(0, 6),
    environment,
  };
};

/**
 * The comparison bundle: the aggregate entry the construct writes for this repository's config
 * (`handlerEntries`: the config and `createAggregateHandler`) built with the esbuild arguments `NodejsFunction` passes for
 * the construct's settings (platform node, CommonJS, target node24, minified, linked source map without
 * sources), except that `@aws-sdk/*` is left to the Lambda runtime.
 *
 * @example
 * const external = await bundleSdkExternal(deployed.environment);
 */
export const bundleSdkExternal = async (
  environment: Readonly<Record<string, string>>,
): Promise<LambdaBundle> => {
  const dir = join(BUILD_DIR, 'sdk-external');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.js');
  await build({
    entryPoints: [handlerEntries(join(ROOT, 'streamfold.config.ts'), ROOT).aggregate],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return describeBundle('sdk-external', file, environment);
};
