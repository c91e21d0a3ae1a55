import type { SeededRandom } from './SeededRandom.ts';

/**
 * Draws ranks 0…n−1 with Zipf-like probabilities (rank k has weight 1/(k+1)^s): a few items get most draws,
 * as client IPs, URL paths or products do in real traffic.
 *
 * @example
 * const zipf = new ZipfSampler(100, 1.1);
 * const ip = ips[zipf.sample(random)]; // ips[0] is by far the most frequent
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  public constructor(
    public readonly n: number,
    public readonly exponent: number,
  ) {
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      total += 1 / (k + 1) ** exponent;
      this.cumulative[k] = total;
    }
    for (let k = 0; k < n; k++) this.cumulative[k] = (this.cumulative[k] as number) / total;
  }

  /** Probability of rank `k`. */
  public probability(k: number): number {
    return (this.cumulative[k] ?? 0) - (k === 0 ? 0 : (this.cumulative[k - 1] ?? 0));
  }

  /** A rank in [0, n). */
  public sample(random: SeededRandom): number {
    const u = random.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
