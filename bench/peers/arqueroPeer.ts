import { type ColumnTable, from, op } from 'arquero';
import type { KinesisStreamEvent } from 'aws-lambda';
import { parseRequests } from './parseRequests.ts';
import type { PeerCheck } from './types.ts';

/** One output row of the arquero rollup. */
export interface ArqueroRow {
  readonly ip: string;
  readonly minute: string;
  readonly requests: number;
  readonly bytes: number;
  readonly minLatency: number;
  readonly maxLatency: number;
}

const rollup = (table: ColumnTable): ArqueroRow[] =>
  table
    .derive({ minute: 'd => op.substring(d.time, 0, 16)' })
    .groupby('ip', 'minute')
    .rollup({
      requests: op.count(),
      bytes: op.sum('bytes'),
      minLatency: op.min('latencyMs'),
      maxLatency: op.max('latencyMs'),
    })
    .objects() as ArqueroRow[];

/**
 * arquero, end to end: base64 + `JSON.parse` of every record, `from(rows)`, derive the minute,
 * `groupby('ip', 'minute').rollup(count, sum, min, max)`, and the result rows as objects.
 *
 * @example
 * const rows = arqueroFull(event);
 */
export const arqueroFull = (event: KinesisStreamEvent): ArqueroRow[] => rollup(from(parseRequests(event)));

/**
 * arquero, query only: the same derive/groupby/rollup on a table built beforehand (ingest not timed).
 *
 * @example
 * const table = arqueroTable(event); arqueroQuery(table);
 */
export const arqueroQuery = (table: ColumnTable): ArqueroRow[] => rollup(table);

/**
 * The table {@link arqueroQuery} runs on.
 *
 * @example
 * const table = arqueroTable(event);
 */
export const arqueroTable = (event: KinesisStreamEvent): ColumnTable => from(parseRequests(event));

/**
 * The check figures of an arquero result.
 *
 * @example
 * checkArquero(arqueroFull(event)); // { groups: 1395, records: 10000 }
 */
export const checkArquero = (rows: readonly ArqueroRow[]): PeerCheck => ({
  groups: rows.length,
  records: rows.reduce((n, r) => n + r.requests, 0),
});
