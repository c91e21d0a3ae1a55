import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { ownPackage } from '../init/ownPackage.ts';
import { scaffoldFiles } from '../init/scaffoldFiles.ts';
import { streamfoldSource } from '../init/streamfoldSource.ts';

/** Options of `streamfold init`. */
export interface InitOptions {
  /** A streamfold tarball or directory to depend on. @default - where the running copy came from */
  readonly from?: string;
}

/** What `init` made. */
export interface InitResult {
  readonly dir: string;
  readonly files: readonly string[];
  /** The `streamfold` dependency written in package.json. */
  readonly streamfold: string;
}

const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

const packageName = (dir: string): string => {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return PACKAGE_NAME.test(name) ? name : 'streamfold-project';
};

/**
 * Scaffolds a streamfold project in `dir` (created if missing; refused if not empty): package.json,
 * streamfold.config.ts with one pipeline and its sample, cdk.json and infra/app.ts, a vitest test, a README.
 *
 * @throws {UsageError} for a non-empty directory or a file, or when it cannot tell where streamfold comes from.
 * @example
 * runInit('shop', { from: '../streamfold-0.1.0.tgz' });
 */
export const runInit = (dirArg: string, options: InitOptions, cwd: string = process.cwd()): InitResult => {
  const dir = resolve(cwd, dirArg);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new UsageError(
        `${dirArg} is a file, not a directory: streamfold init creates a new directory or fills an empty one`,
      );
    }
    const entries = readdirSync(dir).filter((entry) => entry !== '.git');
    if (entries.length > 0) {
      throw new UsageError(
        `${dirArg} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}): streamfold init writes only into an empty or new directory`,
      );
    }
  }
  const own = ownPackage();
  const streamfold = streamfoldSource(options.from, own, cwd);
  const pin = (name: string): string => {
    const version = own.dependencies[name] ?? own.devDependencies[name];
    if (version === undefined) throw new Error(`streamfold's package.json pins no version of ${name}`);
    return version;
  };
  const files = scaffoldFiles(packageName(dir), {
    streamfold,
    awsCdkLib: pin('aws-cdk-lib'),
    constructs: pin('constructs'),
    awsCdk: pin('aws-cdk'),
    tsx: pin('tsx'),
    vitest: pin('vitest'),
  });
  for (const [path, content] of files) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { dir, files: [...files.keys()], streamfold };
};

/** Adds `streamfold init` to the program. */
export const registerInit = (program: Command): void => {
  program
    .command('init')
    .description('Scaffold a streamfold project: a pipeline, its sample, a test and a CDK app')
    .argument('[dir]', 'the directory to create (must be empty or new)', '.')
    .option(
      '--from <tarball|dir>',
      'the streamfold package the project installs (default: where this streamfold came from)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  npx streamfold init shop --from ./streamfold-0.1.0.tgz\n  cd shop && npm install && npm start\n  npm test\n  npx cdk synth',
    )
    .action((dirArg: string, options: InitOptions) => {
      const result = runInit(dirArg, options);
      const shown = relative(process.cwd(), result.dir) || '.';
      process.stdout.write(
        [
          `Created a streamfold project in ${shown} (streamfold from ${result.streamfold}):`,
          ...result.files.map((file) => `  ${file}`),
          '',
          'Next:',
          ...(shown === '.' ? [] : [`  cd ${shown}`]),
          '  npm install && npm start   # your pipeline locally, with demo traffic from its sample',
          '  npm test                   # fold the sample and check the results',
          '  npx cdk synth              # the CloudFormation template, offline',
          '',
        ].join('\n'),
      );
    });
};
