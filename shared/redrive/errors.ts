/** Redriving the on-failure queue failed. */
export class RedriveError extends Error {
  public override readonly name: string = 'RedriveError';
}

/** A message of the on-failure queue is not an event source mapping's failure notice. */
export class FailureNoticeError extends RedriveError {
  public override readonly name = 'FailureNoticeError';
}
