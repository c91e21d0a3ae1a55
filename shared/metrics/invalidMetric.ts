import { MetricOptionsError } from './errors.ts';
import type { OptionProblem } from './OptionProblem.ts';
import type { Metric, MetricKind, MetricResult } from './types.ts';

/**
 * The metric a factory returns when its arguments or options cannot work: it carries the problems, so
 * `definePipeline` lists them (with every other problem of the definition), and it folds nothing: every
 * operation throws a {@link MetricOptionsError} naming the problems, should it be used anyway.
 *
 * @example
 * const problems = checkField('field', '');
 * if (problems.length > 0) return invalidMetric('sum', 'sum("")', problems);
 */
export const invalidMetric = <S, I, R extends MetricResult>(
  kind: MetricKind,
  description: string,
  problems: readonly OptionProblem[],
): Metric<S, I, R> => {
  const fail = (): never => {
    throw new MetricOptionsError(description, problems);
  };
  return {
    kind,
    fields: [],
    description,
    problems,
    input: fail,
    empty: fail,
    add: fail,
    mergeInto: fail,
    clone: fail,
    encode: fail,
    decode: fail,
    result: fail,
  };
};
