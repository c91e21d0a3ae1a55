import { EXIT } from '../errors.ts';

/**
 * Runs `work` with Ctrl-C (and SIGTERM) turned into a clean stop: the first signal aborts `work`'s signal,
 * so it finishes what it started and returns; a second one quits at once (exit 130).
 *
 * @example
 * const report = await interruptible((signal) => runReplay(pipeline, options, { signal }), 'replay');
 */
export const interruptible = async <T>(
  work: (signal: AbortSignal) => Promise<T>,
  what: string,
): Promise<T> => {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      process.stderr.write(`Interrupted again: quitting ${what} now (a rerun resumes)\n`);
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\nStopping ${what} after the work in hand (Ctrl-C again to quit now)…\n`);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

/**
 * Writes `text` to standard output and, once it is out, ends the process with exit status 130.
 *
 * @example
 * if (report.interrupted) await exitInterrupted(text);
 */
export const exitInterrupted = async (text: string): Promise<never> => {
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  process.exit(EXIT.interrupted);
};
