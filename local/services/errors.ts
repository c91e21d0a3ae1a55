/** A local service could not be prepared, started or stopped. The message says which and why. */
export class LocalServiceError extends Error {
  public override readonly name = 'LocalServiceError';
}
