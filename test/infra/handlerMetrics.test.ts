import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { powertoolsTelemetry } from '../../functions/commons/powertoolsTelemetry.ts';
import {
  HANDLER_METRIC_NAMES,
  HANDLER_METRICS_NAMESPACE,
  HANDLER_SERVICE_NAME,
  handlerMetricDimensions,
} from '../../infra/constructs/handlerMetrics.ts';
import type { BatchReport } from '../../shared/handler/types.ts';

// Record how functions/aggregate.ts configures Powertools Metrics, without changing what it does.
const created = vi.hoisted(() => [] as unknown[]);
vi.mock('@aws-lambda-powertools/metrics', async (importOriginal) => {
  const original = await importOriginal<typeof import('@aws-lambda-powertools/metrics')>();
  class RecordingMetrics extends original.Metrics {
    public constructor(options?: ConstructorParameters<typeof original.Metrics>[0]) {
      super(options);
      created.push(options);
    }
  }
  return { ...original, Metrics: RecordingMetrics };
});

const report: BatchReport = {
  pipeline: 'ohlc',
  shardId: 'shardId-000000000000',
  mode: 'per-batch',
  kinesisRecords: 10,
  duplicates: 0,
  firstSequence: '1',
  lastSequence: '10',
  recordsIn: 10,
  folded: 7,
  filtered: 1,
  rejected: 1,
  late: 1,
  tooLarge: 0,
  rejectionsByReason: { 'invalid-json': 1 },
  itemsWritten: 3,
  itemsAlreadyApplied: 0,
  itemsFailed: 0,
  conditionalConflicts: 0,
  deadLettersWritten: 2,
  writeUnits: 3,
  readUnits: 2,
  maxItemBytes: 612,
  durationMs: 40,
  failedSequence: undefined,
  flushed: false,
  bufferedItems: 0,
  stateBytes: 0,
  state: undefined,
};

interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

describe('Handler metrics seen by the alarms and the dashboard', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('configures Powertools in functions/aggregate.ts with the namespace and service the construct reads', async () => {
    // Act
    await import('../../functions/aggregate.ts');

    // Assess
    expect(created).toContainEqual({
      namespace: HANDLER_METRICS_NAMESPACE,
      serviceName: HANDLER_SERVICE_NAME,
    });
  });

  it('publishes exactly the metric names and dimensions the construct alarms on and charts', () => {
    // Prepare
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = new Metrics({ namespace: HANDLER_METRICS_NAMESPACE, serviceName: HANDLER_SERVICE_NAME });
    const telemetry = powertoolsTelemetry(new Logger({ serviceName: HANDLER_SERVICE_NAME }), metrics);

    // Act
    telemetry.publish(report);

    // Assess
    const documents = lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line) as EmfDocument);
    expect(documents).toHaveLength(1);
    const document = documents[0] as EmfDocument;
    const directive = document._aws.CloudWatchMetrics[0];
    const dimensions = handlerMetricDimensions('ohlc');
    expect(directive?.Namespace).toBe(HANDLER_METRICS_NAMESPACE);
    expect(directive?.Dimensions.map((set) => [...set].sort())).toStrictEqual([
      Object.keys(dimensions).sort(),
    ]);
    for (const [name, value] of Object.entries(dimensions)) expect(document[name]).toBe(value);
    expect(directive?.Metrics.map((metric) => metric.Name).sort()).toStrictEqual(
      [...HANDLER_METRIC_NAMES].sort(),
    );
  });
});
