/** A printable table: a title, column headers and rows of cells already formatted as text. */
export interface TextTable {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table. */
  readonly notes?: readonly string[];
}

const NUMERIC = /^[\d.,×%+\-–~≈ ]+(?:[kKMG]?(?:B|iB|ms|s|\/s))?$/;

/**
 * Renders a table as aligned plain text: numeric-looking cells right-aligned, others left-aligned.
 *
 * @example
 * formatTable({ title: 'Fold', headers: ['case', 'ms'], rows: [['parse', '7.3']] });
 */
export const formatTable = (table: TextTable): string => {
  const widths = table.headers.map((h, i) =>
    Math.max(h.length, ...table.rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const width = widths[i] as number;
        return i > 0 && NUMERIC.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    `== ${table.title}`,
    line(table.headers),
    rule,
    ...table.rows.map(line),
    ...(table.notes ?? []).map((n) => `   ${n}`),
    '',
  ].join('\n');
};

/**
 * Formats a number with thousands separators and at most `decimals` decimals.
 *
 * @example
 * num(1234567.8); // '1,234,568'
 */
export const num = (value: number | undefined, decimals = 0): string =>
  value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: decimals });

/**
 * Formats a ratio as `0.42×`.
 *
 * @example
 * times(0.4213); // '0.42×'
 */
export const times = (value: number | undefined): string =>
  value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(value >= 10 ? 1 : 2)}×`;
