import { formatOptionProblem, type OptionProblem } from './OptionProblem.ts';

/**
 * A metric built with arguments or options that cannot work, used without going through
 * `definePipeline` (which reports the same problems, with every other problem of the definition, as a
 * `DefinitionError`). The message names each option and the value given.
 */
export class MetricOptionsError extends Error {
  public override readonly name = 'MetricOptionsError';

  public constructor(
    /** The metric, e.g. `quantiles(latencyMs)`. */
    public readonly metric: string,
    /** Every problem found, each with its option path and the value given. */
    public readonly problems: readonly OptionProblem[],
    options?: ErrorOptions,
  ) {
    super(
      `${metric} is invalid:\n  - ${problems.map((problem) => formatOptionProblem(problem)).join('\n  - ')}`,
      options,
    );
  }
}
