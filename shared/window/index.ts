export { assignWindows } from './assignWindows.ts';
export { MAX_WINDOWS_PER_RECORD, MIN_WINDOW_SIZE_MS } from './constants.ts';
export { WindowSpecError } from './errors.ts';
export { hopping } from './hopping.ts';
export { isComplete, isFinal, isLate } from './lateness.ts';
export { tumbling, type WindowOptions } from './tumbling.ts';
export type { WindowBounds, WindowKind, WindowSpec } from './types.ts';
export { validateWindow } from './validateWindow.ts';
