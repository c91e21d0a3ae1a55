/**
 * Maps `items` with at most `limit` calls in flight, keeping result order. Every item settles: results are
 * `PromiseSettledResult`s, so one failure neither stops the rest nor leaves work running unobserved.
 *
 * @example
 * const results = await mapLimit(keys, 16, (key) => writeItem(key));
 */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> => {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`Concurrency limit must be a positive integer (given ${limit})`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};
