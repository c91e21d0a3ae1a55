import { decodeSource } from '../decode/decodeSource.ts';
import type { PipelineDefinition } from '../definition/types.ts';
import { encodeGroupKey } from '../fold/groupKey.ts';
import { compileFieldPath } from '../metrics/fieldPath.ts';
import type { Fields } from '../record/types.ts';
import { MAX_PARTITION_KEY_LENGTH } from './constants.ts';

/**
 * A partition key function that keys each record by its pipeline group (the `groupBy` values, decoded
 * with the pipeline's own decoder): all records of a group then land on one shard, so each busy
 * (group, window) item has one writer and, with coalesced writes, is written once per flush
 * (docs/adr/0002-coalesced-writes.md). `undefined` (a random key) when the record does not decode or
 * lacks a group-by field, and for pipelines without `groupBy`. A payload of several records (NDJSON, a log
 * batch) is keyed by its first record.
 *
 * @example
 * const keyFor = groupPartitionKey(ohlc);
 * keyFor(new TextEncoder().encode('{"symbol":"ACME","price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}')); // 'ACME'
 */
export const groupPartitionKey = (
  definition: PipelineDefinition,
): ((data: Uint8Array) => string | undefined) => {
  const getters = definition.groupBy.map(compileFieldPath);
  if (getters.length === 0) return () => undefined;
  return (data) => {
    let fields: Fields | undefined;
    decodeSource(
      { data, sequenceNumber: '0', partitionKey: '', arrivalMs: 0 },
      definition.decode,
      definition.limits,
      {
        record: (record) => {
          fields ??= record.fields;
        },
        reject: () => undefined,
      },
    );
    if (fields === undefined) return undefined;
    const values: string[] = [];
    for (const get of getters) {
      const value = get(fields);
      if (typeof value === 'string') values.push(value);
      else if (typeof value === 'number' || typeof value === 'boolean') values.push(String(value));
      else return undefined;
    }
    const key = encodeGroupKey(values);
    if (key.length === 0) return undefined;
    return key.length > MAX_PARTITION_KEY_LENGTH ? key.slice(0, MAX_PARTITION_KEY_LENGTH) : key;
  };
};
