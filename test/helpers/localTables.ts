import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import {
  createTableInput,
  deadLetterTableSchema,
  resultsTableSchema,
} from '../../shared/storage/tableSchema.ts';

let counter = 0;

/** Creates a fresh results table and dead-letter table for a pipeline; returns their names and a cleanup. */
export const createPipelineTables = async (
  client: DynamoDBClient,
  definition: PipelineDefinition,
): Promise<{ resultsTable: string; deadLetterTable: string; drop: () => Promise<void> }> => {
  counter += 1;
  const suffix = `${process.pid}-${counter}`;
  const resultsTable = `results-${suffix}`;
  const deadLetterTable = `dead-letters-${suffix}`;
  await client.send(new CreateTableCommand(createTableInput(resultsTable, resultsTableSchema(definition))));
  await client.send(new CreateTableCommand(createTableInput(deadLetterTable, deadLetterTableSchema())));
  return {
    resultsTable,
    deadLetterTable,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: resultsTable }));
      await client.send(new DeleteTableCommand({ TableName: deadLetterTable }));
    },
  };
};
