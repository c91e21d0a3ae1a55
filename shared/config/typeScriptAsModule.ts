import { register } from 'node:module';

/**
 * A module resolve hook: a `.ts` file outside `node_modules` whose package declares no `"type"` (or that has
 * no package.json at all, like a config file in a fresh directory) loads as an ES module, not as CommonJS.
 * Without it, tsx compiles such a file to CommonJS, which `require()`s streamfold's ES modules while they
 * are loading: `Cannot require() ES Module … in a cycle`. A package that says `"type": "commonjs"` is left
 * as it says. Kept as source text: hooks run in a loader thread, loaded from a `data:` URL.
 */
const HOOK = `
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const declaredType = (file) => {
  let dir = dirname(file);
  for (;;) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type;
    } catch (error) {
      if (error.code !== 'ENOENT') return undefined;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
};
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const path = result.url.split('?')[0];
  if (result.format === 'commonjs' && path.startsWith('file:') && /\\.tsx?$/.test(path) &&
      !path.includes('/node_modules/') && declaredType(fileURLToPath(path)) === undefined) {
    return { ...result, format: 'module' };
  }
  return result;
}
`;

let registered = false;

/**
 * Registers the hook once (after tsx's, so it sees the format tsx chose).
 *
 * @example
 * registerTypeScriptAsModule();
 * await import('/home/me/shop/streamfold.config.ts');
 */
export const registerTypeScriptAsModule = (): void => {
  if (registered) return;
  registered = true;
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
};
