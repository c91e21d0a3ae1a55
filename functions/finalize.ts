import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { timedRequestHandler } from '../shared/aws/timeouts.ts';
import { finalizeWindows } from '../shared/storage/finalizeWindows.ts';
import { readConfig } from './commons/config.ts';

const logger = new Logger({ serviceName: 'streamfold' });
let client: DynamoDBClient | undefined;

/**
 * Scheduled (every minute): marks the pipeline's windows whose end plus allowed lateness has passed as final.
 */
export const handler = async (
  _event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<{ finalized: number }> => {
  const config = readConfig(process.env);
  client ??= new DynamoDBClient({
    requestHandler: timedRequestHandler(),
    ...(config.dynamoDbEndpoint !== undefined ? { endpoint: config.dynamoDbEndpoint } : {}),
  });
  const nowMs = Date.now();
  const finalized = await finalizeWindows({
    client,
    tableName: config.resultsTable,
    pipeline: config.definition.name,
    nowMs,
    deadlineMs: nowMs + context.getRemainingTimeInMillis() - 2000,
  });
  logger.info('Windows finalized', { pipeline: config.definition.name, finalized });
  return { finalized };
};
