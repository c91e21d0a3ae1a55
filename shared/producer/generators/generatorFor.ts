import { accessLogGenerator } from './accessLogs.ts';
import { csvRowGenerator } from './csvRows.ts';
import { UnknownGeneratorError } from './errors.ts';
import { sensorGenerator } from './sensors.ts';
import { tradeGenerator } from './trades.ts';
import type { RecordGenerator } from './types.ts';

/** The demo traffic generator of each example pipeline, by pipeline name. */
export const GENERATORS: ReadonlyMap<string, RecordGenerator> = new Map([
  ['requests-by-ip', accessLogGenerator],
  ['category-averages', csvRowGenerator],
  ['ohlc', tradeGenerator],
  ['sensor-stats', sensorGenerator],
]);

/**
 * The demo traffic generator for an example pipeline.
 *
 * @throws {UnknownGeneratorError} for a pipeline without one, naming those that have one.
 * @example
 * const records = generatorFor('ohlc')({ seed: 1, malformedShare: 0.02 });
 * for (let i = 0; i < 1000; i++) send(records.next().value);
 */
export const generatorFor = (pipelineName: string): RecordGenerator => {
  const generator = GENERATORS.get(pipelineName);
  if (generator === undefined) {
    throw new UnknownGeneratorError(
      `No traffic generator for pipeline "${pipelineName}"; generators exist for ${[...GENERATORS.keys()].join(', ')}`,
    );
  }
  return generator;
};
