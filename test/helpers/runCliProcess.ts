import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/streamfold.js', import.meta.url));

/** Runs the real `streamfold` executable (as a user would) and captures its output and exit code. */
export const runCliProcess = (
  args: readonly string[],
  input?: string,
): { code: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
