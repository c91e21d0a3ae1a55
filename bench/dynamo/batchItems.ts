import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import type { FoldedBatch } from '../../shared/fold/types.ts';
import type { SourceRecord } from '../../shared/record/types.ts';
import { buildResultItem } from '../../shared/storage/resultItem.ts';

/**
 * The results items a first write of `batch` produces (version 1, `applied` = the aggregate's highest
 * sequence number), built exactly as `ResultsWriter` builds them, without DynamoDB.
 *
 * @example
 * const items = batchItems(definition, batch, sources, 'shardId-000000000000', Date.now());
 */
export const batchItems = (
  definition: PipelineDefinition,
  batch: FoldedBatch,
  sources: readonly SourceRecord[],
  shardId: string,
  nowMs: number,
): Record<string, AttributeValue>[] =>
  [...batch.aggregates.values()].map((aggregate) =>
    buildResultItem(definition, {
      groupKey: aggregate.groupKey,
      group: aggregate.group,
      windowStartMs: aggregate.windowStartMs,
      aggregate,
      applied: {
        [shardId]: (sources[aggregate.members[aggregate.members.length - 1] as number] as SourceRecord)
          .sequenceNumber,
      },
      version: 1,
      nowMs,
    }),
  );
