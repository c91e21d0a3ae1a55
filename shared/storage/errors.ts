/** A DynamoDB operation that failed after its retries, or an item that cannot be stored. */
export class StorageError extends Error {
  public override readonly name: string = 'StorageError';
}

/** Retries were stopped because the invocation is about to run out of time. */
export class DeadlineError extends StorageError {
  public override readonly name = 'DeadlineError';
}

/**
 * One attempt of a call got no answer in time (`attemptTimeoutMs` of `withRetry`, or what was left
 * before the deadline): it was abandoned, and is retried like a 5xx while the deadline allows.
 */
export class AttemptTimeoutError extends StorageError {
  public override readonly name = 'AttemptTimeoutError';

  public constructor(
    /** How long the attempt was allowed. */
    public readonly timeoutMs: number,
    /** Which attempt, from 1. */
    public readonly attempt: number,
    /** Whether the deadline, rather than the attempt timeout, cut it short. */
    public readonly cutByDeadline: boolean,
  ) {
    super(
      `No answer within ${timeoutMs} ms (attempt ${attempt}${cutByDeadline ? ', cut short by the deadline' : ''})`,
    );
  }
}

/** A results item whose state cannot be read with this pipeline definition (corrupt or another definition). */
export class ItemStateError extends StorageError {
  public override readonly name = 'ItemStateError';
}

/** Writing an item would make it exceed DynamoDB's 400 KB item size limit; nothing was written. */
export class ItemTooLargeError extends StorageError {
  public override readonly name = 'ItemTooLargeError';

  public constructor(
    message: string,
    /** The size the item would have had, in bytes (as `itemSizeBytes` counts them). */
    public readonly sizeBytes: number,
  ) {
    super(message);
  }
}
