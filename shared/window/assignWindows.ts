import type { WindowSpec } from './types.ts';

/**
 * Writes into `starts` the start (epoch ms) of every window that contains `eventMs`, oldest first,
 * and returns how many there are. Windows are `[start, start + size)` with starts at multiples of the advance.
 * Reuses the caller's array so the per-record path allocates nothing.
 *
 * @example
 * const starts: number[] = [];
 * assignWindows(hopping('5m', '1m'), Date.parse('2026-01-01T00:02:30Z'), starts); // 5: 23:58 … 00:02
 */
export const assignWindows = (spec: WindowSpec, eventMs: number, starts: number[]): number => {
  const { sizeMs, advanceMs } = spec;
  const last = eventMs - mod(eventMs, advanceMs);
  if (advanceMs === sizeMs) {
    starts[0] = last;
    return 1;
  }
  let count = 0;
  // Oldest window containing eventMs: the smallest multiple of advance greater than eventMs - size.
  const first = last - Math.floor((sizeMs - 1 - mod(eventMs, advanceMs)) / advanceMs) * advanceMs;
  for (let start = first; start <= last; start += advanceMs) starts[count++] = start;
  return count;
};

const mod = (a: number, b: number): number => ((a % b) + b) % b;
