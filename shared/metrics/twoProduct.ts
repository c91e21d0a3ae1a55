const SPLITTER = 134_217_729; // 2^27 + 1 (Veltkamp split for binary64)

/**
 * Error-free product (Dekker): writes `hi + lo === a * b` exactly into `out`, with `hi = fl(a * b)`.
 * Lets weighted sums and variances be accumulated exactly with {@link ExactSum}.
 * Exact unless the product overflows or underflows.
 *
 * @example
 * const out = [0, 0]; twoProduct(0.1, 3, out); // out[0] + out[1] is exactly 0.1 * 3
 */
export const twoProduct = (a: number, b: number, out: number[]): void => {
  const hi = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  out[0] = hi;
  out[1] = Number.isFinite(hi) ? aLo * bLo - (hi - aHi * bHi - aLo * bHi - aHi * bLo) : 0;
};
