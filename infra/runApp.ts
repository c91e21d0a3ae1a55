import type { App } from 'aws-cdk-lib';
import { DefinitionError } from '../shared/definition/errors.ts';
import { BundlingSetupError, StreamAggregationError } from './constructs/errors.ts';
import { AppContextError } from './errors.ts';

/** Where {@link runApp} reports a setting error, and how it ends the process (replaceable in tests). */
export interface RunAppIo {
  /** @default process.stderr */
  readonly stderr?: Pick<NodeJS.WritableStream, 'write'>;
  /** @default process.exit */
  readonly exit?: (code: number) => void;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Exit status of the app for a setting error: a usage error, as the `streamfold` command exits. */
export const SETTING_ERROR_EXIT = 2;

/**
 * Whether an error says that a setting is wrong (a `-c` context value, a construct prop, a pipeline
 * definition) rather than that the program is: its message alone tells the user what to fix.
 *
 * @example
 * isSettingError(new AppContextError('context pipelines names no pipeline "ohcl" (known: ohlc)')); // true
 */
export const isSettingError = (error: unknown): error is Error =>
  error instanceof AppContextError ||
  error instanceof StreamAggregationError ||
  error instanceof BundlingSetupError ||
  error instanceof DefinitionError;

/**
 * Builds the CDK app the way `cdk synth` / `cdk deploy` run it (cdk.json's `app`): a setting error prints
 * one line, `streamfold: <message>`, and ends the process with status 2 — no stack trace (set
 * `STREAMFOLD_DEBUG=1` to see it), and no synthesis of a half-built app. Any other error is a bug and
 * is thrown as it is.
 *
 * @example
 * runApp(createApp); // in infra/app.ts
 */
export const runApp = (create: () => App, io: RunAppIo = {}): App | undefined => {
  try {
    return create();
  } catch (error) {
    if (!isSettingError(error)) throw error;
    const stderr = io.stderr ?? process.stderr;
    stderr.write(`streamfold: ${error.message}\n`);
    if ((io.env ?? process.env).STREAMFOLD_DEBUG === '1') stderr.write(`${error.stack}\n`);
    // process.exit, not exitCode: with CDK_OUTDIR set, the App synthesizes on 'beforeExit', and would
    // synthesize the half-built app.
    (io.exit ?? process.exit)(SETTING_ERROR_EXIT);
    return undefined;
  }
};
