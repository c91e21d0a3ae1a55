import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { DashboardCounters } from './types.ts';

/** The handler's CloudWatch namespace and `service` dimension (as `infra/constructs/handlerMetrics.ts` says). */
export const COUNTER_NAMESPACE = 'streamfold';
export const COUNTER_SERVICE = 'streamfold';

/** The handler metrics that make the dashboard's counters. */
export const COUNTER_METRICS = {
  recordsIn: 'RecordsIn',
  folded: 'RecordsFolded',
  rejected: 'RecordsRejected',
  late: 'RecordsLate',
} as const satisfies Record<keyof DashboardCounters, string>;

/** How far back the deployed counters reach. */
export const COUNTER_SPAN_MS = 3_600_000;

/** Options of {@link cloudWatchCounters}. */
export interface CloudWatchCountersOptions {
  readonly client: CloudWatchClient;
  readonly pipeline: string;
  /** @default Date.now() */
  readonly nowMs?: number;
  /** @default 3600000 - the last hour */
  readonly spanMs?: number;
}

/**
 * A deployed pipeline's record counts over the last hour, from the metrics its handler publishes once per
 * batch (Powertools, EMF): one GetMetricData request for the sums of RecordsIn, RecordsFolded,
 * RecordsRejected and RecordsLate with the pipeline's dimensions. Like the local counters they count every
 * delivery, a redelivered batch again. Metrics reach CloudWatch a minute or two after the batch.
 *
 * @example
 * const counters = await cloudWatchCounters({ client: new CloudWatchClient({}), pipeline: 'ohlc' });
 */
export const cloudWatchCounters = async (options: CloudWatchCountersOptions): Promise<DashboardCounters> => {
  const nowMs = options.nowMs ?? Date.now();
  const spanMs = options.spanMs ?? COUNTER_SPAN_MS;
  const keys = Object.keys(COUNTER_METRICS) as (keyof DashboardCounters)[];
  const queries: MetricDataQuery[] = keys.map((key) => ({
    Id: key.toLowerCase(),
    MetricStat: {
      Metric: {
        Namespace: COUNTER_NAMESPACE,
        MetricName: COUNTER_METRICS[key],
        Dimensions: [
          { Name: 'service', Value: COUNTER_SERVICE },
          { Name: 'pipeline', Value: options.pipeline },
        ],
      },
      Period: Math.max(60, Math.round(spanMs / 1000)),
      Stat: 'Sum',
    },
    ReturnData: true,
  }));
  const totals: Record<string, number> = {};
  let nextToken: string | undefined;
  do {
    const page = await options.client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: new Date(nowMs - spanMs),
        EndTime: new Date(nowMs),
        NextToken: nextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      const id = result.Id ?? '';
      totals[id] = (totals[id] ?? 0) + (result.Values ?? []).reduce((sum, v) => sum + v, 0);
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return {
    recordsIn: totals.recordsin ?? 0,
    folded: totals.folded ?? 0,
    rejected: totals.rejected ?? 0,
    late: totals.late ?? 0,
  };
};
