import { type Duration, parseDuration } from '../time/duration.ts';
import type { WindowOptions } from './tumbling.ts';
import type { WindowSpec } from './types.ts';
import { validateWindow } from './validateWindow.ts';

/**
 * Overlapping windows of `size`, one starting every `advance`, aligned to the epoch:
 * each record belongs to `size / advance` windows (rounded up when not a multiple).
 *
 * @example
 * hopping('5m', '1m'); // 5-minute windows every minute
 */
export const hopping = (size: Duration, advance: Duration, options: WindowOptions = {}): WindowSpec =>
  validateWindow({
    kind: 'hopping',
    sizeMs: parseDuration(size),
    advanceMs: parseDuration(advance),
    allowedLatenessMs: parseDuration(options.allowedLateness ?? 0),
  });
