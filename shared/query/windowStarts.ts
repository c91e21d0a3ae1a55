import type { WindowSpec } from '../window/types.ts';

const mod = (a: number, b: number): number => ((a % b) + b) % b;

/**
 * The start of the newest window that starts at or before `timeMs` (window starts are multiples of the
 * advance). For tumbling windows this is the window containing `timeMs`.
 *
 * @example
 * windowStartAtOrBefore(tumbling('1m'), Date.parse('2026-11-21T08:30:42Z')); // 08:30:00
 */
export const windowStartAtOrBefore = (spec: WindowSpec, timeMs: number): number =>
  timeMs - mod(timeMs, spec.advanceMs);

/**
 * How many windows start in `[fromMs, toMs]`.
 *
 * @example
 * countWindowStarts(tumbling('1m'), Date.parse('2026-11-21T08:00:00Z'), Date.parse('2026-11-21T09:00:00Z')); // 61
 */
export const countWindowStarts = (spec: WindowSpec, fromMs: number, toMs: number): number => {
  const last = windowStartAtOrBefore(spec, toMs);
  const first = fromMs + mod(-fromMs, spec.advanceMs);
  return last < first ? 0 : (last - first) / spec.advanceMs + 1;
};

/**
 * The starts of every window that starts in `[fromMs, toMs]`, oldest first.
 *
 * @example
 * windowStartsBetween(tumbling('1m'), Date.parse('2026-11-21T08:30:00Z'), Date.parse('2026-11-21T08:31:30Z')); // [08:30, 08:31]
 */
export const windowStartsBetween = (spec: WindowSpec, fromMs: number, toMs: number): number[] => {
  const count = countWindowStarts(spec, fromMs, toMs);
  const first = fromMs + mod(-fromMs, spec.advanceMs);
  return Array.from({ length: count }, (_, i) => first + i * spec.advanceMs);
};
