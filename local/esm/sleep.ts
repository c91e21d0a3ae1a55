/**
 * Waits `ms` milliseconds, or less when `signal` aborts (it then resolves, it does not reject).
 *
 * @example
 * ```ts
 * await sleep(1_000, controller.signal);
 * if (controller.signal.aborted) return;
 * ```
 */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Exponential backoff: `initialMs` for the first retry, doubling up to `maxMs`.
 *
 * @example
 * ```ts
 * backoffMs(3, 100, 5_000); // 400
 * ```
 */
export const backoffMs = (attempt: number, initialMs: number, maxMs: number): number =>
  Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
