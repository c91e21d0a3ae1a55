import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { itemSizeBytes } from '../../shared/storage/itemSize.ts';
import { resultsTableSchema } from '../../shared/storage/tableSchema.ts';

/**
 * Modelled write units that DynamoDB bills for the global secondary indexes when `item` is written for
 * the first time: for each index whose keys the item has, one write of the projected entry (table keys,
 * index keys and projected attributes), `ceil(size / 1 KB)` units. dynalite does not bill indexes, so this
 * is a model, not a measurement. An update that changes an index sort key costs two index writes
 * (delete + put); first writes, as measured here, cost one.
 *
 * @example
 * indexWriteUnits(requestsByIp, item); // 2 (rank-requests + open-windows)
 */
export const indexWriteUnits = (
  definition: PipelineDefinition,
  item: Readonly<Record<string, AttributeValue>>,
): number => {
  const schema = resultsTableSchema(definition);
  let units = 0;
  for (const index of schema.indexes) {
    const keys = [schema.partitionKey.name, schema.sortKey.name, index.partitionKey.name, index.sortKey.name];
    if (item[index.partitionKey.name] === undefined || item[index.sortKey.name] === undefined) continue;
    const names =
      index.projection.type === 'ALL'
        ? Object.keys(item)
        : [
            ...keys,
            ...(index.projection.type === 'INCLUDE' ? (index.projection.nonKeyAttributes ?? []) : []),
          ];
    const projected: Record<string, AttributeValue> = {};
    for (const name of names) {
      const value = item[name];
      if (value !== undefined) projected[name] = value;
    }
    units += Math.ceil(itemSizeBytes(projected) / 1024);
  }
  return units;
};
