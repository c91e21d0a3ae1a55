import { padWidth } from './fitWidth.ts';

/** What the screen writes to: a TTY write stream such as `process.stdout`. */
export interface TerminalOutput {
  write(text: string): boolean;
  readonly columns?: number;
  readonly rows?: number;
  on(event: 'resize', listener: () => void): unknown;
  off(event: 'resize', listener: () => void): unknown;
}

/** Where keys come from: a TTY read stream such as `process.stdin`. */
export interface TerminalInput {
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (data: Buffer | string) => void): unknown;
  off(event: 'data', listener: (data: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** A key the view acts on. */
export type ScreenKey =
  | { readonly kind: 'quit' }
  | { readonly kind: 'interrupt' }
  | { readonly kind: 'next' }
  | { readonly kind: 'previous' }
  | { readonly kind: 'select'; readonly index: number };

/** Options of {@link TerminalScreen}. */
export interface TerminalScreenOptions {
  readonly output: TerminalOutput;
  /** Keys are read from it in raw mode; without it the view takes no keys (Ctrl-C still ends the process). */
  readonly input?: TerminalInput;
  /** Called with each key the view knows (others are ignored). */
  readonly onKey?: (key: ScreenKey) => void;
  /** Called after the terminal was resized, to draw a frame of the new size. */
  readonly onResize?: () => void;
}

/** Escape sequences (xterm / ECMA-48; every terminal emulator in use understands them). */
const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';
const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const HOME = '\u001b[H';
const CLEAR = '\u001b[2J';

/** Parses what one read of a raw-mode terminal gave into the keys the view knows. */
export const parseKeys = (data: string): ScreenKey[] => {
  const keys: ScreenKey[] = [];
  for (let i = 0; i < data.length; i += 1) {
    const rest = data.slice(i);
    if (rest.startsWith('\u001b[C') || rest.startsWith('\u001bOC')) {
      keys.push({ kind: 'next' });
      i += 2;
    } else if (rest.startsWith('\u001b[D') || rest.startsWith('\u001bOD')) {
      keys.push({ kind: 'previous' });
      i += 2;
    } else if (rest.startsWith('\u001b[Z')) {
      keys.push({ kind: 'previous' });
      i += 2;
    } else {
      const char = data[i] as string;
      if (char === 'q' || char === 'Q') keys.push({ kind: 'quit' });
      else if (char === '\u0003') keys.push({ kind: 'interrupt' });
      else if (char === '\t' || char === 'n' || char === 'l') keys.push({ kind: 'next' });
      else if (char === 'p' || char === 'h') keys.push({ kind: 'previous' });
      else if (char >= '1' && char <= '9') keys.push({ kind: 'select', index: Number(char) - 1 });
    }
  }
  return keys;
};

/**
 * A full-screen view on the terminal's alternate screen, as `top` and `less` draw: each frame replaces
 * the last in place (nothing reaches the scrollback), keys are read in raw mode, a resize asks for a new
 * frame, and the terminal is given back as it was (main screen, cursor, cooked mode) on {@link close},
 * on `process.exit` and on a crash, before the error is printed.
 *
 * Hand-written rather than built on a terminal UI library: the view is one static text frame per
 * refresh, which needs six escape sequences and raw-mode keys; ink brings React and a layout engine for
 * that, and blessed (unreleased since 2015) and its forks redraw through their own widget tree and
 * terminfo parsing. Widths are measured with `string-width`, the library that ink itself uses.
 *
 * @example
 * const screen = new TerminalScreen({ output: process.stdout, input: process.stdin, onKey, onResize: draw });
 * screen.open();
 * screen.draw(renderDevScreen(snapshot, { ...screen.size(), selected }));
 * screen.close();
 */
export class TerminalScreen {
  private opened = false;
  private readonly onData = (data: Buffer | string): void => {
    for (const key of parseKeys(data.toString())) this.options.onKey?.(key);
  };
  private readonly onResize = (): void => {
    if (!this.opened) return;
    this.options.output.write(CLEAR);
    this.options.onResize?.();
  };
  private readonly onExit = (): void => {
    this.close();
  };

  public constructor(private readonly options: TerminalScreenOptions) {}

  /** The terminal's size (80×24 when the output does not say). */
  public size(): { columns: number; rows: number } {
    const { columns, rows } = this.options.output;
    return {
      columns: columns !== undefined && columns > 0 ? columns : 80,
      rows: rows !== undefined && rows > 0 ? rows : 24,
    };
  }

  /** Switches to the alternate screen, hides the cursor and starts reading keys. */
  public open(): void {
    if (this.opened) return;
    this.opened = true;
    const { output, input } = this.options;
    output.write(`${ENTER_ALTERNATE_SCREEN}${HIDE_CURSOR}${CLEAR}`);
    output.on('resize', this.onResize);
    process.on('exit', this.onExit);
    process.on('uncaughtExceptionMonitor', this.onExit);
    if (input !== undefined) {
      input.setRawMode?.(true);
      input.on('data', this.onData);
      input.resume();
    }
  }

  /**
   * Draws a frame: each line padded to the width (so no old text remains), from the top-left corner,
   * without a final newline (so the screen never scrolls). Lines must already fit (see `renderDevScreen`).
   */
  public draw(lines: readonly string[]): void {
    if (!this.opened) return;
    const { columns, rows } = this.size();
    const frame = lines
      .slice(0, rows)
      .map((line) => (line.includes('\u001b[') ? line : padWidth(line, columns)));
    this.options.output.write(`${HOME}${frame.join('\r\n')}`);
  }

  /** Gives the terminal back: cooked mode, cursor shown, main screen as it was before {@link open}. */
  public close(): void {
    if (!this.opened) return;
    this.opened = false;
    const { output, input } = this.options;
    output.off('resize', this.onResize);
    process.off('exit', this.onExit);
    process.off('uncaughtExceptionMonitor', this.onExit);
    if (input !== undefined) {
      input.off('data', this.onData);
      input.setRawMode?.(false);
      input.pause();
    }
    output.write(`${SHOW_CURSOR}${LEAVE_ALTERNATE_SCREEN}`);
  }
}
