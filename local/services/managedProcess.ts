import { type ChildProcess, spawn } from 'node:child_process';
import { LocalServiceError } from './errors.ts';

/** Options of {@link spawnManaged}. */
export interface ManagedProcessOptions {
  /** Executable to run. */
  readonly command: string;
  /** Arguments to pass. */
  readonly args: readonly string[];
  /** Working directory of the child. */
  readonly cwd: string;
  /** Full environment of the child. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * How many of the last output lines (stdout and stderr together) to keep for error messages.
   * @default 50
   */
  readonly keepLines?: number;
  /**
   * Output patterns to remember even after their line leaves the ring buffer; ask with `saw()`.
   * @default []
   */
  readonly watch?: readonly RegExp[];
}

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process that is killed when the parent exits and whose recent output is kept. */
export interface ManagedProcess {
  readonly pid: number | undefined;
  /** Settles when the child has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** Whether the child is still running. */
  isRunning(): boolean;
  /** The last output lines, newest last. */
  recentOutput(): string;
  /** Whether a line matched `pattern`, one of the `watch` patterns given to {@link spawnManaged}. */
  saw(pattern: RegExp): boolean;
  /** Sends `signal` and waits for the exit; a child still alive after `graceMs` is SIGKILLed. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<ProcessExit>;
}

const live = new Set<ChildProcess>();
const SIGNALS: readonly NodeJS.Signals[] =
  process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];

const killAll = (): void => {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
};

/*
 * On a signal nobody else handles, Node dies without emitting 'exit': kill the children, then
 * re-raise the signal so the process still ends the default way. When the application has its
 * own handler it owns the shutdown, and the 'exit' hook remains the safety net.
 */
const onSignal = (signal: NodeJS.Signals): void => {
  if (process.listenerCount(signal) > 1) return;
  killAll();
  uninstallHooks();
  process.kill(process.pid, signal);
};

let hooksInstalled = false;
const installHooks = (): void => {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
};
const uninstallHooks = (): void => {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', killAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
};

const MAX_LINE_CHARS = 2_000;

/**
 * Spawns a server process that dies with its parent: it is SIGKILLed on `process.exit`, and on
 * SIGINT/SIGTERM/SIGHUP when the application installs no handler of its own. Output is not
 * printed; the last lines are kept for error messages.
 *
 * @example
 * ```ts
 * const child = spawnManaged({ command: 'java', args: ['-version'], cwd: '.', env: process.env });
 * await child.exited;
 * console.log(child.recentOutput());
 * ```
 */
export const spawnManaged = (options: ManagedProcessOptions): ManagedProcess => {
  const keepLines = options.keepLines ?? 50;
  const lines: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const watch = options.watch ?? [];
  const seen = new Set<RegExp>();
  const push = (line: string): void => {
    for (const pattern of watch) if (pattern.test(line)) seen.add(pattern);
    lines.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
    if (lines.length > keepLines) lines.shift();
  };

  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  installHooks();
  live.add(child);

  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      const parts = (partial[stream] + chunk).split(/\r?\n/);
      // A line without an end (e.g. a huge TRACE body) must not grow without bound.
      partial[stream] = (parts.pop() ?? '').slice(0, MAX_LINE_CHARS);
      for (const line of parts) push(line);
    });
  }

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      push(`spawn ${options.command}: ${error.message}`);
      live.delete(child);
      if (live.size === 0) uninstallHooks();
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (live.size === 0) uninstallHooks();
      resolve({ code, signal });
    });
  });

  const isRunning = (): boolean => live.has(child);

  return {
    pid: child.pid,
    exited,
    isRunning,
    saw: (pattern) => seen.has(pattern),
    recentOutput: () => [...lines, partial.stdout, partial.stderr].filter((line) => line !== '').join('\n'),
    stop: async (signal = 'SIGKILL', graceMs = 5_000) => {
      if (!isRunning()) return exited;
      child.kill(signal);
      if (signal === 'SIGKILL') return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
};

/** Options of {@link waitUntilReady}. */
export interface WaitUntilReadyOptions {
  /** Service name for error messages, e.g. `'DynamoDB Local'`. */
  readonly name: string;
  /** Gives up (and stops the child) after this long. */
  readonly timeoutMs: number;
  /**
   * Pause between probes.
   * @default 50
   */
  readonly intervalMs?: number;
  /**
   * A `watch` line the child prints just before it binds its port. An answer that comes without
   * that line is from another process holding the port: fails with "address already in use".
   * @default undefined - every answer counts
   */
  readonly bindingLine?: RegExp;
  /**
   * A `watch` line the child prints when it cannot bind its port (some servers stay alive then).
   * @default undefined
   */
  readonly bindFailure?: RegExp;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Log lines and responses travel separately: allow the binding line to arrive a little late. */
const BINDING_LINE_GRACE_MS = 250;

const sawWithin = async (child: ManagedProcess, pattern: RegExp, ms: number): Promise<boolean> => {
  for (const deadline = Date.now() + ms; !child.saw(pattern); await sleep(10)) {
    if (Date.now() >= deadline) return false;
  }
  return true;
};

/**
 * Probes until the child answers, failing fast (with its last output) when it exits first and
 * stopping it on timeout.
 *
 * @example
 * ```ts
 * await waitUntilReady(child, () => ping(endpoint), { name: 'kinesis-local', timeoutMs: 30_000 });
 * ```
 */
export const waitUntilReady = async (
  child: ManagedProcess,
  probe: () => Promise<unknown>,
  options: WaitUntilReadyOptions,
): Promise<void> => {
  const deadline = Date.now() + options.timeoutMs;
  const died = child.exited.then((exit) => ({ exit }));
  const fail = async (reason: string, cause?: unknown): Promise<never> => {
    await child.stop();
    throw new LocalServiceError(`${options.name} ${reason}. Last output:\n${child.recentOutput()}`, {
      cause,
    });
  };
  let lastError: unknown;
  for (;;) {
    const outcome = await Promise.race([
      probe().then(
        () => ({ ready: true as const }),
        (error: unknown) => ({ ready: false as const, error }),
      ),
      died,
    ]);
    if ('exit' in outcome) {
      const { code, signal } = outcome.exit;
      return fail(`exited before it was ready (code ${code}, signal ${signal})`);
    }
    if (options.bindFailure !== undefined && child.saw(options.bindFailure)) {
      return fail('could not bind its port (address already in use)');
    }
    if (outcome.ready) {
      if (
        options.bindingLine !== undefined &&
        !(await sawWithin(child, options.bindingLine, BINDING_LINE_GRACE_MS))
      ) {
        return fail(
          'found its port taken: another process answered before it bound it (address already in use)',
        );
      }
      return;
    }
    lastError = outcome.error;
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      return fail(`did not answer within ${options.timeoutMs} ms (last probe: ${reason})`, lastError);
    }
    await sleep(options.intervalMs ?? 50);
  }
};
