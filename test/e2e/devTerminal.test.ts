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

/** Runs `dev` in an 80×24 pseudo-terminal, types `keys` once its view shows `ready`, and replays it all. */
const runInTerminal = async (keys: readonly string[]): Promise<TerminalRun> => {
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!/\[1\/2\] ohlc/.test(output.slice(output.indexOf(ENTER_ALTERNATE)))) {
    if (Date.now() > deadline) throw new Error(`the view never showed; output:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const key of keys) {
    child.stdin.write(key);
    await new Promise((resolve) => setTimeout(resolve, 300));
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

describe('streamfold dev in an 80×24 terminal', () => {
  it('shows one pipeline at a time, switches with →, quits with q and gives the main screen back clean', async () => {
    // Act: → to the second pipeline, then q
    const run = await runInTerminal(['\u001b[C', 'q']);

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
    const run = await runInTerminal(['\u0003']);

    // Assess
    expect(run.code).toBe(0);
    const after = run.after.join('\n');
    expect(after).toContain('streamfold dev: local services stopped');
    expect(after).not.toContain('[1/2] ohlc');
  });
});
