import { ByteReader, ByteWriter, CodecError } from '../codec/index.ts';
import { SketchError } from './errors.ts';

/** First byte of an {@link ExactSum} encoding (format version 1). */
export const EXACT_SUM_TAG = 0x41;

/** A canonical expansion of a finite value below 2^1023 has at most ⌈2098 / 53⌉ = 40 parts. */
const MAX_ENCODED_PARTS = 40;
const TWO_POW_1023 = 2 ** 1023;
const TWO_POW_1022 = 2 ** 1022;
/** 2^1023 expressed in units of 2^-1074 (the smallest subnormal). */
const UNIT_BIG = 1n << 2097n;

/**
 * A Shewchuk expansion: `length` non-overlapping, non-zero doubles of increasing magnitude in
 * `parts`, whose exact sum is the running total.
 */
interface Expansion {
  parts: Float64Array;
  length: number;
}

const newExpansion = (capacity = 4): Expansion => ({ parts: new Float64Array(capacity), length: 0 });

const copyExpansion = (e: Expansion): Expansion => ({ parts: e.parts.slice(), length: e.length });

/**
 * Adds `input` to the expansion in place (Shewchuk's grow-expansion, as CPython's `math.fsum`). When
 * an intermediate sum would overflow, a whole 2^1023 is split off exactly; the returned integer is
 * how many such units (signed) the caller must carry.
 */
const grow = (e: Expansion, input: number): number => {
  const partials = e.parts;
  let carried = 0;
  let x = input;
  let i = 0;
  for (let j = 0; j < e.length; j++) {
    let y = partials[j] as number;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    let hi = x + y;
    while (!Number.isFinite(hi)) {
      // |x| >= |y| and |x + y| >= 2^1024, so |x| >= 2^1023 and x ∓ 2^1023 is exact.
      if (x > 0) {
        x -= TWO_POW_1023;
        carried++;
      } else {
        x += TWO_POW_1023;
        carried--;
      }
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      hi = x + y;
    }
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  if (x !== 0) {
    if (i === partials.length) {
      const bigger = new Float64Array(partials.length * 2);
      bigger.set(partials);
      e.parts = bigger;
    }
    e.parts[i++] = x;
  }
  e.length = i;
  return carried;
};

/** Correctly rounded (half to even) sum of an expansion, as the last step of CPython's `math.fsum`. */
const roundExpansion = (e: Expansion): number => {
  const partials = e.parts;
  let n = e.length;
  if (n === 0) return 0;
  let hi = partials[--n] as number;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n] as number;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  if (n > 0) {
    const next = partials[n - 1] as number;
    if ((lo < 0 && next < 0) || (lo > 0 && next > 0)) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
  }
  return hi;
};

const scratchFloat = new Float64Array(1);
const scratchBits = new BigUint64Array(scratchFloat.buffer);

/** The exact value of a finite double, as an integer number of 2^-1074 units. */
const toUnits = (value: number): bigint => {
  scratchFloat[0] = value;
  const bits = scratchBits[0] as bigint;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const magnitude = exponent === 0 ? fraction : (fraction | 0x10000000000000n) << BigInt(exponent - 1);
  return bits >> 63n === 0n ? magnitude : -magnitude;
};

/** Correctly rounded (half to even) double nearest to `units` × 2^-1074; ±Infinity past the range. */
const fromUnits = (units: bigint): number => {
  if (units === 0n) return 0;
  const negative = units < 0n;
  const a = negative ? -units : units;
  const bits = a.toString(2).length;
  let result: number;
  if (bits <= 1023) {
    // Number(bigint) rounds half to even; the power-of-two scalings are then exact.
    result = Number(a) * 2 ** -1000 * 2 ** -74;
  } else {
    // Keep 55 bits plus a sticky bit so that Number() rounds exactly once, correctly.
    const shift = bits - 55;
    let top = a >> BigInt(shift);
    if (top << BigInt(shift) !== a) top |= 1n;
    result = Number(top) * 2 ** (shift - 1074);
  }
  return negative ? -result : result;
};

/**
 * Exact floating-point summation: keeps the running total as Shewchuk's non-overlapping partials
 * (the algorithm of Python's `math.fsum`), so {@link ExactSum.value} is the correctly rounded sum of
 * every input. The result is therefore independent of the order of adds and merges: retried or
 * bisected batches give bit-identical sums.
 *
 * Inputs must be finite (`add` throws {@link SketchError} otherwise). The exact total may exceed the
 * double range: whole multiples of 2^1023 are then carried in a separate integer, so intermediate
 * overflow never loses information (`[MAX_VALUE, MAX_VALUE, -MAX_VALUE]` sums to `MAX_VALUE` in any
 * order); `value()` returns ±Infinity only when the exact total itself rounds beyond ±MAX_VALUE. An
 * exact zero total is reported as `+0`.
 *
 * Cost: a few floating-point operations per partial (usually 1–3 partials) per add; BigInt is used
 * only to normalise totals at or beyond 2^1022 in magnitude.
 *
 * Encoding (canonical: depends only on the exact total): tag byte `0x41`, svarint `carry` (multiples
 * of 2^1023), uvarint `n`, then `n` float64 forming the greedy expansion of the remainder (each part
 * the correctly rounded value of what is left, largest first).
 *
 * @example
 * const s = new ExactSum();
 * for (const x of [1e100, 1, -1e100]) s.add(x);
 * s.value(); // 1
 */
export class ExactSum {
  private expansion = newExpansion();
  /** Signed count of 2^1023 units split off the partials when a sum overflowed. */
  private carry = 0;

  /**
   * Adds a finite number.
   *
   * @example
   * sum.add(0.1);
   */
  public add(value: number): void {
    if (!Number.isFinite(value))
      throw new SketchError(`ExactSum accepts finite numbers only (given ${value})`);
    this.carry += grow(this.expansion, value);
  }

  /**
   * Adds the exact total of `other` into this sum; `other` is unchanged.
   *
   * @example
   * a.mergeInPlace(b);
   */
  public mergeInPlace(other: ExactSum): void {
    const source = other.expansion;
    const count = source.length;
    const parts = other === this ? source.parts.slice(0, count) : source.parts;
    const carry = other.carry;
    for (let i = 0; i < count; i++) this.carry += grow(this.expansion, parts[i] as number);
    this.carry += carry;
  }

  /**
   * An independent copy.
   *
   * @example
   * const copy = sum.clone();
   */
  public clone(): ExactSum {
    const copy = new ExactSum();
    copy.expansion = copyExpansion(this.expansion);
    copy.carry = this.carry;
    return copy;
  }

  /**
   * The correctly rounded (half to even) sum of every input; `0` when empty.
   *
   * @example
   * new ExactSum().value(); // 0
   */
  public value(): number {
    if (this.carry === 0) {
      const rounded = roundExpansion(this.expansion);
      if (Math.abs(rounded) < TWO_POW_1023) return rounded + 0;
    }
    return fromUnits(this.toUnits());
  }

  /**
   * A non-overlapping expansion of the exact total, largest first: finite doubles whose exact sum is
   * the total, each the correctly rounded value of what the previous ones leave (so the first is
   * `value()`). Use it to compute exactly with the total (e.g. error-free products). When the total
   * rounds beyond the double range, the result is `[value()]`, that is `[±Infinity]`. `[]` for zero.
   *
   * @example
   * const s = new ExactSum();
   * s.add(1);
   * s.add(2 ** -60);
   * s.partials(); // [1, 2 ** -60]
   */
  public partials(): number[] {
    const [carry, parts] = this.canonical();
    if (carry === 0) return parts;
    let units = this.toUnits();
    const first = fromUnits(units);
    if (!Number.isFinite(first)) return [first];
    const result: number[] = [];
    while (units !== 0n) {
      const part = fromUnits(units);
      result.push(part);
      units -= toUnits(part);
    }
    return result;
  }

  /**
   * Canonical bytes for this total (see the class documentation for the layout).
   *
   * @example
   * const bytes = sum.encode();
   */
  public encode(): Uint8Array {
    const writer = new ByteWriter(32);
    this.write(writer);
    return writer.finish();
  }

  /**
   * Appends the canonical encoding to `writer`, for composite states.
   *
   * @example
   * sum.write(writer);
   */
  public write(writer: ByteWriter): void {
    const [carry, parts] = this.canonical();
    writer.byte(EXACT_SUM_TAG).svarint(carry).uvarint(parts.length);
    for (const part of parts) writer.float64(part);
  }

  /**
   * Decodes what {@link ExactSum.encode} wrote.
   *
   * @throws CodecError when the bytes are truncated, corrupt, of another type or have trailing bytes
   * @example
   * const copy = ExactSum.decode(sum.encode());
   */
  public static decode(bytes: Uint8Array): ExactSum {
    const reader = new ByteReader(bytes);
    const sum = ExactSum.read(reader);
    reader.expectEnd();
    return sum;
  }

  /**
   * Reads one encoded sum from `reader`, for composite states.
   *
   * @throws CodecError when the bytes are truncated or corrupt
   * @example
   * const sum = ExactSum.read(reader);
   */
  public static read(reader: ByteReader): ExactSum {
    const tag = reader.byte();
    if (tag !== EXACT_SUM_TAG) {
      throw new CodecError(`Expected an ExactSum (tag ${EXACT_SUM_TAG}), found tag ${tag}`);
    }
    const sum = new ExactSum();
    const carry = reader.svarint();
    const n = reader.uvarint();
    if (n > MAX_ENCODED_PARTS)
      throw new CodecError(`ExactSum holds ${n} parts (at most ${MAX_ENCODED_PARTS})`);
    for (let i = 0; i < n; i++) {
      const part = reader.float64();
      if (!Number.isFinite(part) || part === 0) {
        throw new CodecError(`ExactSum part ${i} is ${part}; parts are finite and non-zero`);
      }
      sum.carry += grow(sum.expansion, part);
    }
    sum.carry += carry;
    if (!Number.isSafeInteger(sum.carry)) throw new CodecError(`ExactSum carry ${carry} is out of range`);
    return sum;
  }

  private toUnits(): bigint {
    let units = BigInt(this.carry) * UNIT_BIG;
    for (let i = 0; i < this.expansion.length; i++) units += toUnits(this.expansion.parts[i] as number);
    return units;
  }

  /** Canonical form of the exact total: [carry, greedy expansion of the remainder, largest first]. */
  private canonical(): [number, number[]] {
    const parts: number[] = [];
    if (this.carry === 0 && Math.abs(roundExpansion(this.expansion)) < TWO_POW_1022) {
      const work = copyExpansion(this.expansion);
      while (work.length > 0) {
        const part = roundExpansion(work);
        parts.push(part);
        grow(work, -part);
      }
      return [0, parts];
    }
    let units = this.toUnits();
    const carry = units / UNIT_BIG;
    units -= carry * UNIT_BIG;
    while (units !== 0n) {
      const part = fromUnits(units);
      parts.push(part);
      units -= toUnits(part);
    }
    return [Number(carry), parts];
  }
}
