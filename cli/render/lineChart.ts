import { formatNumber } from './formatValue.ts';

/** Options of {@link renderLineChart}. */
export interface LineChartOptions {
  /**
   * Width of every line in terminal columns, the value labels and the axis included.
   * @default 60
   */
  readonly width?: number;
  /**
   * Rows of the plot (at least 2), without the axis and time labels.
   * @default 8
   */
  readonly height?: number;
  /**
   * Plot with `*` (one point per character) instead of braille dots (2 × 4 points per character).
   * @default false
   */
  readonly ascii?: boolean;
  /**
   * Printed under the first point, e.g. the first window start.
   * @default - no time labels
   */
  readonly startLabel?: string;
  /**
   * Printed under the last point, right-aligned.
   * @default - no end label
   */
  readonly endLabel?: string;
  /**
   * Formats the minimum and maximum printed on the value axis.
   * @default formatNumber - integers as they are, others with up to 4 decimals
   */
  readonly formatValue?: (value: number) => string;
}

/** Braille dot bits by [column][row from the top] of a 2 × 4 cell. */
const BRAILLE_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;
const BRAILLE_BASE = 0x2800;

/** Points as wide as the plot: one per dot column, each the mean of the values falling into it. */
const resample = (values: readonly (number | null)[], columns: number): (number | null)[] => {
  if (values.length <= columns) return [...values];
  return Array.from({ length: columns }, (_, b) => {
    const bucket = values
      .slice(Math.floor((b * values.length) / columns), Math.floor(((b + 1) * values.length) / columns))
      .filter((v): v is number => v !== null);
    return bucket.length === 0 ? null : bucket.reduce((s, v) => s + v, 0) / bucket.length;
  });
};

/**
 * Renders a time series as a small terminal line chart: the values spread over the plot width and joined
 * by lines (braille dots, or `*` with `ascii`), the maximum and minimum labelled on the value axis, and
 * optional start and end labels under the time axis. Series longer than the plot are averaged per dot
 * column (the labels stay the series' own minimum and maximum, which averaged points may not reach);
 * `null` or non-finite values leave gaps. A flat series is drawn mid-height with one label. No
 * finite value at all: an empty string.
 *
 * @example
 * renderLineChart([0, 1, 2, 3], { width: 6, height: 2, startLabel: 'a', endLabel: 'b' });
 * // '3┤  ⡠⠊\n0┤⡠⠊\n └────\n  a  b'
 * renderLineChart([0, 1, 2, 3], { width: 6, height: 2, ascii: true });
 * // '3+  **\n0+**\n +----'
 */
export const renderLineChart = (
  values: readonly (number | null)[],
  options: LineChartOptions = {},
): string => {
  const clean = values.map((v) => (v !== null && Number.isFinite(v) ? v : null));
  const defined = clean.filter((v): v is number => v !== null);
  if (defined.length === 0) return '';
  const ascii = options.ascii === true;
  const format = options.formatValue ?? formatNumber;
  const height = Math.max(2, Math.floor(options.height ?? 8));
  const min = Math.min(...defined);
  const max = Math.max(...defined);
  const flat = min === max;
  const dotRows = ascii ? height : height * 4;
  /** The dot row of a flat series (from the bottom), and the text row it falls in (from the top). */
  const flatY = Math.floor((dotRows - 1) / 2);
  const labels = new Map<number, string>(
    flat
      ? [[Math.floor((dotRows - 1 - flatY) / (ascii ? 1 : 4)), format(max)]]
      : [
          [0, format(max)],
          [height - 1, format(min)],
        ],
  );
  const labelWidth = Math.max(...[...labels.values()].map((l) => l.length));
  const plotWidth = Math.max(1, Math.floor(options.width ?? 60) - labelWidth - 1);
  const dotColumns = ascii ? plotWidth : plotWidth * 2;

  const points = resample(clean, dotColumns);
  const xOf = (i: number): number =>
    points.length === 1 ? 0 : Math.round((i * (dotColumns - 1)) / (points.length - 1));
  const yOf = (v: number): number => (flat ? flatY : Math.round(((v - min) / (max - min)) * (dotRows - 1)));
  /** dots[y][x], y = 0 at the bottom. */
  const dots = Array.from({ length: dotRows }, () => new Array<boolean>(dotColumns).fill(false));
  const set = (x: number, y: number): void => {
    (dots[y] as boolean[])[x] = true;
  };
  points.forEach((v, i) => {
    if (v === null) return;
    const x1 = xOf(i);
    const y1 = yOf(v);
    set(x1, y1);
    const previous = i > 0 ? points[i - 1] : null;
    if (previous === null || previous === undefined) return;
    const x0 = xOf(i - 1);
    const y0 = yOf(previous);
    const at = (x: number): number => Math.round(y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
    for (let x = x0 + 1; x <= x1; x++) {
      const from = at(x - 1);
      const to = at(x);
      const step = Math.sign(to - from);
      for (let y = from + step; step !== 0 && y !== to; y += step) set(x, y);
      set(x, to);
    }
  });

  const rows: string[] = [];
  for (let row = 0; row < height; row++) {
    let line = '';
    for (let c = 0; c < plotWidth; c++) {
      if (ascii) {
        line += (dots[height - 1 - row] as boolean[])[c] ? '*' : ' ';
        continue;
      }
      let code = 0;
      for (let dx = 0; dx < 2; dx++) {
        for (let dy = 0; dy < 4; dy++) {
          const y = dotRows - 1 - row * 4 - dy;
          if ((dots[y] as boolean[])[c * 2 + dx])
            code |= (BRAILLE_BITS[dx] as readonly number[])[dy] as number;
        }
      }
      line += code === 0 ? ' ' : String.fromCodePoint(BRAILLE_BASE + code);
    }
    const label = labels.get(row);
    const axis = label === undefined ? (ascii ? '|' : '│') : ascii ? '+' : '┤';
    rows.push(`${(label ?? '').padStart(labelWidth)}${axis}${line}`.trimEnd());
  }
  rows.push(`${' '.repeat(labelWidth)}${ascii ? '+' : '└'}${(ascii ? '-' : '─').repeat(plotWidth)}`);
  if (options.startLabel !== undefined || options.endLabel !== undefined) {
    const start = options.startLabel ?? '';
    const end = options.endLabel ?? '';
    const gap = plotWidth - start.length - end.length;
    const text = end === '' || gap < 1 ? start : `${start}${' '.repeat(gap)}${end}`;
    rows.push(`${' '.repeat(labelWidth + 1)}${text}`.trimEnd());
  }
  return rows.join('\n');
};
