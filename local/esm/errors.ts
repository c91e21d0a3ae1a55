/** A setting of the local event source mapping is outside what Lambda accepts. The message names it and the value given. */
export class EventSourceMappingSettingsError extends Error {
  public override readonly name = 'EventSourceMappingSettingsError';
}

/** `drain()` gave up: some shard still had records to read or process. The message says which. */
export class DrainTimeoutError extends Error {
  public override readonly name = 'DrainTimeoutError';
}

/**
 * The function failed: its handler threw (`errorType` is the thrown error's name), its module could not be
 * loaded, or its runtime (worker) crashed.
 */
export class FunctionError extends Error {
  public override readonly name = 'FunctionError';
  /** Lambda's `errorType`: the name of what was thrown, e.g. `TypeError`, or `Runtime.ExitError`. */
  public readonly errorType: string;

  public constructor(message: string, options: { readonly errorType: string; readonly cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorType = options.errorType;
  }
}
