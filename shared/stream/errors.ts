/** Records could not be read back from the stream. */
export class StreamReadError extends Error {
  public override readonly name: string = 'StreamReadError';
}
