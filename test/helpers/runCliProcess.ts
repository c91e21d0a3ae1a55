import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/streamfold.js', import.meta.url));

/** Options of {@link runCliProcess}. */
export interface CliProcessOptions {
  /**
   * The environment of the process.
   * @default - this process's environment
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The working directory.
   * @default - this process's
   */
  readonly cwd?: string;
}

/** Runs the real `streamfold` executable (as a user would) and captures its output and exit code. */
export const runCliProcess = (
  args: readonly string[],
  input?: string,
  options: CliProcessOptions = {},
): { code: number | null; stdout: string; stderr: string } => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    ...(options.env !== undefined ? { env: options.env } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
