import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The file names a project's config may have, in the order they are looked for. */
export const CONFIG_FILE_NAMES = [
  'streamfold.config.ts',
  'streamfold.config.js',
  'streamfold.config.mjs',
] as const;

/**
 * The nearest `streamfold.config.ts` (or `.js`, `.mjs`) in `cwd` or one of its parents, or undefined.
 *
 * @example
 * findConfigFile('/home/me/shop/infra'); // '/home/me/shop/streamfold.config.ts'
 */
export const findConfigFile = (cwd: string = process.cwd()): string | undefined => {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
};
