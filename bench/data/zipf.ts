import type { SeededRandom } from './prng.ts';

/**
 * A Zipf-distributed index sampler over `n` ranks: rank `k` (0-based) is drawn with probability
 * proportional to `1 / (k + 1)^exponent`. Real group keys (client IPs, symbols, devices) look like this:
 * a few hot keys and a long tail.
 *
 * @example
 * const next = zipfSampler(seededRandom(1), 500, 1.1);
 * next(); // 0 most often, then 1, ...
 */
export const zipfSampler = (random: SeededRandom, n: number, exponent: number): (() => number) => {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** exponent;
    cumulative[k] = total;
  }
  return () => {
    const target = random.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
};
