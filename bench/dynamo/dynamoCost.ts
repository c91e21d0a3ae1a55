import type { WriteCostRow } from './writeCost.ts';

/** Figure 3 with its totals. */
export interface DynamoCost {
  readonly emulator: 'dynalite';
  readonly rows: readonly WriteCostRow[];
  readonly totalWriteUnits: number;
  readonly totalLowerBound: number;
  readonly totalNaiveWriteUnits: number;
}

/**
 * Totals of figure 3 over every example pipeline.
 *
 * @example
 * const cost = dynamoCost(rows); cost.totalWriteUnits / cost.totalLowerBound;
 */
export const dynamoCost = (rows: readonly WriteCostRow[]): DynamoCost => ({
  emulator: 'dynalite',
  rows,
  totalWriteUnits: rows.reduce((n, r) => n + r.writeUnits, 0),
  totalLowerBound: rows.reduce((n, r) => n + r.lowerBoundWriteUnits, 0),
  totalNaiveWriteUnits: rows.reduce((n, r) => n + r.naiveWriteUnits, 0),
});
