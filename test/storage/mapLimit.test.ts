import { describe, expect, it, vi } from 'vitest';
import { mapLimit } from '../../shared/storage/index.ts';

/** Yields to the microtask queue `turns` times: lets other workers run without any timer. */
const yieldTurns = async (turns: number): Promise<void> => {
  for (let i = 0; i < turns; i++) await Promise.resolve();
};

describe('Function: mapLimit', () => {
  it.each([1, 3, 16])('never has more than %i calls in flight, and reaches that limit', async (limit) => {
    // Prepare
    const items = Array.from({ length: 20 }, (_, i) => i);
    let inFlight = 0;
    let maxInFlight = 0;

    // Act
    await mapLimit(items, limit, async (item) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await yieldTurns((item * 7) % 5);
      inFlight -= 1;
      return item;
    });

    // Assess
    expect(maxInFlight).toBe(limit);
    expect(inFlight).toBe(0);
  });

  it('keeps the order of the input, whatever the order of completion', async () => {
    // Prepare: earlier items take longer
    const items = ['a', 'b', 'c', 'd', 'e', 'f'];
    const completed: string[] = [];

    // Act
    const results = await mapLimit(items, 3, async (item, index) => {
      await yieldTurns((items.length - index) * 3);
      completed.push(item);
      return `${item}${index}`;
    });

    // Assess
    expect(completed).not.toStrictEqual(items);
    expect(results).toStrictEqual(
      items.map((item, index) => ({ status: 'fulfilled', value: `${item}${index}` })),
    );
  });

  it('settles failures instead of throwing, and still runs every item', async () => {
    // Prepare
    const boom = new Error('odd');
    const fn = vi.fn(async (item: number) => {
      await yieldTurns(item % 3);
      if (item % 2 === 1) throw boom;
      return item * 10;
    });

    // Act
    const results = await mapLimit([0, 1, 2, 3, 4], 2, fn);

    // Assess
    expect(fn).toHaveBeenCalledTimes(5);
    expect(results).toStrictEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 20 },
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 40 },
    ]);
  });

  it('settles a function that throws synchronously', async () => {
    // Prepare
    const boom = new Error('sync');

    // Act
    const results = await mapLimit([1], 1, (() => {
      throw boom;
    }) as (item: number) => Promise<number>);

    // Assess
    expect(results).toStrictEqual([{ status: 'rejected', reason: boom }]);
  });

  it('returns an empty array for no items without calling the function', async () => {
    // Prepare
    const fn = vi.fn(async (item: number) => item);

    // Act
    const results = await mapLimit([], 4, fn);

    // Assess
    expect(results).toStrictEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects the limit %s', async (limit) => {
    // Act
    const run = mapLimit([1], limit, async (item) => item);

    // Assess
    await expect(run).rejects.toStrictEqual(
      new RangeError(`Concurrency limit must be a positive integer (given ${limit})`),
    );
  });
});
