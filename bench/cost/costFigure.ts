import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { STREAM_AGGREGATION_DEFAULTS as CDK, FINALIZER_SETTINGS } from '../../infra/constructs/defaults.ts';
import { MAX_INVOCATION_PAYLOAD_BYTES } from '../../local/esm/constants.ts';
import { EVENT_SOURCE_MAPPING_DEFAULTS, FUNCTION_DEFAULTS } from '../../local/esm/defaults.ts';
import { DEFAULT_FLUSH_EVERY } from '../../shared/definition/constants.ts';
import { parseDuration } from '../../shared/time/duration.ts';
import { EXAMPLE_BATCHES } from '../data/exampleBatches.ts';
import { round } from '../harness/stats.ts';
import { type CostRatioSet, coalescedVsPerBatch, costRatios } from './costRatios.ts';
import { FLINK_SIZING } from './flinkSizing.ts';
import type { IndexWriteTracker } from './IndexWriteTracker.ts';
import { type BillingModel, DEFAULT_BILLING } from './lambdaBilling.ts';
import type { CostMode } from './ModeRunner.ts';
import { priceScenario, type ScenarioCost } from './priceScenario.ts';
import { PRICES, type PriceTable } from './prices.ts';
import { RequestCounter } from './RequestCounter.ts';
import { COST_EPOCH_MS, runScenario, type ScenarioEnvironment } from './runScenario.ts';
import { TRAFFIC_DELAYS } from './trafficClock.ts';
import type { CostScenario, CostSettings } from './types.ts';

/** Figure 7: what a million events cost, every option, every scenario. */
export interface CostFigure {
  readonly emulator: 'dynalite';
  readonly settings: CostSettings;
  /** Everything the dollars depend on besides the prices. */
  readonly assumptions: {
    readonly trafficStart: string;
    readonly traffic: typeof TRAFFIC_DELAYS;
    readonly eventSourceMapping: {
      readonly batchSize: number;
      readonly maxBatchingWindowMs: number;
      readonly maxPayloadBytes: number;
    };
    readonly lambda: BillingModel & { readonly writeConcurrency: number; readonly timeoutMs: number };
    readonly finalizer: { readonly memoryMb: number; readonly runsPerMinute: 1 };
    readonly flink: typeof FLINK_SIZING;
    /** `flushEvery` used for coalesced mode (the definitions' own, else the default). */
    readonly coalescedFlushEveryMs: number;
  };
  readonly prices: PriceTable;
  /** The write mode of the example definitions as shipped (`flushEveryMs` > 0: coalesced). */
  readonly defaultMode: CostMode;
  /** Whether the handler supports coalesced writes (it answers tumbling-window events with a state). */
  readonly coalescedAvailable: boolean;
  readonly scenarios: readonly ScenarioCost[];
  readonly ratios: {
    readonly perBatch: CostRatioSet;
    readonly coalesced: CostRatioSet | undefined;
    readonly coalescedVsPerBatch: number | undefined;
  };
  readonly wallSeconds: number;
}

/**
 * The scenarios of a run, in order: every example × rate × shard count × partitioning (one shard only
 * once, as keyed: with one shard both partitionings are the same stream).
 *
 * @example
 * costScenarios(settings).length; // 36 for the full run
 */
export const costScenarios = (settings: CostSettings): CostScenario[] => {
  const scenarios: CostScenario[] = [];
  for (const pipeline of settings.pipelines)
    for (const ratePerShard of settings.rates)
      for (const shards of settings.shardCounts)
        for (const partitioning of settings.partitionings) {
          if (shards === 1 && partitioning === 'random') continue;
          scenarios.push({ pipeline, ratePerShard, shards, partitioning, minutes: settings.minutes });
        }
  return scenarios;
};

/**
 * Figure 7: replays each scenario's traffic on a virtual clock through the real handler against dynalite
 * (see `runScenario`) and prices every option with the list prices.
 *
 * @example
 * const cost = await measureCost(client, settings, (line) => process.stderr.write(line));
 */
export const measureCost = async (
  client: DynamoDBClient,
  settings: CostSettings,
  progress: (line: string) => void = () => undefined,
): Promise<CostFigure> => {
  const started = performance.now();
  const trackers = new Map<string, IndexWriteTracker>();
  const counter = new RequestCounter(client, (table, item) => trackers.get(table)?.observe(item));
  const billing: BillingModel = { ...DEFAULT_BILLING, memoryMb: FUNCTION_DEFAULTS.memoryMb };
  const defaultFlushEveryMs = parseDuration(DEFAULT_FLUSH_EVERY);
  const env: ScenarioEnvironment = {
    client,
    counter,
    trackers,
    batching: {
      batchSize: EVENT_SOURCE_MAPPING_DEFAULTS.batchSize,
      maxBatchingWindowMs: EVENT_SOURCE_MAPPING_DEFAULTS.maxBatchingWindowMs,
      maxPayloadBytes: MAX_INVOCATION_PAYLOAD_BYTES,
    },
    billing,
    concurrency: CDK.writeConcurrency,
    timeoutMs: FUNCTION_DEFAULTS.timeoutMs,
    coalescedIntervalMs: settings.flushEveryMs ?? defaultFlushEveryMs,
    flushEveryMs: settings.flushEveryMs,
    measurement: settings.measurement,
    coalescedAvailable: true,
  };
  const scenarios: ScenarioCost[] = [];
  const list = costScenarios(settings);
  for (const [i, scenario] of list.entries()) {
    const run = await runScenario(scenario, env);
    const cost = priceScenario(run, billing);
    scenarios.push(cost);
    progress(
      `  cost ${i + 1}/${list.length}: ${scenario.pipeline} ${scenario.ratePerShard}/s × ${scenario.shards} ${scenario.partitioning} — ${cost.wallSeconds.toFixed(1)} s`,
    );
  }
  const definitions = EXAMPLE_BATCHES.map((e) => e.definition).filter((d) =>
    settings.pipelines.includes(d.name),
  );
  const defaultMode: CostMode = definitions.every((d) => d.flushEveryMs > 0) ? 'coalesced' : 'perBatch';
  return {
    emulator: 'dynalite',
    settings,
    assumptions: {
      trafficStart: new Date(COST_EPOCH_MS).toISOString(),
      traffic: TRAFFIC_DELAYS,
      eventSourceMapping: env.batching,
      lambda: { ...billing, writeConcurrency: env.concurrency, timeoutMs: env.timeoutMs },
      finalizer: { memoryMb: FINALIZER_SETTINGS.memorySize, runsPerMinute: 1 },
      flink: FLINK_SIZING,
      coalescedFlushEveryMs: settings.flushEveryMs ?? (definitions[0]?.flushEveryMs || defaultFlushEveryMs),
    },
    prices: PRICES,
    defaultMode,
    coalescedAvailable: env.coalescedAvailable,
    scenarios,
    ratios: {
      perBatch: costRatios(scenarios, 'perBatch'),
      coalesced: env.coalescedAvailable ? costRatios(scenarios, 'coalesced') : undefined,
      coalescedVsPerBatch: coalescedVsPerBatch(scenarios, 'requests-by-ip'),
    },
    wallSeconds: round((performance.now() - started) / 1000),
  };
};
