import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { indexUpdateUnits } from './indexUpdateUnits.ts';

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
): number => indexUpdateUnits(definition, undefined, item);
