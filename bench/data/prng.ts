/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence on every machine,
 * so every benchmark batch is reproducible byte for byte.
 *
 * @example
 * const random = seededRandom(42);
 * random.next(); // a float in [0, 1)
 * random.int(10); // an integer in [0, 10)
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
}

export const seededRandom = (seed: number): SeededRandom => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (bound: number): number => Math.floor(next() * bound);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)] as T };
};
