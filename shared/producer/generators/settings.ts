import { GeneratorOptionError } from './errors.ts';
import { SeededRandom } from './SeededRandom.ts';
import type { GeneratorOptions } from './types.ts';

/** Validated generator options, with the seeded generator made from the seed. */
export interface GeneratorSettings {
  readonly random: SeededRandom;
  readonly now: () => number;
  readonly malformedShare: number;
}

/** Largest delay between an event and the moment it is generated, in ms: events are "just now". */
export const MAX_EVENT_LAG_MS = 2_000;

/**
 * Checks generator options and fills in defaults (seed 1, `Date.now`, 1 % malformed).
 *
 * @throws {GeneratorOptionError} for a malformed share outside [0, 1] or a seed that is not a finite number.
 * @example
 * const { random, now, malformedShare } = generatorSettings(options);
 */
export const generatorSettings = (options: GeneratorOptions = {}): GeneratorSettings => {
  const { seed = 1, now = Date.now, malformedShare = 0.01 } = options;
  if (!Number.isFinite(seed)) {
    throw new GeneratorOptionError(`Generator seed must be a finite number (given ${seed})`);
  }
  if (!Number.isFinite(malformedShare) || malformedShare < 0 || malformedShare > 1) {
    throw new GeneratorOptionError(`Malformed share must be between 0 and 1 (given ${malformedShare})`);
  }
  return { random: new SeededRandom(seed), now, malformedShare };
};

/**
 * The event time of a record made now: the clock's reading minus a lag of up to {@link MAX_EVENT_LAG_MS}.
 *
 * @example
 * const eventMs = eventTime(settings);
 */
export const eventTime = (settings: GeneratorSettings): number =>
  settings.now() - Math.floor(settings.random.next() * MAX_EVENT_LAG_MS);
