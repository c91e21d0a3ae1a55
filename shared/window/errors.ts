/** A window specification that cannot work; the message names the option and the value. */
export class WindowSpecError extends Error {
  public override readonly name = 'WindowSpecError';
}
