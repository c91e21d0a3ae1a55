import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import {
  RESULT_ATTRIBUTES as A,
  DEAD_LETTER_ATTRIBUTES,
  OPEN_WINDOWS_INDEX,
  rankIndexName,
} from './attributes.ts';

/** A key attribute. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

/** A global secondary index. */
export interface IndexSchema {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: {
    readonly type: 'KEYS_ONLY' | 'INCLUDE' | 'ALL';
    readonly nonKeyAttributes?: readonly string[];
  };
}

/** Everything that defines a table's shape; read by the CDK construct and by the local runner alike. */
export interface TableSchema {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly timeToLiveAttribute: string;
  readonly indexes: readonly IndexSchema[];
}

/**
 * The results table of a pipeline: one item per (group, window); one ranking index per `rankBy` metric
 * (partition `windowKey`, sort by the metric, readable attributes projected) and the sparse `open-windows`
 * index (partition `openPipeline`, sort `finalAt`).
 *
 * @example
 * const schema = resultsTableSchema(requestsByIp);
 */
export const resultsTableSchema = (definition: PipelineDefinition): TableSchema => ({
  partitionKey: { name: A.pk, type: 'S' },
  sortKey: { name: A.sk, type: 'S' },
  timeToLiveAttribute: A.expiresAt,
  indexes: [
    ...definition.rankBy.map(
      (metric): IndexSchema => ({
        name: rankIndexName(metric),
        partitionKey: { name: A.windowKey, type: 'S' },
        sortKey: { name: metric, type: 'N' },
        projection: {
          type: 'INCLUDE',
          nonKeyAttributes: [
            A.group,
            A.groupKey,
            A.windowStart,
            A.windowEnd,
            A.status,
            A.records,
            A.updatedAt,
            ...definition.metricNames.filter((name) => name !== metric),
          ],
        },
      }),
    ),
    {
      name: OPEN_WINDOWS_INDEX,
      partitionKey: { name: A.openPipeline, type: 'S' },
      sortKey: { name: A.finalAt, type: 'S' },
      projection: { type: 'KEYS_ONLY' },
    },
  ],
});

/**
 * The dead-letter table: rejected and late records with their reason and original payload.
 *
 * @example
 * const schema = deadLetterTableSchema();
 */
export const deadLetterTableSchema = (): TableSchema => ({
  partitionKey: { name: DEAD_LETTER_ATTRIBUTES.pk, type: 'S' },
  sortKey: { name: DEAD_LETTER_ATTRIBUTES.sk, type: 'S' },
  timeToLiveAttribute: DEAD_LETTER_ATTRIBUTES.expiresAt,
  indexes: [],
});

/**
 * The `CreateTable` request for a schema (on-demand capacity), as the local runner issues it.
 *
 * @example
 * await client.send(new CreateTableCommand(createTableInput('results', resultsTableSchema(ohlc))));
 */
export const createTableInput = (tableName: string, schema: TableSchema): CreateTableCommandInput => {
  const attributes = new Map<string, KeyAttribute>();
  for (const key of [
    schema.partitionKey,
    schema.sortKey,
    ...schema.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]) {
    attributes.set(key.name, key);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()].map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: [
      { AttributeName: schema.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: schema.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(schema.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: schema.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
            ],
            Projection: {
              ProjectionType: index.projection.type,
              ...(index.projection.nonKeyAttributes !== undefined
                ? { NonKeyAttributes: [...index.projection.nonKeyAttributes] }
                : {}),
            },
          })),
        }
      : {}),
  };
};
