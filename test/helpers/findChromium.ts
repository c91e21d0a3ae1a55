import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's and other distributions' Chromium packages put the browser. */
const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'] as const;

/**
 * The Chromium executable the browser tests drive: `$CHROMIUM_PATH` when set, else the first of the
 * usual package names on the `PATH` (Debian's `chromium` package: `/usr/bin/chromium`). `.ci/run`
 * installs Debian's package when none is found; nothing downloads a browser build.
 *
 * @throws {Error} saying how to install one, when there is none.
 * @example
 * const browser = await chromium.launch({ executablePath: findChromium() });
 */
export const findChromium = (): string => {
  const given = process.env.CHROMIUM_PATH;
  if (given !== undefined && given !== '') {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH is ${given}, which does not exist`);
    return given;
  }
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status === 0 && path !== '') return path;
  }
  throw new Error(
    `No Chromium found (looked for ${CANDIDATES.join(', ')} on the PATH, and $CHROMIUM_PATH): install Debian's package with \`apt-get update && apt-get install -y chromium\` (.ci/run does this), or set CHROMIUM_PATH`,
  );
};
