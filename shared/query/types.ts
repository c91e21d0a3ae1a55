import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../definition/types.ts';
import type { StoredWindowResult } from '../storage/resultItem.ts';
import type { RetryOptions } from '../storage/retry.ts';

/** Where a pipeline's results live: what every query function needs. */
export interface ResultsTableTarget {
  /** A DynamoDB client (AWS, or a local endpoint such as the one `streamfold dev` prints). */
  readonly client: DynamoDBClient;
  /** The results table, usually `pipelineResourceNames(definition).resultsTable`. */
  readonly tableName: string;
  readonly definition: PipelineDefinition;
  /**
   * Time the whole operation may take, retries included, in milliseconds.
   * @default 60000
   */
  readonly timeoutMs?: number;
  /**
   * Retries of throttled or failed requests (on top of the SDK client's own).
   * @default - 3 attempts, full-jitter backoff capped at 1 s
   */
  readonly retry?: Omit<RetryOptions, 'deadlineMs'>;
}

/** One stored result as the query library returns it: group fields in `groupBy` order, metrics in definition order. */
export type QueryResult = StoredWindowResult;

/** How a query found its items, for cost reporting. */
export type QueryStrategy =
  /** One Query on the table's partition key (a complete group). */
  | 'group'
  /** One Query per window on a `rank-<metric>` index (a rollup then reads each group listed with one Query). */
  | 'rank-index'
  /** A Scan of the whole table (the pipeline has no ranking index). */
  | 'scan';
