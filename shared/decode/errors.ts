/**
 * A decoder was built with options that cannot work (a duplicate column name, a multi-character delimiter, ...).
 * Thrown when the decoder is built (at `cdk synth` / start-up), never while decoding; the message names the
 * option and echoes the bad value.
 *
 * @example
 * throw new DecoderConfigError('csv option "delimiter" must be a single character (given ";;")');
 */
export class DecoderConfigError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DecoderConfigError';
  }
}
