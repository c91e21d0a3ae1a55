import { DOUBLE, type DuckDBConnection, DuckDBDataChunk, DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import type { KinesisStreamEvent } from 'aws-lambda';
import { parseRequests } from './parseRequests.ts';
import type { PeerCheck } from './types.ts';

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

const groupBy = (table: string): string =>
  `SELECT ip, substr(time, 1, 16) AS minute, count(*) AS requests, sum(bytes) AS bytes,
     min(latency) AS min_latency, max(latency) AS max_latency
   FROM ${table} GROUP BY ip, minute`;

/**
 * DuckDB (in memory, `threads = 1`, through `@duckdb/node-api`) as a peer. Two things are timed:
 * - {@link DuckDbPeer.ingestAndQuery}: base64 + `JSON.parse` in JS, columns appended in data chunks of
 *   2,048 rows through the appender into an emptied table, then the SQL `GROUP BY` and its rows read back
 *   into JS — what a Lambda using DuckDB per batch would do;
 * - {@link DuckDbPeer.queryOnly}: the `GROUP BY` and reading its rows, over a table loaded beforehand.
 *
 * @example
 * const duck = await DuckDbPeer.open(event);
 * await duck.ingestAndQuery(event);
 * duck.close();
 */
export class DuckDbPeer {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens an in-memory database with the work table and the preloaded table of `event`. */
  public static async open(event: KinesisStreamEvent): Promise<DuckDbPeer> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const columns = 'ip VARCHAR, time VARCHAR, bytes DOUBLE, latency DOUBLE';
    await connection.run(`CREATE TABLE requests (${columns})`);
    await connection.run(`CREATE TABLE loaded (${columns})`);
    const peer = new DuckDbPeer(instance, connection);
    await peer.append('loaded', event);
    return peer;
  }

  private async append(table: string, event: KinesisStreamEvent): Promise<void> {
    const rows = parseRequests(event);
    const appender = await this.connection.createAppender(table);
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const chunk = DuckDBDataChunk.create([VARCHAR, VARCHAR, DOUBLE, DOUBLE]);
      chunk.setColumns([
        slice.map((r) => r.ip),
        slice.map((r) => r.time),
        slice.map((r) => r.bytes),
        slice.map((r) => r.latencyMs),
      ]);
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  /** Ingest (parse + append) and query, timed as one unit. */
  public async ingestAndQuery(event: KinesisStreamEvent): Promise<unknown[][]> {
    await this.connection.run('DELETE FROM requests');
    await this.append('requests', event);
    const reader = await this.connection.runAndReadAll(groupBy('requests'));
    return reader.getRows();
  }

  /** The `GROUP BY` over the preloaded table, rows read back into JS. */
  public async queryOnly(): Promise<unknown[][]> {
    const reader = await this.connection.runAndReadAll(groupBy('loaded'));
    return reader.getRows();
  }

  /** Closes the connection and the database. */
  public close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * The check figures of a DuckDB result (`requests` is the third column, a BIGINT).
 *
 * @example
 * checkDuckDb(await duck.queryOnly()); // { groups: 1395, records: 10000 }
 */
export const checkDuckDb = (rows: readonly unknown[][]): PeerCheck => ({
  groups: rows.length,
  records: rows.reduce((n, r) => n + Number(r[2] as bigint), 0),
});
