import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * npm 11 warns after `npm ci` about every installed package whose install scripts `allowScripts` in
 * package.json does not cover (and a later npm blocks them). This holds package.json to the installed
 * tree, so a new dependency with an install script fails here, with its name, instead of warning on
 * every install: decide with `npm install-scripts approve|deny <pkg>` and say why in the README.
 */

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NODE_MODULES = join(ROOT, 'node_modules');
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

interface Manifest {
  readonly name?: string;
  readonly scripts?: Readonly<Record<string, string>>;
  readonly allowScripts?: Readonly<Record<string, boolean>>;
}

const readManifest = (dir: string): Manifest | undefined => {
  const path = join(dir, 'package.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : undefined;
};

/** Every package folder under a node_modules folder, nested node_modules included. */
const packageDirs = (modules: string): string[] => {
  if (!existsSync(modules)) return [];
  return readdirSync(modules, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const dir = join(modules, entry.name);
      if (entry.name.startsWith('@')) return packageDirs(dir);
      return [dir, ...packageDirs(join(dir, 'node_modules'))];
    });
};

/** The install scripts npm would run for a package; a `binding.gyp` alone means `node-gyp rebuild`. */
const installScriptsOf = (dir: string, manifest: Manifest): string[] => {
  const scripts = INSTALL_SCRIPTS.filter((name) => manifest.scripts?.[name] !== undefined);
  if (scripts.length === 0 && existsSync(join(dir, 'binding.gyp'))) return ['install (node-gyp rebuild)'];
  return scripts;
};

describe('package.json allowScripts', () => {
  it('approves or denies every installed package that has install scripts, and nothing else', () => {
    // Prepare
    const allowScripts = readManifest(ROOT)?.allowScripts ?? {};
    const withScripts = new Map<string, string[]>();
    for (const dir of packageDirs(NODE_MODULES)) {
      const manifest = readManifest(dir);
      if (manifest?.name === undefined) continue;
      const scripts = installScriptsOf(dir, manifest);
      if (scripts.length > 0) withScripts.set(manifest.name, scripts);
    }

    // Act
    const uncovered = [...withScripts]
      .filter(([name]) => allowScripts[name] === undefined)
      .map(([name, scripts]) => `${name} (${scripts.join(', ')})`);
    const stale = Object.keys(allowScripts).filter((name) => !withScripts.has(name));

    // Assess
    expect(uncovered).toStrictEqual([]);
    expect(stale).toStrictEqual([]);
    expect(Object.keys(allowScripts).sort()).toStrictEqual(['classic-level', 'esbuild']);
  });
});
