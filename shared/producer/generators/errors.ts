/** No generator exists for the pipeline asked for; the message lists those that do. */
export class UnknownGeneratorError extends Error {
  public override readonly name = 'UnknownGeneratorError';
}

/** A generator option is out of range; the message echoes the value. */
export class GeneratorOptionError extends Error {
  public override readonly name = 'GeneratorOptionError';
}
