import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PipelineDefinition } from '../../shared/definition/types.ts';
import { type PipelineResourceNames, pipelineResourceNames } from '../../shared/deploy/names.ts';
import { DashboardServer } from './DashboardServer.ts';
import { loadDashboardView } from './loadDashboardView.ts';
import { RollupSeriesCache } from './RollupSeriesCache.ts';
import type { DashboardCounters } from './types.ts';

/** Options of {@link startDashboard}. */
export interface StartDashboardOptions {
  /** A DynamoDB client for where the results are (`streamfold dev`'s, or AWS with the user's credentials). */
  readonly client: DynamoDBClient;
  readonly pipelines: readonly PipelineDefinition[];
  /** A pipeline's record counts, when something reports them (`streamfold dev`, CloudWatch). */
  readonly counters?: (
    pipeline: string,
  ) => Promise<DashboardCounters | undefined> | DashboardCounters | undefined;
  /** What the counters cover, shown beside them. */
  readonly countersSpan?: string;
  /** Turns a failed read into the error the page shows (e.g. the CLI's explanations). */
  readonly explain?: (error: unknown, definition: PipelineDefinition) => unknown;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 - a free port */
  readonly port?: number;
  /** @default 2000 */
  readonly refreshMs?: number;
  /** @default - random */
  readonly token?: string;
  /**
   * The results and dead-letter tables of a pipeline.
   * @default - `pipelineResourceNames(definition)`: streamfold-<pipeline>-results and -dead-letters
   */
  readonly tableNames?: (
    definition: PipelineDefinition,
  ) => Pick<PipelineResourceNames, 'resultsTable' | 'deadLetterTable'>;
}

/**
 * Starts the web dashboard over the query library: each pipeline's view is read from its results and
 * dead-letter tables (`tableNames`, by default `pipelineResourceNames`) with the given client, on every
 * request of the page.
 *
 * @example
 * const server = await startDashboard({ client: runtime.dynamodb, pipelines });
 * console.log(server.url);
 */
export const startDashboard = (options: StartDashboardOptions): Promise<DashboardServer> => {
  // Rollup ranges read every window of a day or a week per group: one read serves 30 s of refreshes.
  const rollupCache = new RollupSeriesCache();
  return DashboardServer.start({
    pipelines: options.pipelines,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.refreshMs !== undefined ? { refreshMs: options.refreshMs } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
    loadView: async (request) => {
      const names = (options.tableNames ?? pipelineResourceNames)(request.definition);
      try {
        return await loadDashboardView({
          client: options.client,
          tableName: names.resultsTable,
          deadLetterTable: names.deadLetterTable,
          definition: request.definition,
          counters: await options.counters?.(request.definition.name),
          countersSpan: options.countersSpan,
          ...(request.metric !== undefined ? { metric: request.metric } : {}),
          ...(request.groups !== undefined ? { groups: request.groups } : {}),
          ...(request.rangeWindows !== undefined ? { rangeWindows: request.rangeWindows } : {}),
          ...(request.rollupRange !== undefined ? { rollupRange: request.rollupRange } : {}),
          rollupCache,
        });
      } catch (error) {
        throw options.explain?.(error, request.definition) ?? error;
      }
    },
  });
};
