import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms` milliseconds; rejects with the signal's reason when `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/**
 * The real-time {@link Sleep}, on `setTimeout` (so vitest's fake timers drive it too).
 *
 * @example
 * await sleep(100, controller.signal);
 */
export const sleep: Sleep = async (ms, signal) => {
  if (isAborted(signal)) throw signal?.reason;
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (error) {
    throw isAborted(signal) ? signal?.reason : error;
  }
};
