/**
 * One thing wrong with a metric's arguments or options, found when the metric is built (so when the
 * pipeline is defined), never while it folds. `definePipeline` lists it as `metrics.<name>.<path>`.
 */
export interface OptionProblem {
  /** Where inside the metric: `['percentiles', 0]`, `['field']`, `['k']`, `['options']` for the whole bag. */
  readonly path: readonly (string | number)[];
  /** What is wrong and which form is accepted; the value is in {@link OptionProblem.given}. */
  readonly message: string;
  /** The value given, described for a message: `"p95"`, `0.95`, `nothing`, `a function`. */
  readonly given: string;
}

/**
 * Describes a value for an error message: its JSON cut to 60 characters, `nothing` for `undefined`,
 * `a function` for a function.
 *
 * @example
 * describeGiven('p95'); // '"p95"'
 * describeGiven(undefined); // 'nothing'
 */
export const describeGiven = (value: unknown): string => {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return String(value);
  }
};

/**
 * One line for a problem: `<path>: <message> (given <value>)`, the path prefixed by `prefix`.
 *
 * @example
 * formatOptionProblem({ path: ['k'], message: 'must be a whole number of at least 1', given: '0' }, 'metrics.top');
 * // 'metrics.top.k: must be a whole number of at least 1 (given 0)'
 */
export const formatOptionProblem = (problem: OptionProblem, prefix = ''): string => {
  const path = [prefix, ...problem.path.map(String)].filter((part) => part !== '').join('.');
  return `${path === '' ? '(options)' : path}: ${problem.message} (given ${problem.given})`;
};
