import { BATCH_EPOCH_MS, clfTime } from './clock.ts';
import { seededRandom } from './prng.ts';
import type { GeneratedRecord, GeneratorOptions } from './types.ts';

/**
 * Worst-case batches for item size: every record in one group and one window (the first minute), with
 * values chosen to grow each metric's state as much as it can grow: all-distinct strings (HyperLogLog
 * turns dense, top-k fills its counters), log-uniform magnitudes over 12 decades (DDSketch uses many bins)
 * and full-precision doubles of mixed magnitude (exact sums keep many partials).
 */

/** A full-precision double, log-uniform over [1e-6, 1e6]. */
const wide = (random: ReturnType<typeof seededRandom>): number => 10 ** (random.next() * 12 - 6);

const oneWindowTime = (i: number, count: number): number =>
  BATCH_EPOCH_MS + Math.floor((i * 59_000) / Math.max(1, count));

/**
 * Access log lines from one IP with all-distinct paths and wide request times (requests-by-ip).
 *
 * @example
 * worstAccessLogs({ count: 10_000 });
 */
export const worstAccessLogs = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 7);
  return Array.from({ length: options.count }, (_, i) => {
    const ms = oneWindowTime(i, options.count);
    const seconds = (10 ** (random.next() * 9 - 6)).toFixed(6);
    return {
      text: `203.0.113.9 - - [${clfTime(ms)}] "GET /p/${i}/${random.int(1e9)} HTTP/1.1" 500 ${random.int(1e6)} "-" "curl/8.5.0" ${seconds}`,
      arrivalMs: ms + 1000,
    };
  });
};

/**
 * CSV rows of one category with full-precision prices and quantities (category-averages).
 *
 * @example
 * worstCsvRows({ count: 10_000 });
 */
export const worstCsvRows = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 7);
  return Array.from({ length: options.count }, (_, i) => {
    const ms = oneWindowTime(i, options.count);
    return {
      text: `${new Date(ms).toISOString()},books,${wide(random)},${wide(random)}`,
      arrivalMs: ms + 1000,
    };
  });
};

/**
 * Trades of one symbol with full-precision prices and quantities (ohlc).
 *
 * @example
 * worstTrades({ count: 10_000 });
 */
export const worstTrades = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 7);
  return Array.from({ length: options.count }, (_, i) => {
    const ms = oneWindowTime(i, options.count);
    const trade = {
      symbol: 'ACME',
      price: wide(random),
      qty: wide(random),
      time: new Date(ms).toISOString(),
    };
    return { text: JSON.stringify(trade), arrivalMs: ms + 1000 };
  });
};

/**
 * Readings of one device with full-precision temperatures and wide humidities (sensor-stats).
 *
 * @example
 * worstSensors({ count: 10_000 });
 */
export const worstSensors = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 7);
  return Array.from({ length: options.count }, (_, i) => {
    const ms = oneWindowTime(i, options.count);
    const reading = {
      device: 'sensor-0000',
      temperature: wide(random) - wide(random),
      humidity: wide(random),
      time: new Date(ms).toISOString(),
    };
    return { text: JSON.stringify(reading), arrivalMs: ms + 1000 };
  });
};
