import type { SourceRecord } from '../../shared/record/types.ts';

/**
 * A clock that reads "one second after the batch's last arrival" now and advances in real time: the
 * moment a Lambda would process the batch. Keeps generated batches (fixed dates) realistic whatever
 * today's date is: their windows are still open, so items carry the `open-windows` index attribute.
 *
 * @example
 * const now = batchClock(sources);
 * new ResultsWriter({ client, tableName, definition, now });
 */
export const batchClock = (sources: readonly SourceRecord[]): (() => number) => {
  let last = 0;
  for (const s of sources) if (s.arrivalMs > last) last = s.arrivalMs;
  const offset = last + 1000 - Date.now();
  return () => Date.now() + offset;
};
