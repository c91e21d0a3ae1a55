import { BATCH_EPOCH_MS, recordTimes } from './clock.ts';
import { logNormal } from './distributions.ts';
import { keptSampler } from './keptSampler.ts';
import { seededRandom } from './prng.ts';
import type { GeneratedRecord, GeneratorOptions } from './types.ts';

const CATEGORIES = [
  'books',
  'music',
  'garden',
  'toys',
  'kitchen',
  'sports',
  'games',
  'tools',
  'office',
  'beauty',
  'health',
  'baby',
  'pets',
  'auto',
  'grocery',
  'shoes',
  'jewelry',
  'outdoor',
  'video',
  'software',
];

/**
 * CSV rows `time,category,price,quantity` (no header), one row per record, for the `category-averages`
 * example: 20 Zipf-distributed categories, ISO times with milliseconds. Rows are short (~45 bytes):
 * that is the format.
 *
 * @example
 * csvRows({ count: 10_000 })[0].text; // '2026-11-21T08:29:59.612Z,books,12.50,2'
 */
export const csvRows = (options: GeneratorOptions): GeneratedRecord[] => {
  const random = seededRandom(options.seed ?? 1);
  const nextCategory = keptSampler(random, CATEGORIES, options.keepGroup);
  const startMs = options.startMs ?? BATCH_EPOCH_MS;
  const times = options.times ?? recordTimes;
  const records: GeneratedRecord[] = [];
  for (let i = 0; i < options.count; i++) {
    const { eventMs, arrivalMs } = times(random, i, options.count, startMs);
    const price = logNormal(random, 15, 0.7).toFixed(2);
    const quantity = 1 + random.int(5);
    const category = CATEGORIES[nextCategory()] as string;
    records.push({
      text: `${new Date(eventMs).toISOString()},${category},${price},${quantity}`,
      arrivalMs,
      key: category,
    });
  }
  return records;
};
