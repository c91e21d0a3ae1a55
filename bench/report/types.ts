import type { CostFigure } from '../cost/costFigure.ts';
import type { HandlerAgreementRow } from '../cost/handlerAgreement.ts';
import type { CostSettings } from '../cost/types.ts';
import type { DynamoCost } from '../dynamo/dynamoCost.ts';
import type { FoldThroughput } from '../fold/foldThroughput.ts';
import type { EndToEndRow } from '../handler/endToEnd.ts';
import type { MachineInfo } from '../harness/machine.ts';
import type { LambdaPackage } from '../lambda/lambdaPackage.ts';
import type { MemoryRow } from '../memory/measureMemory.ts';
import type { PeerComparison } from '../peers/comparePeers.ts';

/** The headline ratios; directions are defined in bench/README.md. */
export interface HeadlineRatios {
  /** Exact-metrics fold throughput ÷ base64 + JSON.parse throughput, same JSON batch (≤ 1; higher is better). */
  readonly foldVsParse?: number;
  /** All-metrics fold throughput ÷ base64 + JSON.parse throughput (≤ 1; higher is better). */
  readonly foldAllMetricsVsParse?: number;
  /** Fastest end-to-end peer's time ÷ our exact fold's time (> 1 means we are faster). */
  readonly foldVsFastestPeer?: number;
  /** Our table write units ÷ the lower bound, over all example batches (1 is optimal; lower is better). */
  readonly writeUnitsVsLowerBound?: number;
  /** Naive per-record writer's write units ÷ ours, over all example batches (> 1 means we spend fewer). */
  readonly naiveVsOurWriteUnits?: number;
  /** Per example pipeline: fold throughput ÷ its format's parse-only baseline throughput. */
  readonly examplesFoldVsBaseline?: Readonly<Record<string, number>>;
  /**
   * streamfold at its default settings ÷ Managed Flink, dollars without Kinesis, worst example and shard
   * count at 1,000 records/s per shard, keyed partitioning (figure 7; < 1: we are cheaper).
   */
  readonly costVsFlink?: number;
  /**
   * Our write units (results table + indexes + finalizer) ÷ one write of each final item and its index
   * entries, default settings, worst example and shard count, 1,000 records/s per shard, keyed (≥ 1).
   */
  readonly writeUnitsVsWindowLowerBound?: number;
  /** requests-by-ip write units with coalesced writes ÷ writing every batch, 1,000 records/s per shard, keyed. */
  readonly coalescedVsPerBatch?: number;
}

/** Settings of a run. */
export interface RunSettings {
  readonly mode: 'full' | 'quick';
  readonly sections: readonly string[];
  readonly batchRecords: number;
  readonly warmup: number;
  readonly rounds: number;
  readonly writeCostRecords: number;
  readonly endToEnd: {
    readonly recordsPerBatch: number;
    readonly warmupBatches: number;
    readonly batches: number;
    readonly pipelines: readonly string[];
  };
  readonly coldInitRuns: number;
  readonly memoryRecords: number;
  readonly cost: CostSettings;
}

/** Everything `bench/results/<date>.json` holds. */
export interface BenchResults {
  readonly schemaVersion: 1;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: MachineInfo;
  readonly settings: RunSettings;
  readonly ratios: HeadlineRatios;
  readonly fold?: FoldThroughput;
  readonly peers?: PeerComparison;
  readonly dynamo?: DynamoCost;
  /** Emulator figures (dynalite in a child process), not DynamoDB's. */
  readonly handler?: { readonly emulator: 'dynalite'; readonly rows: readonly EndToEndRow[] };
  readonly lambda?: LambdaPackage;
  readonly memory?: readonly MemoryRow[];
  /** Figure 7, with the chart's file name (next to the JSON) and the check against figure 4. */
  readonly cost?: CostFigure & {
    readonly chart: string | undefined;
    readonly perBatchVsHandlerFigure: readonly HandlerAgreementRow[] | undefined;
  };
}
