import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The package's manifest against its sources, without building: every entry of the `exports` map is the
 * compiled twin of a source file that the build compiles. (The tutorial test installs the real tarball.)
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
  readonly exports: Readonly<Record<string, string | { readonly types: string; readonly default: string }>>;
  readonly files: readonly string[];
  readonly bin: Readonly<Record<string, string>>;
  readonly scripts: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly dependencies: Readonly<Record<string, string>>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
  include: string[];
  compilerOptions: { outDir: string; declaration: boolean; rewriteRelativeImportExtensions: boolean };
};

/** `./dist/infra/cdk.js` → `infra/cdk.ts`. */
const sourceOf = (compiled: string): string =>
  compiled.replace(/^\.\/dist\//, '').replace(/\.(d\.ts|js)$/, '.ts');

describe('package.json: the published package', () => {
  it('exports streamfold, streamfold/cdk, streamfold/lambda and streamfold/testing, each compiled from a built source', () => {
    // Act
    const entries = Object.entries(pkg.exports).filter(([name]) => name !== './package.json');

    // Assess
    expect(entries.map(([name]) => name)).toStrictEqual(['.', './cdk', './lambda', './testing']);
    for (const [name, target] of entries) {
      if (typeof target === 'string') throw new Error(`${name} must give types and default`);
      expect(sourceOf(target.default), name).toBe(sourceOf(target.types));
      const source = sourceOf(target.default);
      expect(existsSync(join(ROOT, source)), `${name} → ${source}`).toBe(true);
      expect(
        build.include.some((root) => source === root || source.startsWith(`${root}/`)),
        `${source} is compiled`,
      ).toBe(true);
    }
  });

  it('builds ESM with declarations into dist on pack, and ships only dist, the bin and the README', () => {
    // Assess
    expect(build.compilerOptions).toMatchObject({
      outDir: 'dist',
      declaration: true,
      rewriteRelativeImportExtensions: true,
    });
    expect(pkg.scripts.prepack).toBe('npm run build');
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
    expect(pkg.files).toStrictEqual(['dist', 'bin', 'README.md']);
    expect(pkg.bin).toStrictEqual({ streamfold: 'bin/streamfold.js' });
    // The built-in examples' config is compiled with the rest: it is what every command falls back to.
    expect(build.include).toContain('streamfold.config.ts');
  });

  it('copies into dist the files that compiled code reads beside itself (samples, the web dashboard assets)', () => {
    // Assess: DashboardServer serves cli/dashboard/assets relative to its own compiled file.
    for (const folder of ['samples', 'cli/dashboard/assets']) {
      expect(existsSync(join(ROOT, folder)), folder).toBe(true);
      expect(pkg.scripts.build).toContain(`cp -R ${folder} dist/${folder}`);
    }
  });

  it('leaves aws-cdk-lib and constructs to the user’s CDK app (peer dependencies)', () => {
    // Assess
    expect(Object.keys(pkg.peerDependencies).sort()).toStrictEqual(['aws-cdk-lib', 'constructs']);
    expect(pkg.dependencies['aws-cdk-lib']).toBeUndefined();
    expect(pkg.dependencies.constructs).toBeUndefined();
    // Runs a user's TypeScript config, and bundles the functions at synth.
    expect(pkg.dependencies.tsx).toBeDefined();
    expect(pkg.dependencies.esbuild).toBeDefined();
  });
});
