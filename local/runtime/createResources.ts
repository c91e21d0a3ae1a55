import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUseException,
} from '@aws-sdk/client-kinesis';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { pipelineResourceNames } from '../../shared/deploy/names.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';

/** Options of {@link createResources}. */
export interface CreateResourcesOptions {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly pipelines: readonly PipelineDefinition[];
  /**
   * Shards per stream (the CDK stack uses on-demand streams; locally a fixed count is simpler).
   * @default 2
   */
  readonly shardCount?: number;
  /** Called with one line per resource created or found. */
  readonly onProgress?: (message: string) => void;
}

const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * Creates every pipeline's stream, results table (with its ranking and open-windows indexes) and
 * dead-letter table on local services, exactly as the CDK stack defines them (the same schemas), and waits
 * until they are active. Idempotent: existing resources are kept.
 *
 * @example
 * await createResources({ kinesis, dynamodb, pipelines });
 */
export const createResources = async (options: CreateResourcesOptions): Promise<void> => {
  const { kinesis, dynamodb, onProgress } = options;
  const streams = new Set<string>();
  for (const definition of options.pipelines) {
    const names = pipelineResourceNames(definition);
    if (!streams.has(names.stream)) {
      streams.add(names.stream);
      try {
        await kinesis.send(
          new CreateStreamCommand({ StreamName: names.stream, ShardCount: options.shardCount ?? 2 }),
        );
        onProgress?.(`created stream ${names.stream}`);
      } catch (error) {
        if (!(error instanceof StreamInUseException)) throw error;
        onProgress?.(`stream ${names.stream} exists`);
      }
      await waitFor(async () => {
        const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.stream }));
        return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
      }, `stream ${names.stream} to become ACTIVE`);
    }
    for (const [tableName, schema] of [
      [names.resultsTable, resultsTableSchema(definition)],
      [names.deadLetterTable, deadLetterTableSchema()],
    ] as const) {
      try {
        await dynamodb.send(new CreateTableCommand(createTableInput(tableName, schema)));
        onProgress?.(`created table ${tableName}`);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        onProgress?.(`table ${tableName} exists`);
      }
      await waitFor(async () => {
        const table = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
        return table.Table?.TableStatus === 'ACTIVE';
      }, `table ${tableName} to become ACTIVE`);
    }
  }
};
