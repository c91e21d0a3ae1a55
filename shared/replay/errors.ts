/** A replay could not do what it was asked. */
export class ReplayError extends Error {
  public override readonly name: string = 'ReplayError';
}

/** Another replay of the pipeline holds the replay lock (or this one lost it). */
export class ReplayLockedError extends ReplayError {
  public override readonly name = 'ReplayLockedError';
}
