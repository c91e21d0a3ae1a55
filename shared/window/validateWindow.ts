import { MAX_WINDOWS_PER_RECORD, MIN_WINDOW_SIZE_MS } from './constants.ts';
import { WindowSpecError } from './errors.ts';
import type { WindowSpec } from './types.ts';

/**
 * Checks a window specification and returns it frozen.
 *
 * @throws {WindowSpecError} naming the option and the bad value.
 * @example
 * validateWindow({ kind: 'tumbling', sizeMs: 60_000, advanceMs: 60_000, allowedLatenessMs: 0 });
 */
export const validateWindow = (spec: WindowSpec): WindowSpec => {
  if (spec.sizeMs < MIN_WINDOW_SIZE_MS) {
    throw new WindowSpecError(
      `Window size must be at least ${MIN_WINDOW_SIZE_MS} ms (given ${spec.sizeMs} ms)`,
    );
  }
  if (spec.sizeMs % 1000 !== 0) {
    throw new WindowSpecError(`Window size must be a whole number of seconds (given ${spec.sizeMs} ms)`);
  }
  if (spec.advanceMs <= 0 || spec.advanceMs > spec.sizeMs) {
    throw new WindowSpecError(
      `Window advance must be greater than 0 and at most the size ${spec.sizeMs} ms (given ${spec.advanceMs} ms)`,
    );
  }
  const perRecord = Math.ceil(spec.sizeMs / spec.advanceMs);
  if (perRecord > MAX_WINDOWS_PER_RECORD) {
    throw new WindowSpecError(
      `Window size / advance must be at most ${MAX_WINDOWS_PER_RECORD} (given ${spec.sizeMs} / ${spec.advanceMs} = ${perRecord})`,
    );
  }
  if (spec.kind === 'tumbling' && spec.advanceMs !== spec.sizeMs) {
    throw new WindowSpecError(`A tumbling window advances by its size (given advance ${spec.advanceMs} ms)`);
  }
  if (spec.allowedLatenessMs < 0) {
    throw new WindowSpecError(`Allowed lateness must not be negative (given ${spec.allowedLatenessMs} ms)`);
  }
  return Object.freeze({ ...spec });
};
