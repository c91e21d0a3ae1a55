import stringWidth from 'string-width';

/**
 * Cuts `text` to at most `columns` terminal columns (wide characters count two, control sequences none),
 * ending a cut line with `…`; shorter text is returned unchanged. Lines of the terminal view pass through
 * this so none wraps, whatever the terminal's width.
 *
 * @example
 * fitWidth('p50=85.6354 p90=87.3654', 12); // 'p50=85.6354…'
 */
export const fitWidth = (text: string, columns: number): string => {
  if (columns <= 0) return '';
  if (stringWidth(text) <= columns) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const width = stringWidth(char);
    if (used + width > columns - 1) break;
    out += char;
    used += width;
  }
  return `${out}…`;
};

/**
 * {@link fitWidth}, then padded with spaces to exactly `columns` columns (for inverse-video bars).
 *
 * @example
 * padWidth('streamfold', 12); // 'streamfold  '
 */
export const padWidth = (text: string, columns: number): string => {
  const fitted = fitWidth(text, columns);
  return fitted + ' '.repeat(Math.max(0, columns - stringWidth(fitted)));
};
