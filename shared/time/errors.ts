/** A duration or timestamp option that cannot be understood (a definition error, not a record error). */
export class TimeFormatError extends Error {
  public override readonly name = 'TimeFormatError';
}
