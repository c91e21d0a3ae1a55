import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamStateResponse,
  KinesisStreamTumblingWindowEvent,
} from 'aws-lambda';
import { timedRequestHandler } from '../shared/aws/timeouts.ts';
import { BatchProcessor, type RemainingTime } from '../shared/handler/BatchProcessor.ts';
import { readConfig } from './commons/config.ts';
import { powertoolsTelemetry } from './commons/powertoolsTelemetry.ts';

const logger = new Logger({ serviceName: 'streamfold' });
const metrics = new Metrics({ namespace: 'streamfold', serviceName: 'streamfold' });

let processor: BatchProcessor | undefined;

/** Built on the first invocation (so configuration errors surface in the logs of an invocation), then reused. */
const getProcessor = (): BatchProcessor => {
  if (processor === undefined) {
    const config = readConfig(process.env);
    logger.appendKeys({ pipeline: config.definition.name });
    processor = new BatchProcessor({
      definition: config.definition,
      client: new DynamoDBClient({
        maxAttempts: 1, // BatchProcessor retries with backoff within the invocation's deadline
        // A hung connection fails its attempt after AWS_TIMEOUTS (each attempt is also cut at the
        // deadline by withRetry) and is retried, instead of holding the invocation until Lambda kills it.
        requestHandler: timedRequestHandler(),
        ...(config.dynamoDbEndpoint !== undefined ? { endpoint: config.dynamoDbEndpoint } : {}),
      }),
      resultsTable: config.resultsTable,
      deadLetterTable: config.deadLetterTable,
      safetyMarginMs: config.safetyMarginMs,
      concurrency: config.concurrency,
      logPayloads: config.logPayloads,
      telemetry: powertoolsTelemetry(logger, metrics),
    });
  }
  return processor;
};

/**
 * The aggregation Lambda: Kinesis event source mapping with `ReportBatchItemFailures`, and with
 * `TumblingWindowInSeconds` when the pipeline buffers (`flushEvery` > 0).
 * Folds the batch with the pipeline named by `PIPELINE_NAME` and writes results exactly once.
 */
export const handler = async (
  event: KinesisStreamEvent | KinesisStreamTumblingWindowEvent,
  context: RemainingTime,
): Promise<KinesisStreamBatchResponse | KinesisStreamStateResponse> => getProcessor().handle(event, context);
