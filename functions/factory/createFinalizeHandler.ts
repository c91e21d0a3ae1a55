import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { timedRequestHandler } from '../../shared/aws/timeouts.ts';
import type { StreamfoldConfig } from '../../shared/config/types.ts';
import { finalizeWindows } from '../../shared/storage/finalizeWindows.ts';
import { readConfig } from '../commons/config.ts';

/** The finalizer Lambda's handler. */
export type FinalizeHandler = (
  event: unknown,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
) => Promise<{ finalized: number }>;

/**
 * The finalizer (scheduled every minute) for the pipelines of a config: marks the windows of the pipeline
 * named by `PIPELINE_NAME` whose end plus allowed lateness has passed as final.
 *
 * @example
 * import { createFinalizeHandler } from 'streamfold/lambda';
 * import config from './streamfold.config.ts';
 * export const handler = createFinalizeHandler(config);
 */
export const createFinalizeHandler = (config: Pick<StreamfoldConfig, 'pipelines'>): FinalizeHandler => {
  const logger = new Logger({ serviceName: 'streamfold' });
  let client: DynamoDBClient | undefined;
  return async (_event, context) => {
    const settings = readConfig(process.env, config.pipelines);
    client ??= new DynamoDBClient({
      requestHandler: timedRequestHandler(),
      ...(settings.dynamoDbEndpoint !== undefined ? { endpoint: settings.dynamoDbEndpoint } : {}),
    });
    const nowMs = Date.now();
    const finalized = await finalizeWindows({
      client,
      tableName: settings.resultsTable,
      pipeline: settings.definition.name,
      nowMs,
      deadlineMs: nowMs + context.getRemainingTimeInMillis() - 2000,
    });
    logger.info('Windows finalized', { pipeline: settings.definition.name, finalized });
    return { finalized };
  };
};
