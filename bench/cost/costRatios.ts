import { round } from '../harness/stats.ts';
import type { CostMode } from './ModeRunner.ts';
import type { ScenarioCost } from './priceScenario.ts';

/** The cost figure's ratios for one streamfold write mode, with the scenario each worst value came from. */
export interface CostRatioSet {
  /** streamfold ÷ Managed Flink (dollars, Kinesis excluded), worst example and shard count, top rate, keyed. */
  readonly costVsFlink: number | undefined;
  /** The same at the lowest rate of the run (10 records/s per shard). */
  readonly costVsFlinkAtLowestRate: number | undefined;
  /**
   * Our write units ÷ the lower bound, worst example and shard count, top rate, keyed. Ours: results table,
   * indexes and finalizer; the bound: one write of each final item and of its index entries.
   */
  readonly writeUnitsVsWindowLowerBound: number | undefined;
  /** The same on the results table alone (table write units ÷ Σ ceil(final item bytes / 1 KB)). */
  readonly tableWriteUnitsVsWindowLowerBound: number | undefined;
  /** Per example, at the top rate, keyed, worst shard count: streamfold ÷ Flink. */
  readonly costVsFlinkByExample: Readonly<Record<string, number>>;
}

/** Write units of an option as the ratios count them: table + indexes + finalizer (no dead letters). */
export const itemWriteUnits = (w: { table: number; index: number; finalizer: number }): number =>
  w.table + w.index + w.finalizer;

const worst = (values: readonly number[]): number | undefined =>
  values.length === 0 ? undefined : round(Math.max(...values), 4);

/**
 * The ratios of one write mode over the priced scenarios (keyed partitioning; the worst over examples and
 * shard counts, at the run's highest and lowest rates).
 *
 * @example
 * costRatios(scenarios, 'coalesced').costVsFlink;
 */
export const costRatios = (scenarios: readonly ScenarioCost[], mode: CostMode): CostRatioSet => {
  const rates = scenarios.map((s) => s.scenario.ratePerShard);
  const top = Math.max(...rates);
  const low = Math.min(...rates);
  const keyed = scenarios.filter((s) => s.scenario.partitioning === 'keyed' && s.options[mode] !== undefined);
  const vsFlink = (s: ScenarioCost): number =>
    (s.options[mode]?.dollars.total ?? Number.NaN) / (s.options.flink?.dollars.total ?? Number.NaN);
  const atTop = keyed.filter((s) => s.scenario.ratePerShard === top);
  const byExample: Record<string, number> = {};
  for (const s of atTop) {
    byExample[s.scenario.pipeline] = round(Math.max(byExample[s.scenario.pipeline] ?? 0, vsFlink(s)), 4);
  }
  return {
    costVsFlink: worst(atTop.map(vsFlink)),
    costVsFlinkAtLowestRate: worst(keyed.filter((s) => s.scenario.ratePerShard === low).map(vsFlink)),
    writeUnitsVsWindowLowerBound: worst(
      atTop.map(
        (s) =>
          itemWriteUnits(s.options[mode]?.writeUnits ?? { table: 0, index: 0, finalizer: 0 }) /
          itemWriteUnits(s.options.lowerBound?.writeUnits ?? { table: 0, index: 0, finalizer: 0 }),
      ),
    ),
    tableWriteUnitsVsWindowLowerBound: worst(
      atTop.map(
        (s) => (s.options[mode]?.writeUnits.table ?? 0) / (s.options.lowerBound?.writeUnits.table ?? 0),
      ),
    ),
    costVsFlinkByExample: byExample,
  };
};

/**
 * Write units with coalescing ÷ without, for `pipeline` at the top rate, keyed (the larger over shard
 * counts); undefined when coalesced writes were not measured.
 *
 * @example
 * coalescedVsPerBatch(scenarios, 'requests-by-ip'); // 0.08
 */
export const coalescedVsPerBatch = (
  scenarios: readonly ScenarioCost[],
  pipeline: string,
): number | undefined => {
  const top = Math.max(...scenarios.map((s) => s.scenario.ratePerShard));
  const values = scenarios
    .filter(
      (s) =>
        s.scenario.pipeline === pipeline &&
        s.scenario.partitioning === 'keyed' &&
        s.scenario.ratePerShard === top &&
        s.options.coalesced !== undefined &&
        s.options.perBatch !== undefined,
    )
    .map(
      (s) =>
        itemWriteUnits(s.options.coalesced?.writeUnits ?? { table: 0, index: 0, finalizer: 0 }) /
        itemWriteUnits(s.options.perBatch?.writeUnits ?? { table: 0, index: 0, finalizer: 0 }),
    );
  return worst(values);
};
