import type { SeededRandom } from './SeededRandom.ts';
import type { GeneratedRecord } from './types.ts';

/** Texts that are not a JSON object at all. */
const GARBAGE = [
  'ERROR upstream timed out',
  '<html><body><h1>502 Bad Gateway</h1></body></html>',
  'null',
  '[1,2,3]',
  '"just a string"',
];

/** Event times that are not a valid ISO 8601 time, or are far in the future. */
const badTime = (random: SeededRandom, eventMs: number): string => {
  switch (random.int(0, 3)) {
    case 0:
      return 'yesterday';
    case 1:
      return '2026-02-30T10:00:00Z';
    case 2:
      return new Date(eventMs).toISOString().replace('T', 'X');
    default:
      return new Date(eventMs + 365 * 86_400_000).toISOString();
  }
};

/** How to spoil one JSON record of a given pipeline. */
export interface JsonDefects {
  /** Numeric fields a pipeline metric reads without `missing: 'skip'`. */
  readonly numeric: readonly string[];
  /** Wrong-type values for them. */
  readonly wrongValues: readonly string[];
  /** Fields whose absence the pipeline rejects (group-by, event time, metric inputs). */
  readonly required: readonly string[];
}

/**
 * Spoils a valid JSON record so its pipeline must reject it: truncated JSON, a numeric field of the wrong
 * type, a bad or far-future timestamp (field `time`), a required field missing, or garbage that is not a
 * JSON object.
 *
 * @example
 * malformedJson(random, { symbol: 'ACME', price: 1, qty: 2, time: '…' }, eventMs, 'ACME', defects);
 */
export const malformedJson = (
  random: SeededRandom,
  record: Readonly<Record<string, unknown>>,
  eventMs: number,
  partitionKey: string,
  defects: JsonDefects,
): GeneratedRecord => {
  const valid = JSON.stringify(record);
  switch (random.int(0, 4)) {
    case 0:
      // A strict prefix of a JSON object never parses: its closing brace is gone.
      return {
        data: valid.slice(0, random.int(1, valid.length - 1)),
        partitionKey,
        malformed: true,
        defect: 'truncated',
      };
    case 1: {
      const field = random.pick(defects.numeric);
      const data = JSON.stringify({ ...record, [field]: random.pick(defects.wrongValues) });
      return { data, partitionKey, malformed: true, defect: 'wrong-type' };
    }
    case 2: {
      const data = JSON.stringify({ ...record, time: badTime(random, eventMs) });
      return { data, partitionKey, malformed: true, defect: 'bad-timestamp' };
    }
    case 3: {
      const missing = random.pick(defects.required);
      const data = JSON.stringify(
        Object.fromEntries(Object.entries(record).filter(([key]) => key !== missing)),
      );
      return { data, partitionKey, malformed: true, defect: 'missing-field' };
    }
    default:
      return { data: random.pick(GARBAGE), partitionKey, malformed: true, defect: 'garbage' };
  }
};
