/**
 * A pipeline definition that cannot work. Raised by `definePipeline` (so at `cdk synth`, start-up or
 * `streamfold fold`), never inside a running Lambda. The message names every bad field and its value.
 */
export class DefinitionError extends Error {
  public override readonly name = 'DefinitionError';

  public constructor(
    message: string,
    /** One line per problem, each `<field path>: <what is wrong>`. */
    public readonly problems: readonly string[] = [message],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
