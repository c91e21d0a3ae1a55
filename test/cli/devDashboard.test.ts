import { describe, expect, it } from 'vitest';
import { type DashboardSnapshot, renderDashboard } from '../../cli/render/devDashboard.ts';
import { devHints } from '../../cli/render/devHints.ts';
import { requestsByIp } from '../../shared/examples/requestsByIp.ts';

const totals = {
  batches: 4,
  recordsIn: 1200,
  folded: 1190,
  filtered: 0,
  rejected: 10,
  late: 0,
  itemsWritten: 40,
  deadLettersWritten: 10,
  writeUnits: 60,
  failedBatches: 0,
};

const snapshot: DashboardSnapshot = {
  endpoints: {
    kinesis: 'http://127.0.0.1:4568',
    dynamodb: 'http://127.0.0.1:8000',
    dynamodbKind: 'dynalite',
  },
  demo: true,
  width: 100,
  pipelines: [
    {
      name: 'requests-by-ip',
      stream: 'access-logs',
      resultsTable: 'streamfold-requests-by-ip-results',
      produced: { produced: 1205, malformed: 10, failed: 0 },
      totals,
      shards: [
        {
          shardId: 'shardId-000000000000',
          state: 'polling',
          parentShardIds: [],
          recordsRead: 600,
          batchesInvoked: 2,
          retries: 0,
          failures: 0,
          recordsDiscarded: 0,
          windowsClosed: 0,
          recordsPending: 0,
          millisBehindLatest: 0,
          lastSequenceNumber: '1',
          lastResult: undefined,
        },
      ],
    },
  ],
  panels: [
    {
      title: 'Top client IPs by requests',
      kind: 'bars',
      metric: 'requests',
      metricNames: ['requests'],
      groupBy: ['ip'],
      results: [
        {
          group: { ip: '203.0.113.9' },
          window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
          records: 40,
          metrics: { requests: 40 },
          status: 'open',
          updatedAt: '',
        },
        {
          group: { ip: '10.0.0.1' },
          window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:31:00.000Z' },
          records: 10,
          metrics: { requests: 10 },
          status: 'open',
          updatedAt: '',
        },
      ],
    },
    { title: 'ohlc, latest window', kind: 'table', metricNames: ['close'], groupBy: ['symbol'], results: [] },
  ],
  recentLogs: [],
  hints: devHints({
    endpoints: { kinesis: 'http://127.0.0.1:4568', dynamodb: 'http://127.0.0.1:8000' },
    pipelines: [
      { definition: requestsByIp, stream: 'access-logs', resultsTable: 'streamfold-requests-by-ip-results' },
    ],
  }),
};

describe('Function: renderDashboard', () => {
  it('shows endpoints, progress per pipeline with shard lag, charts and how to query', () => {
    // Act
    const text = renderDashboard(snapshot);

    // Assess
    expect(text).toContain('Kinesis  http://127.0.0.1:4568    DynamoDB  http://127.0.0.1:8000 (dynalite)');
    expect(text).toMatch(/requests-by-ip\s+access-logs\s+1,205\s+1,200\s+1,190\s+10\s+0\s+4\s+0\s+0/);
    expect(text).toMatch(/203\.0\.113\.9\s+█+ 40/);
    expect(text).toContain('ohlc, latest window\n  (no results yet)');
    expect(text).toContain(
      'npx streamfold top requests-by-ip --metric requests --chart --endpoint http://127.0.0.1:8000',
    );
    expect(text).toContain('--table-name streamfold-requests-by-ip-results');
    expect(text).toMatch(/results age/);
  });

  it("shows how old each pipeline's newest stored result is (buffered writes land once per flush)", () => {
    // Prepare
    const [first] = snapshot.pipelines;
    const aged = {
      ...snapshot,
      pipelines: [{ ...(first as (typeof snapshot.pipelines)[number]), resultsAgeMs: 4_200 }],
    };

    // Act
    const text = renderDashboard(aged);

    // Assess
    expect(text).toMatch(/requests-by-ip\s+access-logs.*\s4 s\n/);
  });
});
