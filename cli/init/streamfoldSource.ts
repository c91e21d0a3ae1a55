import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.ts';
import type { OwnPackage } from './ownPackage.ts';

const NOT_PUBLISHED =
  'streamfold is not on a public registry yet: give --from <tarball|directory> (npm pack in a streamfold checkout makes the tarball)';

/**
 * The `streamfold` dependency of a new project: `--from` (a tarball or a directory, made absolute); else
 * where the running copy came from — the spec that installed it (`npm install ../streamfold-0.1.0.tgz`,
 * `npx --package ./streamfold-0.1.0.tgz`), or the checkout it runs from when that is built.
 *
 * @throws {UsageError} when `--from` does not exist, or nothing says where streamfold came from.
 * @example
 * streamfoldSource('../streamfold-0.1.0.tgz', ownPackage()); // 'file:/home/me/streamfold-0.1.0.tgz'
 */
export const streamfoldSource = (from: string | undefined, own: OwnPackage, cwd = process.cwd()): string => {
  if (from !== undefined) {
    const path = resolve(cwd, from);
    if (!existsSync(path)) throw new UsageError(`--from: no such file or directory: ${from}`);
    if (statSync(path).isDirectory() && !existsSync(join(path, 'package.json'))) {
      throw new UsageError(`--from: ${from} is a directory without package.json, not a streamfold package`);
    }
    return `file:${path}`;
  }
  const marker = `${sep}node_modules${sep}`;
  const at = own.root.lastIndexOf(marker);
  if (at >= 0) {
    const installer = own.root.slice(0, at);
    const manifest = join(installer, 'package.json');
    if (existsSync(manifest)) {
      const { dependencies = {}, devDependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const spec = dependencies.streamfold ?? devDependencies.streamfold;
      if (spec?.startsWith('file:')) {
        const target = spec.slice('file:'.length);
        return `file:${isAbsolute(target) ? target : resolve(installer, target)}`;
      }
      if (spec !== undefined) return spec;
    }
    throw new UsageError(NOT_PUBLISHED);
  }
  // A checkout: usable as a dependency once built (its exports point into dist/).
  if (existsSync(join(own.root, 'dist', 'shared', 'index.js'))) return `file:${own.root}`;
  throw new UsageError(`${NOT_PUBLISHED}; or run npm run build in ${own.root} first`);
};
