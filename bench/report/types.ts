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
}
