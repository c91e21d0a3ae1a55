import type { SeededRandom } from './prng.ts';

/**
 * A log-normal draw (Box–Muller): response sizes and latencies have this long-tailed shape.
 *
 * @example
 * logNormal(random, 20, 0.8); // median 20
 */
export const logNormal = (random: SeededRandom, median: number, sigma: number): number => {
  const u = 1 - random.next();
  const v = random.next();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(sigma * normal);
};

/**
 * An HTTP status: mostly 200, some 304/404, about 1 % 5xx.
 *
 * @example
 * httpStatus(random); // 200
 */
export const httpStatus = (random: SeededRandom): number => {
  const r = random.next();
  if (r < 0.9) return 200;
  if (r < 0.94) return 304;
  if (r < 0.985) return 404;
  if (r < 0.993) return 500;
  return 503;
};
