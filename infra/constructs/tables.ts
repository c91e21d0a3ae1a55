import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { IndexSchema, KeyAttribute, TableSchema } from '../../shared/storage/tableSchema.ts';

/** Settings every streamfold table gets. */
export interface TableOptions {
  /** The physical name (`shared/deploy/names.ts`), so the local runtime and the query CLI find it. */
  readonly tableName: string;
  /** Encrypts the table (and its indexes, backups and PITR data). */
  readonly encryptionKey: IKey;
  readonly removalPolicy: RemovalPolicy;
}

const ATTRIBUTE_TYPES: Readonly<Record<KeyAttribute['type'], AttributeType>> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

const PROJECTION_TYPES: Readonly<Record<IndexSchema['projection']['type'], ProjectionType>> = {
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
  ALL: ProjectionType.ALL,
};

/** A key attribute of `shared/storage/tableSchema.ts` as CDK spells it. */
export const toCdkAttribute = (key: KeyAttribute): Attribute => ({
  name: key.name,
  type: ATTRIBUTE_TYPES[key.type],
});

/**
 * A DynamoDB table built from a {@link TableSchema} — the same schema the local runtime creates its tables
 * from (`createTableInput`), so the key schema, TTL attribute and indexes cannot drift apart. On-demand
 * capacity, point-in-time recovery, a customer-managed KMS key.
 *
 * @example
 * const results = buildTable(this, 'Results', resultsTableSchema(ohlc), { tableName, encryptionKey, removalPolicy });
 */
export const buildTable = (
  scope: Construct,
  id: string,
  schema: TableSchema,
  options: TableOptions,
): Table => {
  const table = new Table(scope, id, {
    tableName: options.tableName,
    partitionKey: toCdkAttribute(schema.partitionKey),
    sortKey: toCdkAttribute(schema.sortKey),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: options.encryptionKey,
    timeToLiveAttribute: schema.timeToLiveAttribute,
    removalPolicy: options.removalPolicy,
  });
  for (const index of schema.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: toCdkAttribute(index.partitionKey),
      sortKey: toCdkAttribute(index.sortKey),
      projectionType: PROJECTION_TYPES[index.projection.type],
      ...(index.projection.nonKeyAttributes !== undefined
        ? { nonKeyAttributes: [...index.projection.nonKeyAttributes] }
        : {}),
    });
  }
  return table;
};
