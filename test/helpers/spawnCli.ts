import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/streamfold.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** How a `streamfold` child process ended. */
export interface CliExit {
  /** Exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** A running `streamfold` child process. */
export interface RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Resolves once `stderr` contains `text` (rejects if the process ends first). */
  waitForStderr(text: string): Promise<void>;
  /** Resolves when it exits. */
  readonly exited: Promise<CliExit>;
}

/**
 * Starts the real `streamfold` executable as a user would, without blocking the test's event loop (so
 * local services running in the test process keep answering).
 *
 * @example
 * const cli = spawnCli(['query', 'ohlc', '--endpoint', dynamo.endpoint]);
 * const { code, stderr } = await cli.exited;
 */
export const spawnCli = (
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): RunningCli => {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: options.env ?? process.env });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exited = new Promise<CliExit>((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(`streamfold exited before writing ${JSON.stringify(waiter.text)}: ${stderr}`),
        );
      }
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
  return {
    child,
    stderr: () => stderr,
    waitForStderr: (text) =>
      stderr.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ text, resolve, reject });
          }),
    exited,
  };
};
