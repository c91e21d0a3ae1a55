import type { OnFailureDestination, OnFailureRecord } from './types.ts';

/** An on-failure destination that keeps the records in memory, for tests. */
export interface MemoryDestination extends OnFailureDestination {
  /** Every record sent, oldest first. */
  readonly records: readonly OnFailureRecord[];
}

/**
 * An on-failure destination that keeps records in memory.
 *
 * @example
 * ```ts
 * const destination = memoryDestination();
 * const esm = new EventSourceMapping({ ..., onFailureDestination: destination });
 * // later
 * expect(destination.records).toHaveLength(1);
 * ```
 */
export const memoryDestination = (): MemoryDestination => {
  const records: OnFailureRecord[] = [];
  return {
    records,
    send: async (record) => {
      records.push(record);
    },
  };
};
