/**
 * In buffered mode, something could not be written before the invocation's deadline: the invocation fails
 * on purpose, so that Lambda retries it with the state it had (docs/adr/0002-coalesced-writes.md).
 */
export class BufferedWriteError extends Error {
  public override readonly name = 'BufferedWriteError';
}
