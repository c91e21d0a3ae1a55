import type { EndToEndRow } from '../handler/endToEnd.ts';
import { round } from '../harness/stats.ts';
import type { CostFigure } from './costFigure.ts';

/** Per example: figure 4's per-batch items and write units next to the cost figure's option (b). */
export interface HandlerAgreementRow {
  readonly pipeline: string;
  /** Figure 4: consecutive 1,000-record batches (arrivals spread over minutes). */
  readonly handlerItemsPerBatch: number;
  readonly handlerWriteUnitsPerBatch: number;
  /** Option (b), measured invocations, 1 shard at the top rate (1,000-record batches, one second each). */
  readonly costItemsPerBatch: number;
  readonly costWriteUnitsPerBatch: number;
  readonly costRecordsPerBatch: number;
}

/**
 * Checks option (b) against the handler figure: the same handler writing 1,000-record batches of the same
 * example should touch about as many items and spend about as many write units per batch.
 *
 * @example
 * handlerAgreement(cost, handlerRows);
 */
export const handlerAgreement = (
  cost: CostFigure,
  handler: readonly EndToEndRow[],
): HandlerAgreementRow[] => {
  const top = Math.max(...cost.scenarios.map((s) => s.scenario.ratePerShard));
  const rows: HandlerAgreementRow[] = [];
  for (const h of handler) {
    const s = cost.scenarios.find(
      (c) => c.scenario.pipeline === h.pipeline && c.scenario.shards === 1 && c.scenario.ratePerShard === top,
    );
    const m = s?.measurement.perBatch;
    if (s === undefined || m === undefined || m.measuredInvocations === 0) continue;
    const items = m.measuredItemWrites / m.measuredInvocations;
    rows.push({
      pipeline: h.pipeline,
      handlerItemsPerBatch: h.itemsPerBatch,
      handlerWriteUnitsPerBatch: h.writeUnitsPerBatch,
      costItemsPerBatch: round(items),
      costWriteUnitsPerBatch: round(items * m.perItemWrite.tableWriteUnits),
      costRecordsPerBatch: round(s.events / m.invocations),
    });
  }
  return rows;
};
