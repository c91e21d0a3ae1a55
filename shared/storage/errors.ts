/** A DynamoDB operation that failed after its retries, or an item that cannot be stored. */
export class StorageError extends Error {
  public override readonly name: string = 'StorageError';
}

/** Retries were stopped because the invocation is about to run out of time. */
export class DeadlineError extends StorageError {
  public override readonly name = 'DeadlineError';
}

/** A results item whose state cannot be read with this pipeline definition (corrupt or another definition). */
export class ItemStateError extends StorageError {
  public override readonly name = 'ItemStateError';
}
