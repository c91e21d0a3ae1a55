import { describeGiven } from '../metrics/OptionProblem.ts';
import type { DefinitionProblem } from './errors.ts';

/**
 * A problem with the value given, described for the message.
 *
 * @example
 * problem('stream', 'must be a Kinesis stream name', ''); // { path: 'stream', message: …, given: '""' }
 */
export const problem = (path: string, message: string, given: unknown): DefinitionProblem => ({
  path,
  message,
  given: describeGiven(given),
});
