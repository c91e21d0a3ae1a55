import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownModule } from '../../shared/runtime/ownModule.ts';
import { BundlingSetupError } from './errors.ts';

/** What `NodejsFunction` bundles for one config: the two entries, and the project they belong to. */
export interface HandlerEntries {
  /** Entry of the aggregate function: imports the config and `createAggregateHandler`. */
  readonly aggregate: string;
  /** Entry of the finalizer: imports the config and `createFinalizeHandler`. */
  readonly finalize: string;
  /** The project whose lock file pins the bundled dependencies (the directory of `depsLockFile`). */
  readonly projectRoot: string;
  readonly depsLockFile: string;
}

const LOCK_FILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

/** The nearest directory from `start` upwards holding a lock file, with that file. */
const findLockFile = (start: string): string | undefined => {
  let dir = resolve(start);
  for (;;) {
    for (const name of LOCK_FILES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
};

const LAMBDA_MODULE = fileURLToPath(ownModule('../../functions/lambda', import.meta.url));

const entrySource = (configFile: string, factory: string): string =>
  [
    '// Written by streamfold (StreamAggregation) at synth: the deployed handler runs the pipelines of your config.',
    `import * as configModule from ${JSON.stringify(configFile)};`,
    `import { ${factory} } from ${JSON.stringify(LAMBDA_MODULE)};`,
    'const config = configModule.default ?? configModule;',
    `export const handler = ${factory}(config);`,
    '',
  ].join('\n');

const writeIfChanged = (file: string, text: string): void => {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
  writeFileSync(file, text);
};

/**
 * Writes the Lambda entries for a config file — a few lines that import the config and the handler factory
 * of `streamfold/lambda` — under the project's `node_modules/.cache/streamfold/`, for `NodejsFunction` (esbuild)
 * to bundle. The project is the nearest directory with a lock file from `cwd` (where `cdk synth` runs the
 * app), else from the config file. The same config gives the same files, so the assets stay the same.
 *
 * @throws {BundlingSetupError} when there is no lock file to pin the bundled dependencies.
 * @example
 * const entries = handlerEntries('/home/me/shop/streamfold.config.ts');
 * new NodejsFunction(this, 'Aggregate', { entry: entries.aggregate, projectRoot: entries.projectRoot, depsLockFilePath: entries.depsLockFile });
 */
export const handlerEntries = (configFile: string, cwd: string = process.cwd()): HandlerEntries => {
  const depsLockFile = findLockFile(cwd) ?? findLockFile(dirname(configFile));
  if (depsLockFile === undefined) {
    throw new BundlingSetupError(
      `No lock file (package-lock.json, yarn.lock, pnpm-lock.yaml, bun.lock) in ${cwd} or above, nor above ${configFile}: run npm install in your project first`,
    );
  }
  const projectRoot = dirname(depsLockFile);
  const dir = join(projectRoot, 'node_modules', '.cache', 'streamfold');
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha256').update(resolve(configFile)).digest('hex').slice(0, 12);
  const aggregate = join(dir, `aggregate-${id}.mjs`);
  const finalize = join(dir, `finalize-${id}.mjs`);
  writeIfChanged(aggregate, entrySource(resolve(configFile), 'createAggregateHandler'));
  writeIfChanged(finalize, entrySource(resolve(configFile), 'createFinalizeHandler'));
  return { aggregate, finalize, projectRoot, depsLockFile };
};
