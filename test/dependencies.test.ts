import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type PackageImport, packageImports } from './helpers/packageImports.ts';

/**
 * package.json's sections say where each package is needed: `dependencies` by the code that runs the
 * product (the CLI, the local runtime, the Lambda functions, the CDK app), `peerDependencies` by the code
 * that runs inside the user's own CDK app (`aws-cdk-lib`, `constructs`: one copy, the app's; also in
 * `devDependencies`, for this repository's own install), `devDependencies` only by tests, benchmarks and
 * the tools the npm scripts call. This suite reads every source file's imports and holds
 * package.json to that, so an unused package, one in the wrong section or one used but not declared fails
 * `npm test`.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Source roots (tsconfig.json `include`) whose code runs the product. */
const RUNTIME_ROOTS: readonly string[] = [
  'bin',
  'cli',
  'functions',
  'infra',
  'local',
  'shared',
  'streamfold.config.ts',
];
/** Source roots only developers run. */
const DEV_ROOTS: readonly string[] = ['test', 'bench', 'vitest.config.ts'];

/**
 * Runtime packages no source imports, each used by a package that is imported (`by`), with the reason.
 * The allowance lapses (and the check fails) when nothing imports `by` any more.
 */
const RUNTIME_WITHOUT_IMPORT: Readonly<Record<string, { readonly by: string; readonly why: string }>> = {
  esbuild: {
    by: 'aws-cdk-lib/aws-lambda-nodejs',
    why: 'NodejsFunction bundles the functions at synth with the esbuild installed in the project',
  },
};

const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js)$/;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

interface PackageJson {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly bin?: string | Readonly<Record<string, string>>;
  readonly name?: string;
}

const pkg = readJson<PackageJson>(join(ROOT, 'package.json'));
const tsconfig = readJson<{ include: string[]; compilerOptions: { types?: string[] } }>(
  join(ROOT, 'tsconfig.json'),
);
const runtimeDeps = Object.keys(pkg.dependencies ?? {});
const devDeps = Object.keys(pkg.devDependencies ?? {});
const peerDeps = Object.keys(pkg.peerDependencies ?? {});

const filesUnder = (path: string): string[] => {
  if (statSync(path).isFile()) return SOURCE_FILE.test(path) ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== 'node_modules')
    .flatMap((entry) => filesUnder(join(path, entry.name)));
};

/** Every package reference of every source file under the roots, with the file it is in. */
const importsUnder = (roots: readonly string[]): (PackageImport & { readonly file: string })[] =>
  roots.flatMap((root) =>
    filesUnder(join(ROOT, root)).flatMap((file) =>
      packageImports(file, readFileSync(file, 'utf8')).map((found) => ({
        ...found,
        file: relative(ROOT, file),
      })),
    ),
  );

const runtimeImports = importsUnder(RUNTIME_ROOTS);
const devImports = importsUnder(DEV_ROOTS);
const allImports = [...runtimeImports, ...devImports];

/** The executables the npm scripts run: every word that some installed package provides as a binary. */
const scriptBinaries = (): Set<string> => {
  const words = new Set(
    Object.values(pkg.scripts ?? {}).flatMap((script) => script.split(/[\s;&|()]+/).filter(Boolean)),
  );
  const used = new Set<string>();
  for (const name of devDeps) {
    const path = join(ROOT, 'node_modules', name, 'package.json');
    if (!existsSync(path)) continue; // not installed: then no script can run it
    const manifest = readJson<PackageJson>(path);
    const bins =
      typeof manifest.bin === 'string'
        ? [manifest.name?.split('/').pop() ?? name]
        : Object.keys(manifest.bin ?? {});
    if (bins.some((bin) => words.has(bin))) used.add(name);
  }
  return used;
};

/** `@types/aws-lambda` types `aws-lambda`; `@types/node` the built-ins tsconfig names. */
const typedPackage = (types: string): string => {
  const name = types.slice('@types/'.length);
  return name.includes('__') ? `@${name.replace('__', '/')}` : name;
};

const where = (list: readonly { readonly file: string }[]): string =>
  [...new Set(list.map((i) => i.file))].slice(0, 3).join(', ');

describe('package.json: every dependency is used where its section says', () => {
  it('classifies every source root of tsconfig.json as runtime or dev code, once', () => {
    // Assess
    const classified = [...RUNTIME_ROOTS, ...DEV_ROOTS].sort();
    expect(classified).toStrictEqual([...tsconfig.include].sort());
    expect(new Set(classified).size).toBe(classified.length);
  });

  it('declares every package the code imports (a type-only import may be declared as @types/<name>)', () => {
    // Act
    const undeclared = allImports.filter(
      (i) =>
        i.packageName !== pkg.name &&
        !runtimeDeps.includes(i.packageName) &&
        !devDeps.includes(i.packageName) &&
        !peerDeps.includes(i.packageName) &&
        !(i.typeOnly && devDeps.some((d) => d.startsWith('@types/') && typedPackage(d) === i.packageName)),
    );

    // Assess
    expect(undeclared.map((i) => `${i.specifier} in ${i.file}`)).toStrictEqual([]);
  });

  it('keeps in dependencies every package that runtime code loads at run time', () => {
    // Act
    const devOnly = runtimeImports.filter(
      (i) => !i.typeOnly && devDeps.includes(i.packageName) && !peerDeps.includes(i.packageName),
    );

    // Assess
    expect(devOnly.map((i) => `${i.packageName} (devDependencies) is loaded by ${i.file}`)).toStrictEqual([]);
  });

  it('lists in dependencies only packages the runtime code loads (or a loaded package runs)', () => {
    // Act
    const loaded = new Set(runtimeImports.filter((i) => !i.typeOnly).map((i) => i.packageName));
    const specifiers = new Set(runtimeImports.map((i) => i.specifier));
    const unused = runtimeDeps.filter((name) => {
      if (loaded.has(name)) return false;
      const allowance = RUNTIME_WITHOUT_IMPORT[name];
      return allowance === undefined || !specifiers.has(allowance.by);
    });
    const movable = unused.map((name) => {
      const dev = devImports.filter((i) => i.packageName === name);
      return dev.length > 0
        ? `${name}: only dev code uses it (${where(dev)}): move it to devDependencies`
        : `${name}: nothing imports it: remove it`;
    });

    // Assess
    expect(movable).toStrictEqual([]);
  });

  it('lists in devDependencies only packages that tests, benchmarks, types or npm scripts use', () => {
    // Act
    const imported = new Set(allImports.map((i) => i.packageName));
    const binaries = scriptBinaries();
    const typesUsed = (name: string): boolean =>
      name.startsWith('@types/') &&
      (imported.has(typedPackage(name)) ||
        (tsconfig.compilerOptions.types ?? []).includes(typedPackage(name)));
    const unused = devDeps.filter((name) => !imported.has(name) && !binaries.has(name) && !typesUsed(name));

    // Assess
    expect(unused.map((name) => `${name}: nothing imports it and no npm script runs it`)).toStrictEqual([]);
  });

  it('declares each peer dependency in devDependencies too, at a version the peer range accepts', () => {
    // Assess
    for (const name of peerDeps) {
      const pinned = pkg.devDependencies?.[name];
      expect(pinned, name).toBeDefined();
      expect(pkg.peerDependencies?.[name], name).toBe(`^${pinned}`);
    }
  });

  it('keeps type packages out of dependencies (types are gone at run time)', () => {
    // Assess
    expect(runtimeDeps.filter((name) => name.startsWith('@types/'))).toStrictEqual([]);
  });
});
