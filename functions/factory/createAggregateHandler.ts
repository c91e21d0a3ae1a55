import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamStateResponse,
  KinesisStreamTumblingWindowEvent,
} from 'aws-lambda';
import { timedRequestHandler } from '../../shared/aws/timeouts.ts';
import type { StreamfoldConfig } from '../../shared/config/types.ts';
import { BatchProcessor, type RemainingTime } from '../../shared/handler/BatchProcessor.ts';
import { readConfig } from '../commons/config.ts';
import { powertoolsTelemetry } from '../commons/powertoolsTelemetry.ts';

/** The aggregation Lambda's handler. */
export type AggregateHandler = (
  event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent,
  context: RemainingTime,
) => Promise<KinesisStreamBatchResponse | KinesisStreamStateResponse>;

/**
 * The aggregation Lambda for the pipelines of a config: Kinesis event source mapping with
 * `ReportBatchItemFailures`, and with `TumblingWindowInSeconds` when the pipeline buffers (`flushEvery` > 0).
 * Folds each batch with the pipeline named by `PIPELINE_NAME` and writes results exactly once. The
 * processor is built on the first invocation (so configuration errors surface in an invocation's logs),
 * then reused. `StreamAggregation` bundles an entry that calls this with your `streamfold.config.ts`.
 *
 * @example
 * import { createAggregateHandler } from 'streamfold/lambda';
 * import config from './streamfold.config.ts';
 * export const handler = createAggregateHandler(config);
 */
export const createAggregateHandler = (config: Pick<StreamfoldConfig, 'pipelines'>): AggregateHandler => {
  const logger = new Logger({ serviceName: 'streamfold' });
  const metrics = new Metrics({ namespace: 'streamfold', serviceName: 'streamfold' });
  let processor: BatchProcessor | undefined;
  const getProcessor = (): BatchProcessor => {
    if (processor === undefined) {
      const settings = readConfig(process.env, config.pipelines);
      logger.appendKeys({ pipeline: settings.definition.name });
      processor = new BatchProcessor({
        definition: settings.definition,
        client: new DynamoDBClient({
          maxAttempts: 1, // BatchProcessor retries with backoff within the invocation's deadline
          // A hung connection fails its attempt after AWS_TIMEOUTS (each attempt is also cut at the
          // deadline by withRetry) and is retried, instead of holding the invocation until Lambda kills it.
          requestHandler: timedRequestHandler(),
          ...(settings.dynamoDbEndpoint !== undefined ? { endpoint: settings.dynamoDbEndpoint } : {}),
        }),
        resultsTable: settings.resultsTable,
        deadLetterTable: settings.deadLetterTable,
        safetyMarginMs: settings.safetyMarginMs,
        concurrency: settings.concurrency,
        logPayloads: settings.logPayloads,
        telemetry: powertoolsTelemetry(logger, metrics),
      });
    }
    return processor;
  };
  return async (event, context) => getProcessor().handle(event, context);
};
