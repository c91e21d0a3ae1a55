import { round } from '../harness/stats.ts';
import type { CostFigure } from './costFigure.ts';
import { itemWriteUnits } from './costRatios.ts';

/** One row of the flush sweep: one example at one `flushEvery`, one traffic scenario. */
export interface FlushSweepRow {
  readonly pipeline: string;
  readonly flushEverySeconds: number;
  readonly ratePerShard: number;
  readonly shards: number;
  /** Results are at most this old: `flushEvery` + the mapping's batching window. */
  readonly stalestResultSeconds: number;
  /** Distinct (group, window) items of the run. */
  readonly items: number;
  /**
   * Coalesced item writes ÷ items: how often an item is written (one write per interval it was touched
   * in, more when the handler flushed early to keep its state under Lambda's 1 MB).
   */
  readonly writesPerItem: number;
  /** Intervals Lambda would have ended early because the returned state passed 1 MB. */
  readonly windowsTerminatedEarly: number;
  /** Coalesced write units (table + indexes + finalizer) ÷ the lower bound's. */
  readonly writeUnitsVsWindowLowerBound: number;
  /** Coalesced streamfold ÷ Managed Flink, dollars without Kinesis. */
  readonly costVsFlink: number;
  /** Coalesced streamfold, dollars a month at this traffic (Kinesis apart). */
  readonly perMonth: number;
  readonly flinkPerMonth: number;
}

/**
 * The rows of one cost run made with a `flushEvery` override (`CostSettings.flushEveryMs`): for every
 * keyed scenario, the coalesced option against the lower bound and Managed Flink.
 *
 * @example
 * flushSweepRows(await measureCost(client, { ...settings, flushEveryMs: 120_000 }));
 */
export const flushSweepRows = (figure: CostFigure): FlushSweepRow[] => {
  const flushEverySeconds = figure.assumptions.coalescedFlushEveryMs / 1000;
  const batchingSeconds = figure.assumptions.eventSourceMapping.maxBatchingWindowMs / 1000;
  const rows: FlushSweepRow[] = [];
  for (const s of figure.scenarios) {
    const coalesced = s.options.coalesced;
    const bound = s.options.lowerBound;
    const flink = s.options.flink;
    if (s.scenario.partitioning !== 'keyed' || coalesced === undefined || bound === undefined) continue;
    if (flink === undefined) continue;
    rows.push({
      pipeline: s.scenario.pipeline,
      flushEverySeconds,
      ratePerShard: s.scenario.ratePerShard,
      shards: s.scenario.shards,
      stalestResultSeconds: flushEverySeconds + batchingSeconds,
      items: s.items,
      windowsTerminatedEarly: s.measurement.coalesced?.windowsTerminatedEarly ?? 0,
      writesPerItem: round((s.measurement.coalesced?.itemWrites ?? Number.NaN) / s.items, 3),
      writeUnitsVsWindowLowerBound: round(
        itemWriteUnits(coalesced.writeUnits) / itemWriteUnits(bound.writeUnits),
        3,
      ),
      costVsFlink: round(coalesced.dollars.total / flink.dollars.total, 3),
      perMonth: Math.round(coalesced.perMonth),
      flinkPerMonth: Math.round(flink.perMonth),
    });
  }
  return rows;
};
