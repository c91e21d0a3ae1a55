import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inside node_modules so that an external `@aws-sdk/*` resolves as the Lambda runtime would provide it. */
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'streamfold-bench');

/** A built Lambda bundle and its sizes. */
export interface LambdaBundle {
  /** `sdk-bundled` (as deployed) or `sdk-external` (`@aws-sdk/*` left to the runtime). */
  readonly variant: 'sdk-bundled' | 'sdk-external';
  readonly file: string;
  /** Minified JavaScript, bytes. */
  readonly bytes: number;
  /** The same, gzip level 9: close to what the deployment zip holds. */
  readonly gzipBytes: number;
  /** The separate source map (not counted in `bytes`). */
  readonly sourceMapBytes: number;
  /** Largest contributors to the output, by npm package (or `streamfold` for our code), bytes. */
  readonly largestPackages: readonly { readonly name: string; readonly bytes: number }[];
}

/** `node_modules/@scope/name/...` → `@scope/name`; our own files → `streamfold`. */
const packageOf = (path: string): string => {
  const at = path.lastIndexOf('node_modules/');
  if (at === -1) return 'streamfold';
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
};

/**
 * Bundles `functions/aggregate.ts` as the CDK construct does (`NodejsFunction` with esbuild): platform node,
 * CommonJS, target node24, minified, external source map without sources; `@aws-sdk/*` bundled
 * (`sdk-bundled`, as deployed) or left external (`sdk-external`, provided by the Lambda runtime).
 *
 * @example
 * const bundle = await bundleLambda('sdk-bundled'); // { bytes: 1_234_567, ... }
 */
export const bundleLambda = async (variant: LambdaBundle['variant']): Promise<LambdaBundle> => {
  mkdirSync(BUILD_DIR, { recursive: true });
  const file = join(BUILD_DIR, `aggregate-${variant}.cjs`);
  const result = await build({
    entryPoints: [join(ROOT, 'functions', 'aggregate.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    external: variant === 'sdk-external' ? ['@aws-sdk/*'] : [],
    logLevel: 'silent',
    metafile: true,
  });
  const byPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return {
    variant,
    file,
    bytes: statSync(file).size,
    gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length,
    sourceMapBytes: statSync(`${file}.map`).size,
    largestPackages: [...byPackage]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, bytes]) => ({ name, bytes })),
  };
};
