/**
 * Reads `source` until it ends or `signal` aborts, whichever comes first: a pending read is abandoned at
 * once on abort (the source is then told to stop with `return()`, not awaited), so waiting on an idle
 * standard input or socket never delays a shutdown.
 *
 * @example
 * for await (const line of untilAborted(fileLines('-'), controller.signal)) await producer.put({ data: line });
 */
export async function* untilAborted<T>(
  source: AsyncIterable<T> | Iterable<T>,
  signal: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  const iterator: AsyncIterator<T> | Iterator<T> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let aborted: (() => void) | undefined;
  const abort = new Promise<'aborted'>((resolve) => {
    aborted = () => resolve('aborted');
    if (signal.aborted) aborted();
    else signal.addEventListener('abort', aborted, { once: true });
  });
  let finished = false;
  try {
    while (!signal.aborted) {
      const result = await Promise.race([Promise.resolve(iterator.next()), abort]);
      if (result === 'aborted') break;
      if (result.done === true) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (aborted !== undefined) signal.removeEventListener('abort', aborted);
    if (!finished) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
