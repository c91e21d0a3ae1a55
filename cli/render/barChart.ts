import { formatNumber } from './formatValue.ts';

/** One bar of a {@link renderBarChart}. */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** Options of {@link renderBarChart}. */
export interface BarChartOptions {
  /**
   * Width of every line in terminal columns (labels, bars and values; labels are assumed single-width).
   * @default 80
   */
  readonly width?: number;
  /**
   * Draw with `#` only, for terminals without Unicode block characters.
   * @default false
   */
  readonly ascii?: boolean;
  /**
   * Formats the value printed after each bar.
   * @default formatNumber - integers as they are, others with up to 4 decimals
   */
  readonly formatValue?: (value: number) => string;
}

/** Left-aligned partial blocks, by eighths: index 1 is ▏ (one eighth) … 7 is ▉ (seven eighths). */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;
const FULL = '█';
/** Bars keep at least this many columns; labels are shortened first … */
const MIN_BAR_WIDTH = 10;
/** … but not below this many columns. */
const MIN_LABEL_WIDTH = 8;

const truncate = (text: string, width: number): string =>
  text.length <= width ? text : width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;

/**
 * Renders a horizontal bar chart: one line per bar, `label bar value`, labels padded to the longest,
 * values right-aligned in the last column, bar lengths proportional to the largest value with eighth-of-
 * a-column precision (`█▌`); with `ascii`, whole `#` columns. A positive value always shows at least a
 * sliver; zero, negative and non-finite values get an empty bar (their value is still printed). Labels
 * are shortened with `…` (down to 8 columns) when the bars would get narrower than 10 columns; a bar is
 * at least one column, so a width too small for that is exceeded. No bars: an empty string.
 *
 * @example
 * renderBarChart([{ label: 'a', value: 4 }, { label: 'bb', value: 2 }], { width: 12 });
 * // 'a  ███████ 4\nbb ███▌    2'
 */
export const renderBarChart = (bars: readonly Bar[], options: BarChartOptions = {}): string => {
  if (bars.length === 0) return '';
  const width = options.width ?? 80;
  const format = options.formatValue ?? formatNumber;
  const values = bars.map((bar) => format(bar.value));
  const valueWidth = Math.max(...values.map((v) => v.length));
  const longestLabel = Math.max(...bars.map((bar) => bar.label.length));
  const labelWidth = Math.min(
    longestLabel,
    Math.max(MIN_LABEL_WIDTH, width - valueWidth - 2 - MIN_BAR_WIDTH),
  );
  const barWidth = Math.max(1, width - labelWidth - valueWidth - 2);
  const max = Math.max(0, ...bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)));
  return bars
    .map((bar, i) => {
      const share = max > 0 && Number.isFinite(bar.value) && bar.value > 0 ? bar.value / max : 0;
      let drawn = '';
      if (share > 0 && options.ascii === true) {
        drawn = '#'.repeat(Math.max(1, Math.round(share * barWidth)));
      } else if (share > 0) {
        const eighths = Math.max(1, Math.round(share * barWidth * 8));
        drawn = FULL.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
      }
      const label = truncate(bar.label, labelWidth).padEnd(labelWidth);
      return `${label} ${drawn.padEnd(barWidth)} ${(values[i] as string).padStart(valueWidth)}`;
    })
    .join('\n');
};
