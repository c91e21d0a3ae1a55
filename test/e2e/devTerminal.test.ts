import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';

/**
 * `streamfold dev` on a real terminal: the binary runs in a pseudo-terminal of 80×24 (util-linux
 * `script`, part of every Debian), keys are typed into it, and everything it wrote is played into a
 * headless xterm of the same size to see what the user sees.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTER_ALTERNATE = '\u001b[?1049h';
const LEAVE_ALTERNATE = '\u001b[?1049l';

interface TerminalRun {
  readonly code: number | null;
  /** The screen while the view was up (just before it closed). */
  readonly view: string[];
  /** The main screen after exit, scrollback included. */
  readonly after: string[];
  readonly wrappedInView: boolean;
  readonly viewBaseY: number;
}

const screenLines = (terminal: InstanceType<typeof xterm.Terminal>): string[] => {
  const buffer = terminal.buffer.active;
  return Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '');
};

const write = (terminal: InstanceType<typeof xterm.Terminal>, data: string): Promise<void> =>
  new Promise((resolve) => terminal.write(data, resolve));

/** A key typed into the view, and what the output shows once the view has handled it. */
interface Keystroke {
  readonly key: string;
  /** Text the output shows after the key (e.g. the next frame's header); without it, the key ends `dev`. */
  readonly shows?: RegExp;
}

/** How long `dev` may take to start, or to answer a key, on a loaded machine. */
const WAIT_MS = 60_000;
/** Per test: start-up, a wait per key, and the stop. */
const TEST_TIMEOUT_MS = 4 * WAIT_MS;

/**
 * Runs `dev` in an 80×24 pseudo-terminal, types each key once the view shows `ready` and the previous
 * key's frame is drawn, and replays it all.
 */
const runInTerminal = async (keys: readonly Keystroke[]): Promise<TerminalRun> => {
  const child = spawn(
    'script',
    [
      '-qfec',
      'stty cols 80 rows 24; exec node bin/streamfold.js dev --pipelines ohlc,sensor-stats --no-web',
      '/dev/null',
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  /** Waits (bounded) until the output from offset `from()` on (none while it is -1) matches `pattern`. */
  const waitFor = async (pattern: RegExp, from: () => number, what: string): Promise<void> => {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const start = from();
      if (start >= 0 && pattern.test(output.slice(start))) return;
      if (!running || Date.now() > deadline) {
        throw new Error(`${what}${running ? '' : ' (dev exited)'}; output:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await waitFor(/\[1\/2\] ohlc/, () => output.indexOf(ENTER_ALTERNATE), 'the view never showed');
  for (const { key, shows } of keys) {
    const typedAt = output.length;
    child.stdin.write(key);
    if (shows !== undefined) {
      await waitFor(shows, () => typedAt, `the view never showed ${shows} after key ${JSON.stringify(key)}`);
    }
  }
  const code = await exited;
  const terminal = new xterm.Terminal({ cols: 80, rows: 24, allowProposedApi: true, scrollback: 5000 });
  const leave = output.lastIndexOf(LEAVE_ALTERNATE);
  await write(terminal, output.slice(0, leave));
  const view = screenLines(terminal);
  const buffer = terminal.buffer.active;
  const wrappedInView = Array.from(
    { length: buffer.length },
    (_, i) => buffer.getLine(i)?.isWrapped === true,
  ).some(Boolean);
  const viewBaseY = terminal.buffer.alternate.baseY;
  await write(terminal, output.slice(leave));
  return { code, view, after: screenLines(terminal), wrappedInView, viewBaseY };
};

describe('streamfold dev in an 80×24 terminal', { timeout: TEST_TIMEOUT_MS }, () => {
  it('shows one pipeline at a time, switches with →, quits with q and gives the main screen back clean', async () => {
    // Act: → to the second pipeline, then q
    const run = await runInTerminal([{ key: '\u001b[C', shows: /\[2\/2\] sensor-stats/ }, { key: 'q' }]);

    // Assess: the view filled the alternate screen, without wrapping or scrolling
    expect(run.code).toBe(0);
    expect(run.view).toHaveLength(24);
    expect(run.view[0]).toContain('[2/2] sensor-stats');
    expect(run.view.join('\n')).toContain('stream sensors → table streamfold-sensor-stats-results');
    expect(run.wrappedInView).toBe(false);
    expect(run.viewBaseY).toBe(0);
    // … and left nothing behind: the main screen has the start-up lines and the summary, no frame
    const after = run.after.join('\n');
    expect(after).not.toContain('[1/2] ohlc');
    expect(after).not.toContain('[2/2] sensor-stats');
    expect(after).toContain('streamfold dev: local services stopped');
    expect(after).toMatch(/sensor-stats: produced -.*, in \d+/);
  });

  it('stops cleanly on Ctrl-C typed into the view (raw mode turns it into a key, not a signal)', async () => {
    // Act
    const run = await runInTerminal([{ key: '\u0003' }]);

    // Assess
    expect(run.code).toBe(0);
    const after = run.after.join('\n');
    expect(after).toContain('streamfold dev: local services stopped');
    expect(after).not.toContain('[1/2] ohlc');
  });
});
