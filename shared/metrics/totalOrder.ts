/**
 * A total order on finite numbers that also orders -0 before +0, so that min, max, first and last pick
 * the same value whatever order records arrive or states merge in.
 *
 * @example
 * lessThan(-0, 0); // true
 */
export const lessThan = (a: number, b: number): boolean =>
  a < b || (a === 0 && b === 0 && Object.is(a, -0) && !Object.is(b, -0));
