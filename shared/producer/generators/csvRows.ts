import type { SeededRandom } from './SeededRandom.ts';
import { eventTime, generatorSettings } from './settings.ts';
import type { GeneratedRecord, RecordGenerator } from './types.ts';
import { ZipfSampler } from './ZipfSampler.ts';

const CATEGORIES: readonly { readonly category: string; readonly price: number }[] = [
  { category: 'books', price: 15 },
  { category: 'electronics', price: 120 },
  { category: 'garden, outdoor', price: 40 },
  { category: 'toys', price: 25 },
  { category: 'grocery', price: 6 },
  { category: 'music', price: 12 },
];
const GARBAGE = [
  '#### export interrupted ####',
  'time;category;price;quantity',
  'Traceback (most recent call last):',
];
const BAD_TIMES = ['21/11/2026 08:30:00', '2026-13-01T00:00:00Z', 'now'];

/** A CSV field, quoted when it holds a comma, a quote or a line break. */
const field = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

interface Row {
  readonly time: string;
  readonly category: string;
  readonly price: string;
  readonly quantity: string;
}

const line = (row: Row): string => [row.time, field(row.category), row.price, row.quantity].join(',');

const damage = (random: SeededRandom, row: Row): GeneratedRecord => {
  const partitionKey = row.category;
  switch (random.int(0, 4)) {
    case 0:
      return {
        data: `${row.time},${field(row.category)}`,
        partitionKey,
        malformed: true,
        defect: 'truncated',
      };
    case 1: {
      const wrong = random.chance(0.5)
        ? { ...row, price: random.pick(['n/a', '"12,50"', '12.5.0']) }
        : { ...row, quantity: 'two' };
      return { data: line(wrong), partitionKey, malformed: true, defect: 'wrong-type' };
    }
    case 2:
      return {
        data: line({ ...row, time: random.pick(BAD_TIMES) }),
        partitionKey,
        malformed: true,
        defect: 'bad-timestamp',
      };
    case 3:
      return { data: line({ ...row, price: '' }), partitionKey, malformed: true, defect: 'missing-field' };
    default:
      return { data: random.pick(GARBAGE), partitionKey, malformed: true, defect: 'garbage' };
  }
};

/**
 * CSV rows `time,category,price,quantity` (no header) for the `category-averages` pipeline: six categories
 * (one with a comma, so quoted) drawn Zipf-like, prices log-normal around each category's typical price,
 * quantities 1–5. Malformed rows: truncated, wrong type, bad timestamp, empty price, garbage. The partition
 * key is the category.
 *
 * @example
 * const rows = csvRowGenerator({ seed: 9 });
 * rows.next().value.data; // '2026-11-21T08:30:01.120Z,books,14.20,2'
 */
export const csvRowGenerator: RecordGenerator = function* (options) {
  const settings = generatorSettings(options);
  const { random } = settings;
  const popularity = new ZipfSampler(CATEGORIES.length, 0.9);
  for (;;) {
    const { category, price } = CATEGORIES[popularity.sample(random)] as (typeof CATEGORIES)[number];
    const row: Row = {
      time: new Date(eventTime(settings)).toISOString(),
      category,
      price: random.logNormal(price, 0.35).toFixed(2),
      quantity: String(Math.min(5, 1 + Math.floor(random.logNormal(1, 0.8)))),
    };
    if (random.chance(settings.malformedShare)) yield damage(random, row);
    else yield { data: line(row), partitionKey: category, malformed: false };
  }
};
