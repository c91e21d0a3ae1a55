/** A mistake in how the command was called (exit code 2): bad option, unknown pipeline, missing file. */
export class UsageError extends Error {
  public override readonly name = 'UsageError';
}

/** Process exit codes of the `streamfold` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
