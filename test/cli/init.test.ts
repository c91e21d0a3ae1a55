import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInit } from '../../cli/commands/init.ts';
import { UsageError } from '../../cli/errors.ts';
import { ownPackage } from '../../cli/init/ownPackage.ts';
import { streamfoldSource } from '../../cli/init/streamfoldSource.ts';
import { runCliProcess } from '../helpers/runCliProcess.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('Command: streamfold init', () => {
  let base: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'streamfold-init-'));
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('scaffolds a project that depends on the streamfold given with --from, at the versions it pins', () => {
    // Prepare
    const tarball = join(base, 'streamfold-0.1.0.tgz');
    writeFileSync(tarball, '');

    // Act
    const result = runInit('My Shop', { from: 'streamfold-0.1.0.tgz' }, base);

    // Assess
    expect(result.files).toStrictEqual([
      'package.json',
      'streamfold.config.ts',
      'samples/actions.ndjson',
      'cdk.json',
      'infra/app.ts',
      'test/actions.test.ts',
      'tsconfig.json',
      'README.md',
      '.gitignore',
    ]);
    const manifest = JSON.parse(readFileSync(join(base, 'My Shop', 'package.json'), 'utf8'));
    const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('my-shop');
    expect(manifest.type).toBe('module');
    expect(manifest.dependencies).toStrictEqual({
      streamfold: `file:${tarball}`,
      'aws-cdk-lib': own.devDependencies['aws-cdk-lib'],
      constructs: own.devDependencies.constructs,
    });
    expect(manifest.devDependencies).toStrictEqual({
      'aws-cdk': own.devDependencies['aws-cdk'],
      tsx: own.dependencies.tsx,
      vitest: own.devDependencies.vitest,
    });
    expect(manifest.scripts.start).toBe('streamfold dev --demo');
    expect(readFileSync(join(base, 'My Shop', 'infra', 'app.ts'), 'utf8')).toContain(
      "import { runStreamfoldApp } from 'streamfold/cdk';",
    );
  });

  it('refuses a non-empty directory and writes nothing into it', () => {
    // Prepare
    const dir = join(base, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');

    // Act
    const init = () => runInit('taken', { from: '.' }, base);

    // Assess
    expect(init).toThrow(UsageError);
    expect(init).toThrow(
      'taken is not empty (notes.txt): streamfold init writes only into an empty or new directory',
    );
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });

  it('refuses a file where the directory should be, and leaves it as it was', () => {
    // Prepare
    writeFileSync(join(base, 'shop'), 'my notes');

    // Act
    const init = () => runInit('shop', { from: '.' }, base);

    // Assess
    expect(init).toThrow(UsageError);
    expect(init).toThrow(
      'shop is a file, not a directory: streamfold init creates a new directory or fills an empty one',
    );
    expect(readFileSync(join(base, 'shop'), 'utf8')).toBe('my notes');
  });

  it('refuses a --from that does not exist', () => {
    // Act
    const init = () => runInit('fresh', { from: 'nowhere.tgz' }, base);

    // Assess
    expect(init).toThrow('--from: no such file or directory: nowhere.tgz');
  });

  it('depends on the spec that installed the running copy when it runs from node_modules', () => {
    // Prepare: a project that installed streamfold from a tarball beside it
    const project = join(base, 'app');
    const installed = join(project, 'node_modules', 'streamfold');
    mkdirSync(installed, { recursive: true });
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ dependencies: { streamfold: 'file:../streamfold-0.1.0.tgz' } }),
    );

    // Act
    const spec = streamfoldSource(undefined, { ...ownPackage(), root: installed });

    // Assess
    expect(spec).toBe(`file:${join(base, 'streamfold-0.1.0.tgz')}`);
  });

  it('exits 2 with the reason, through the real CLI', () => {
    // Prepare
    writeFileSync(join(base, 'README.md'), '# mine');

    // Act
    const result = runCliProcess(['init', base, '--from', ROOT]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not empty (README.md)');
  });
});
