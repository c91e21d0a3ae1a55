/** One thing wrong with a pipeline definition. */
export interface DefinitionProblem {
  /** Where: `stream`, `groupBy.0`, `metrics.latency.percentiles.0`; `(definition)` for the whole object. */
  readonly path: string;
  /** What is wrong and which form is accepted. */
  readonly message: string;
  /**
   * The value given, described (`"p95"`, `0.95`, `nothing`, `a function`); `undefined` when the message
   * already quotes the values involved.
   */
  readonly given: string | undefined;
}

/**
 * One line for a problem: `<path>: <message> (given <value>)`.
 *
 * @example
 * formatProblem({ path: 'stream', message: 'must be a Kinesis stream name', given: '"bad stream!"' });
 * // 'stream: must be a Kinesis stream name (given "bad stream!")'
 */
export const formatProblem = (problem: DefinitionProblem): string =>
  `${problem.path}: ${problem.message}${problem.given === undefined ? '' : ` (given ${problem.given})`}`;

/** Options of {@link DefinitionError}. */
export interface DefinitionErrorOptions extends ErrorOptions {
  /**
   * The problems, structured.
   * @default - each line of `problems` as a problem of the whole definition
   */
  readonly details?: readonly DefinitionProblem[];
}

/**
 * A pipeline definition that cannot work. Raised by `definePipeline` (so at `cdk synth`, start-up or
 * `streamfold fold`), never inside a running Lambda. It lists every problem at once, each with its path
 * and the value given: the message has one line per problem, `problems` the same lines, `details` the
 * same problems structured.
 *
 * @example
 * try {
 *   definePipeline(input);
 * } catch (error) {
 *   if (error instanceof DefinitionError) for (const p of error.details) console.error(p.path, p.given);
 * }
 */
export class DefinitionError extends Error {
  public override readonly name = 'DefinitionError';
  /** Every problem: path, what is wrong, the value given. */
  public readonly details: readonly DefinitionProblem[];

  public constructor(
    message: string,
    /** One line per problem, each `<field path>: <what is wrong> (given <value>)`. */
    public readonly problems: readonly string[] = [message],
    options: DefinitionErrorOptions = {},
  ) {
    super(message, options);
    this.details =
      options.details ?? problems.map((line) => ({ path: '(definition)', message: line, given: undefined }));
  }

  /**
   * The error for a definition with these problems, under a label such as `Pipeline "requests-by-ip"`.
   *
   * @example
   * throw DefinitionError.listing('Pipeline "orders"', [{ path: 'stream', message: 'must be …', given: '""' }]);
   */
  public static listing(label: string, details: readonly DefinitionProblem[]): DefinitionError {
    const lines = details.map(formatProblem);
    return new DefinitionError(`${label} is invalid:\n  - ${lines.join('\n  - ')}`, lines, { details });
  }
}
