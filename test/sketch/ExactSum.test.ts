import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, CodecError } from '../../shared/codec/index.ts';
import { ExactSum, SketchError } from '../../shared/sketch/index.ts';

const MAX = Number.MAX_VALUE;

const sumOf = (values: readonly number[]): ExactSum => {
  const sum = new ExactSum();
  for (const value of values) sum.add(value);
  return sum;
};

const merged = (...parts: ExactSum[]): ExactSum => {
  const sum = new ExactSum();
  for (const part of parts) sum.mergeInPlace(part);
  return sum;
};

/** Exact value of a finite double in units of 2^-1074, read from its bits (independent of the implementation). */
const units = (value: number): bigint => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const magnitude = exponent === 0 ? fraction : (fraction + (1n << 52n)) << BigInt(exponent - 1);
  return bits >> 63n === 1n ? -magnitude : magnitude;
};

/** Correctly rounded exact sum: the exact total written in decimal and parsed by Number (which rounds correctly). */
const referenceSum = (values: readonly number[]): number => {
  let total = 0n;
  for (const value of values) total += units(value);
  if (total === 0n) return 0;
  const negative = total < 0n;
  const digits = ((negative ? -total : total) * 5n ** 1074n).toString();
  return Number(`${negative ? '-' : ''}${digits}e-1074`);
};

const finiteDouble = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 10),
  fc.constantFrom(MAX, -MAX, 1e308, -1e308, 1e100, -1e100, 1, -1, 0.1, 2 ** -1074, -(2 ** -1074), 2 ** 53),
);
const values = fc.array(finiteDouble, { maxLength: 40 });

/** Deterministic permutation of `items` driven by `keys`. */
const permute = <T>(items: readonly T[], keys: readonly number[]): T[] =>
  items
    .map((item, i) => [keys[i % Math.max(keys.length, 1)] ?? 0, i, item] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, , item]) => item);

describe('Class: ExactSum', () => {
  describe.each([
    { name: 'empty', inputs: [], expected: 0 },
    { name: 'cancellation around a small value', inputs: [1e100, 1, -1e100], expected: 1 },
    { name: '0.1 added ten times', inputs: Array.from({ length: 10 }, () => 0.1), expected: 1 },
    {
      name: 'fsum documentation case',
      inputs: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
      expected: 1,
    },
    { name: 'catastrophic cancellation', inputs: [1, 1e16, 1, -1e16], expected: 2 },
    { name: 'tiny subnormals', inputs: [2 ** -1074, 2 ** -1074, -(2 ** -1073)], expected: 0 },
    { name: 'intermediate overflow that comes back', inputs: [MAX, MAX, -MAX], expected: MAX },
    { name: 'overflow to +Infinity', inputs: [MAX, MAX], expected: Number.POSITIVE_INFINITY },
    { name: 'overflow to -Infinity', inputs: [-MAX, -MAX, 1], expected: Number.NEGATIVE_INFINITY },
    { name: 'overflow cancelled exactly', inputs: [MAX, MAX, -MAX, -MAX], expected: 0 },
    { name: 'half-way case rounds to even', inputs: [1, 2 ** -53], expected: 1 },
    { name: 'half-way case with a sticky bit', inputs: [1, 2 ** -53, 2 ** -200], expected: 1 + 2 ** -52 },
  ])('known case: $name', ({ inputs, expected }) => {
    it('returns the correctly rounded sum in any order and grouping', () => {
      // Prepare
      const forward = sumOf(inputs);
      const backward = sumOf([...inputs].reverse());
      const split = merged(sumOf(inputs.slice(0, 1)), sumOf(inputs.slice(1)));

      // Act
      const results = [forward.value(), backward.value(), split.value()];

      // Assess
      expect(results).toStrictEqual([expected, expected, expected]);
      expect(backward.encode()).toStrictEqual(forward.encode());
      expect(split.encode()).toStrictEqual(forward.encode());
    });
  });

  it('equals the exact BigInt reference, correctly rounded', () => {
    fc.assert(
      fc.property(values, (inputs) => {
        // Prepare
        const sum = sumOf(inputs);

        // Act
        const value = sum.value();

        // Assess
        expect(value).toStrictEqual(referenceSum(inputs));
      }),
      { numRuns: 300 },
    );
  });

  it('handles intermediate overflow exactly, in any order', () => {
    const huge = fc.constantFrom(MAX, -MAX, 1e308, -1e308, 2 ** 1023, -(2 ** 1023), MAX / 3, 1, 2 ** -1074);
    fc.assert(
      fc.property(
        fc.array(huge, { maxLength: 60 }),
        fc.array(fc.integer(), { minLength: 1 }),
        (inputs, keys) => {
          // Prepare
          const shuffled = permute(inputs, keys);

          // Act
          const a = sumOf(inputs);
          const b = sumOf(shuffled);

          // Assess
          expect(a.value()).toStrictEqual(referenceSum(inputs));
          expect(b.encode()).toStrictEqual(a.encode());
          expect(ExactSum.decode(a.encode()).value()).toStrictEqual(a.value());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is independent of the order of adds (value and bytes)', () => {
    fc.assert(
      fc.property(values, fc.array(fc.integer(), { minLength: 1 }), (inputs, keys) => {
        // Prepare
        const shuffled = permute(inputs, keys);

        // Act
        const a = sumOf(inputs);
        const b = sumOf(shuffled);

        // Assess
        expect(b.value()).toStrictEqual(a.value());
        expect(b.encode()).toStrictEqual(a.encode());
      }),
    );
  });

  it('merges associatively and commutatively, with the empty sum as identity', () => {
    fc.assert(
      fc.property(values, values, values, (xs, ys, zs) => {
        // Prepare
        const [a, b, c] = [sumOf(xs), sumOf(ys), sumOf(zs)];

        // Act
        const left = merged(merged(a, b), c);
        const right = merged(a, merged(b, c));
        const swapped = merged(b, a);
        const withEmpty = merged(a, new ExactSum());

        // Assess
        expect(right.encode()).toStrictEqual(left.encode());
        expect(swapped.encode()).toStrictEqual(merged(a, b).encode());
        expect(withEmpty.encode()).toStrictEqual(a.encode());
        expect(left.value()).toStrictEqual(referenceSum([...xs, ...ys, ...zs]));
      }),
    );
  });

  it('folding a concatenation equals merging the folds', () => {
    fc.assert(
      fc.property(values, values, (xs, ys) => {
        // Prepare
        const whole = sumOf([...xs, ...ys]);

        // Act
        const parts = sumOf(xs);
        parts.mergeInPlace(sumOf(ys));

        // Assess
        expect(parts.encode()).toStrictEqual(whole.encode());
      }),
    );
  });

  it('round-trips through encode and decode', () => {
    fc.assert(
      fc.property(values, (inputs) => {
        // Prepare
        const sum = sumOf(inputs);

        // Act
        const decoded = ExactSum.decode(sum.encode());

        // Assess
        expect(decoded.encode()).toStrictEqual(sum.encode());
        expect(decoded.value()).toStrictEqual(sum.value());
        decoded.add(1);
        sum.add(1);
        expect(decoded.value()).toStrictEqual(sum.value());
      }),
    );
  });

  it('exposes the exact total as a canonical expansion of finite doubles', () => {
    const huge = fc.constantFrom(MAX, -MAX, 2 ** 1023, 1, 2 ** -1074);
    fc.assert(
      fc.property(fc.oneof(values, fc.array(huge, { maxLength: 8 })), (inputs) => {
        // Prepare
        const sum = sumOf(inputs);

        // Act
        const parts = sum.partials();

        // Assess
        const total = inputs.reduce((acc, x) => acc + units(x), 0n);
        if (!Number.isFinite(sum.value())) {
          expect(parts).toStrictEqual([sum.value()]);
          return;
        }
        expect(parts.reduce((acc, x) => acc + units(x), 0n)).toStrictEqual(total);
        expect(parts[0] ?? 0).toStrictEqual(sum.value());
        parts.forEach((part, i) => {
          expect(part).not.toStrictEqual(0);
          if (i > 0) expect(Math.abs(part)).toBeLessThanOrEqual(Math.abs(parts[i - 1] as number) * 2 ** -53);
        });
        expect(sumOf([...inputs].reverse()).partials()).toStrictEqual(parts);
      }),
      { numRuns: 300 },
    );
  });

  it('clones independently and merges with itself', () => {
    // Prepare
    const sum = sumOf([0.1, 0.2]);

    // Act
    const copy = sum.clone();
    copy.add(1);
    sum.mergeInPlace(sum);

    // Assess
    expect(sum.value()).toStrictEqual(referenceSum([0.1, 0.2, 0.1, 0.2]));
    expect(copy.value()).toStrictEqual(referenceSum([0.1, 0.2, 1]));
  });

  it('reports an exact zero as +0', () => {
    // Prepare
    const sum = sumOf([-0, -0]);

    // Act
    const value = sum.value();

    // Assess
    expect(Object.is(value, 0)).toBe(true);
  });

  it('encodes small sums in a few bytes', () => {
    // Prepare
    const cases = [[], [42], [0.1, 0.2, 0.3]];

    // Act
    const sizes = cases.map((inputs) => sumOf(inputs).encode().length);

    // Assess
    expect(sizes).toStrictEqual([3, 11, 19]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects %s', (bad) => {
    // Prepare
    const sum = new ExactSum();

    // Act & Assess
    expect(() => sum.add(bad)).toThrow(
      new SketchError(`ExactSum accepts finite numbers only (given ${bad})`),
    );
  });

  it('rejects truncated bytes and trailing bytes with CodecError', () => {
    fc.assert(
      fc.property(values, (inputs) => {
        // Prepare
        const bytes = sumOf(inputs).encode();

        // Act & Assess
        for (let length = 0; length < bytes.length; length++) {
          expect(() => ExactSum.decode(bytes.subarray(0, length))).toThrow(CodecError);
        }
        expect(() => ExactSum.decode(Uint8Array.of(...bytes, 0))).toThrow(CodecError);
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    { name: 'another tag', bytes: Uint8Array.of(0x21, 0, 0) },
    {
      name: 'a NaN part',
      bytes: new ByteWriter().byte(0x41).svarint(0).uvarint(1).float64(Number.NaN).finish(),
    },
    { name: 'a zero part', bytes: new ByteWriter().byte(0x41).svarint(0).uvarint(1).float64(0).finish() },
    { name: 'too many parts', bytes: new ByteWriter().byte(0x41).svarint(0).uvarint(41).finish() },
  ])('rejects corrupt bytes: $name', ({ bytes }) => {
    // Act & Assess
    expect(() => ExactSum.decode(bytes)).toThrow(CodecError);
  });
});
