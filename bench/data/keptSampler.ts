import type { SeededRandom } from './prng.ts';
import { zipfSampler } from './zipf.ts';

/**
 * A Zipf sampler over `pool` (exponent 1.1, rank = position in the pool) that only returns positions whose
 * value `keep` accepts: the distribution of the values one shard receives when records are partitioned by
 * group key. Without `keep`, exactly `zipfSampler(random, pool.length, 1.1)`, so existing batches keep
 * their bytes.
 *
 * @throws {Error} when `keep` accepts no value of the pool.
 * @example
 * const nextIp = keptSampler(random, ips, (ip) => shardOfKey(ip, 4) === 0);
 */
export const keptSampler = (
  random: SeededRandom,
  pool: readonly string[],
  keep?: (key: string) => boolean,
): (() => number) => {
  const next = zipfSampler(random, pool.length, 1.1);
  if (keep === undefined) return next;
  if (!pool.some(keep)) throw new Error('keepGroup accepts no value of the key pool');
  return () => {
    for (;;) {
      const i = next();
      if (keep(pool[i] as string)) return i;
    }
  };
};
