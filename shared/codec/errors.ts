/** Raised when bytes cannot be decoded into a metric state: truncated, corrupt or of an unknown version. */
export class CodecError extends Error {
  public override readonly name = 'CodecError';
}
