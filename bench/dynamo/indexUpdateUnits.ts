import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { itemSizeBytes } from '../../shared/storage/itemSize.ts';
import { type IndexSchema, resultsTableSchema, type TableSchema } from '../../shared/storage/tableSchema.ts';

type Item = Readonly<Record<string, AttributeValue>>;

/** The entry `item` has in `index` (table keys, index keys, projected attributes), or none. */
const indexEntry = (schema: TableSchema, index: IndexSchema, item: Item | undefined): Item | undefined => {
  if (item === undefined) return undefined;
  if (item[index.partitionKey.name] === undefined || item[index.sortKey.name] === undefined) return undefined;
  const keys = [schema.partitionKey.name, schema.sortKey.name, index.partitionKey.name, index.sortKey.name];
  const names =
    index.projection.type === 'ALL'
      ? Object.keys(item)
      : [...keys, ...(index.projection.type === 'INCLUDE' ? (index.projection.nonKeyAttributes ?? []) : [])];
  const entry: Record<string, AttributeValue> = {};
  for (const name of names) {
    const value = item[name];
    if (value !== undefined) entry[name] = value;
  }
  return entry;
};

const schemas = new WeakMap<PipelineDefinition, TableSchema>();
const schemaOf = (definition: PipelineDefinition): TableSchema => {
  let schema = schemas.get(definition);
  if (schema === undefined) {
    schema = resultsTableSchema(definition);
    schemas.set(definition, schema);
  }
  return schema;
};

const units = (entry: Item): number => Math.ceil(itemSizeBytes(entry) / 1024);

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return v;
  });

/**
 * Modelled write units that DynamoDB bills for the global secondary indexes when a write turns `before`
 * into `after` (either may be absent: a first write, a delete), following the documented rules
 * (developerguide/GSI.html, "Write capacity"): an entry that appears costs one put; one that disappears
 * one delete; a change of the index's key costs a delete and a put; a change of projected attributes
 * only, one put; no change, nothing. Each write is `ceil(entry bytes / 1 KB)`. dynalite bills no index,
 * so this is a model, not a measurement.
 *
 * @example
 * indexUpdateUnits(requestsByIp, undefined, item); // first write: one put per index the item is in
 * indexUpdateUnits(requestsByIp, previous, item);  // update: rank-requests changed key → 2 writes, ...
 */
export const indexUpdateUnits = (
  definition: PipelineDefinition,
  before: Item | undefined,
  after: Item | undefined,
): number => {
  const schema = schemaOf(definition);
  let total = 0;
  for (const index of schema.indexes) {
    const old = indexEntry(schema, index, before);
    const next = indexEntry(schema, index, after);
    if (old === undefined && next === undefined) continue;
    if (old === undefined) total += units(next as Item);
    else if (next === undefined) total += units(old);
    else if (
      canonical(old[index.partitionKey.name]) !== canonical(next[index.partitionKey.name]) ||
      canonical(old[index.sortKey.name]) !== canonical(next[index.sortKey.name])
    )
      total += units(old) + units(next);
    else if (canonical(old) !== canonical(next)) total += units(next);
  }
  return total;
};
