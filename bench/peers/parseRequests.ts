import type { KinesisStreamEvent } from 'aws-lambda';
import type { RequestRow } from './types.ts';

/**
 * Base64 decode + `JSON.parse` of every record into request rows (no validation): the ingest step that
 * arquero and DuckDB need before they can group.
 *
 * @example
 * const rows = parseRequests(event);
 */
export const parseRequests = (event: KinesisStreamEvent): RequestRow[] =>
  event.Records.map(
    (record) => JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as RequestRow,
  );
