import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of streamfold's own package.json that `init` reads. */
export interface OwnPackage {
  /** The package's directory (a checkout, or `node_modules/streamfold`). */
  readonly root: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

/**
 * streamfold's own package.json, found upwards from this module (in a checkout and in the package alike).
 *
 * @example
 * ownPackage().version; // '0.1.0'
 */
export const ownPackage = (from: string = fileURLToPath(import.meta.url)): OwnPackage => {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Partial<OwnPackage> & { name?: string };
      if (manifest.name === 'streamfold') {
        return {
          root: dir,
          version: manifest.version ?? '0.0.0',
          dependencies: manifest.dependencies ?? {},
          devDependencies: manifest.devDependencies ?? {},
        };
      }
    }
    if (dirname(dir) === dir) throw new Error(`streamfold's package.json not found above ${from}`);
  }
};
