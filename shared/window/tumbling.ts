import { type Duration, parseDuration } from '../time/duration.ts';
import type { WindowSpec } from './types.ts';
import { validateWindow } from './validateWindow.ts';

/** Options shared by all window kinds. */
export interface WindowOptions {
  /**
   * How long after a window ends its records are still accepted, judged by each record's arrival time.
   * @default 0 - a record that arrives after its window's end is late
   * @example '5m'
   */
  readonly allowedLateness?: Duration;
}

/**
 * Fixed, non-overlapping windows aligned to the epoch: each record belongs to exactly one.
 *
 * @example
 * tumbling('1m', { allowedLateness: '5m' });
 */
export const tumbling = (size: Duration, options: WindowOptions = {}): WindowSpec => {
  const sizeMs = parseDuration(size);
  return validateWindow({
    kind: 'tumbling',
    sizeMs,
    advanceMs: sizeMs,
    allowedLatenessMs: parseDuration(options.allowedLateness ?? 0),
  });
};
