import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  COUNTER_METRICS,
  COUNTER_NAMESPACE,
  COUNTER_SERVICE,
  cloudWatchCounters,
} from '../../cli/dashboard/cloudWatchCounters.ts';
import {
  HANDLER_METRIC_NAMES,
  HANDLER_METRICS_NAMESPACE,
  handlerMetricDimensions,
} from '../../infra/constructs/handlerMetrics.ts';

const cloudWatch = mockClient(CloudWatchClient);
const NOW = Date.parse('2026-11-21T09:00:00Z');

describe('Function: cloudWatchCounters', () => {
  beforeEach(() => {
    cloudWatch.reset();
  });

  it('reads the metrics the deployed handler publishes, with its namespace and dimensions', () => {
    // Assess
    expect(COUNTER_NAMESPACE).toBe(HANDLER_METRICS_NAMESPACE);
    expect({ service: COUNTER_SERVICE, pipeline: 'ohlc' }).toStrictEqual(handlerMetricDimensions('ohlc'));
    for (const name of Object.values(COUNTER_METRICS)) expect(HANDLER_METRIC_NAMES).toContain(name);
  });

  it('sums the last hour of RecordsIn, RecordsFolded, RecordsRejected and RecordsLate, all pages', async () => {
    // Prepare
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'recordsin', Values: [100, 20] },
          { Id: 'folded', Values: [90, 18] },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'rejected', Values: [10, 2] },
          { Id: 'late', Values: [] },
        ],
      });

    // Act
    const counters = await cloudWatchCounters({
      client: new CloudWatchClient({}),
      pipeline: 'ohlc',
      nowMs: NOW,
    });

    // Assess
    expect(counters).toStrictEqual({ recordsIn: 120, folded: 108, rejected: 12, late: 0 });
    const calls = cloudWatch.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    const input = calls[0]?.args[0].input;
    expect(input?.StartTime).toStrictEqual(new Date(NOW - 3_600_000));
    expect(input?.EndTime).toStrictEqual(new Date(NOW));
    expect(input?.MetricDataQueries?.[0]).toStrictEqual({
      Id: 'recordsin',
      MetricStat: {
        Metric: {
          Namespace: 'streamfold',
          MetricName: 'RecordsIn',
          Dimensions: [
            { Name: 'service', Value: 'streamfold' },
            { Name: 'pipeline', Value: 'ohlc' },
          ],
        },
        Period: 3600,
        Stat: 'Sum',
      },
      ReturnData: true,
    });
    expect(calls[1]?.args[0].input.NextToken).toBe('more');
  });
});
