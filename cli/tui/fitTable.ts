import stringWidth from 'string-width';
import { renderTable } from '../render/table.ts';
import { fitWidth } from './fitWidth.ts';

/** A table cut to a width: its lines, and how many columns did not fit. */
export interface FittedTable {
  readonly lines: readonly string[];
  readonly hiddenColumns: number;
}

/**
 * Renders a table (see `renderTable`) with as many leading columns as fit in `columns` terminal
 * columns; the first column is always kept, cut with `…` if even it is too wide. Columns are dropped
 * whole rather than wrapped or cut mid-value, and the caller is told how many were left out.
 *
 * @example
 * fitTable(['window', 'symbol', 'open', 'close'], [['08:30–08:31', 'ACME', '12', '12.5']], 24);
 */
export const fitTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  columns: number,
): FittedTable => {
  const widths = headers.map((h, i) =>
    Math.max(stringWidth(h), ...rows.map((row) => stringWidth(row[i] ?? ''))),
  );
  let keep = 1;
  let used = widths[0] ?? 0;
  while (keep < headers.length && used + 2 + (widths[keep] as number) <= columns) {
    used += 2 + (widths[keep] as number);
    keep += 1;
  }
  const text = renderTable(
    headers.slice(0, keep),
    rows.map((row) => row.slice(0, keep)),
  );
  return {
    lines: text.split('\n').map((line) => fitWidth(line, columns)),
    hiddenColumns: headers.length - keep,
  };
};
