import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../shared/codec/index.ts';
import { HLL_DENSE_TAG, HLL_SPARSE_TAG, HyperLogLog, SketchError } from '../../shared/sketch/index.ts';

const sketchOf = (values: readonly string[], precision = 14): HyperLogLog => {
  const hll = new HyperLogLog(precision);
  for (const value of values) hll.add(value);
  return hll;
};

const merged = (precision: number, ...parts: HyperLogLog[]): HyperLogLog => {
  const hll = new HyperLogLog(precision);
  for (const part of parts) hll.mergeInPlace(part);
  return hll;
};

/** Adds `n` distinct values of the run `seed` and returns the relative error of the estimate. */
const relativeError = (n: number, seed: number, precision = 14): number => {
  const hll = new HyperLogLog(precision);
  for (let i = 0; i < n; i++) hll.add(`run-${seed}-item-${i}`);
  return Math.abs(hll.estimate() - n) / n;
};

/** Registers parsed from either encoding, independently of the implementation. */
const registersOf = (bytes: Uint8Array): number[] => {
  const m = 2 ** (bytes[1] as number);
  const registers = new Array<number>(m).fill(0);
  let offset = 2;
  const uvarint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[offset++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  if (bytes[0] === HLL_SPARSE_TAG) {
    const n = uvarint();
    let index = -1;
    for (let i = 0; i < n; i++) {
      const word = uvarint();
      index += Math.floor(word / 64) + 1;
      registers[index] = (word % 64) + 1;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const bit = i * 6;
      const pair = (bytes[2 + (bit >> 3)] as number) | ((bytes[3 + (bit >> 3)] ?? 0) << 8);
      registers[i] = (pair >> (bit & 7)) & 63;
    }
  }
  return registers;
};

/** Ertl (2017), algorithm 6, written out from the paper. */
const ertl = (registers: readonly number[], p: number): number => {
  const m = registers.length;
  const q = 64 - p;
  const c = new Array<number>(q + 2).fill(0);
  for (const r of registers) c[r] = (c[r] as number) + 1;
  const sigma = (x0: number): number => {
    if (x0 === 1) return Number.POSITIVE_INFINITY;
    let [x, y, z] = [x0, 1, x0];
    for (;;) {
      x *= x;
      const next = z + x * y;
      if (next === z) return z;
      z = next;
      y *= 2;
    }
  };
  const tau = (x0: number): number => {
    if (x0 === 0 || x0 === 1) return 0;
    let [x, y, z] = [x0, 1, 1 - x0];
    for (;;) {
      x = Math.sqrt(x);
      y /= 2;
      const next = z - (1 - x) ** 2 * y;
      if (next === z) return z / 3;
      z = next;
    }
  };
  let z = m * tau(1 - (c[q + 1] as number) / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + (c[k] as number));
  z += m * sigma((c[0] as number) / m);
  return m ** 2 / (2 * Math.LN2 * z);
};

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

const precisions = fc.integer({ min: 4, max: 10 });
const items = fc.array(fc.oneof(fc.string({ maxLength: 4 }), fc.nat(5000).map(String)), { maxLength: 300 });

describe('Class: HyperLogLog', () => {
  describe.each([
    { n: 1_000, seeds: 10 },
    { n: 10_000, seeds: 8 },
    { n: 100_000, seeds: 4 },
    { n: 1_000_000, seeds: 2 },
  ])('accuracy at precision 14 for $n distinct values', ({ n, seeds }) => {
    it(`has a mean relative error of at most 2 % over ${seeds} runs`, () => {
      // Prepare
      const runs = Array.from({ length: seeds }, (_, seed) => seed);

      // Act
      const errors = runs.map((seed) => relativeError(n, seed));

      // Assess
      expect(mean(errors)).toBeLessThanOrEqual(0.02);
      expect(Math.max(...errors)).toBeLessThanOrEqual(0.04);
    });
  });

  it.each([1, 2, 3, 5, 10, 20])('is exact within 1 %% for %i distinct values', (n) => {
    // Prepare
    const runs = Array.from({ length: 10 }, (_, seed) => seed);

    // Act
    const errors = runs.map((seed) => relativeError(n, seed));

    // Assess
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.01);
  });

  it.each([50, 100, 200, 500])('has a mean relative error of at most 1 %% for %i distinct values', (n) => {
    // Prepare
    const runs = Array.from({ length: 30 }, (_, seed) => seed);

    // Act
    const errors = runs.map((seed) => relativeError(n, seed));

    // Assess
    expect(mean(errors)).toBeLessThanOrEqual(0.01);
  });

  it('ignores duplicates', () => {
    // Prepare
    const hll = sketchOf(['a', 'b', 'c']);

    // Act
    for (let i = 0; i < 1000; i++) hll.add(['a', 'b', 'c'][i % 3] as string);

    // Assess
    expect(Math.round(hll.estimate())).toStrictEqual(3);
    expect(hll.encode()).toStrictEqual(sketchOf(['c', 'b', 'a']).encode());
  });

  it('estimates 0 when empty', () => {
    // Act
    const hll = new HyperLogLog();

    // Assess
    expect(hll.estimate()).toStrictEqual(0);
    expect(hll.precision).toStrictEqual(14);
    expect(hll.encode()).toStrictEqual(Uint8Array.of(HLL_SPARSE_TAG, 14, 0));
  });

  it('keeps estimates continuous across the sparse to dense transitions', () => {
    // Prepare: at precision 10, memory turns dense past 256 set registers (about 290 values), the
    // encoding at about 1,180 values. One new value changes the estimate by about m / (empty registers).
    const hll = new HyperLogLog(10);
    const estimates: number[] = [];
    const tags = new Set<number>();

    // Act
    for (let i = 0; i < 1300; i++) {
      hll.add(`value-${i}`);
      estimates.push(hll.estimate());
      tags.add(hll.encode()[0] as number);
    }

    // Assess
    const jumps = estimates.slice(1).map((e, i) => e - (estimates[i] as number));
    // Linear counting's slope m / (empty registers) ≈ exp(n / m), doubled for slack.
    const excess = jumps.filter((jump, i) => jump > 2 * Math.exp((estimates[i] as number) / 1024));
    expect(tags).toStrictEqual(new Set([HLL_SPARSE_TAG, HLL_DENSE_TAG]));
    expect(Math.min(...jumps)).toBeGreaterThanOrEqual(0);
    expect(excess).toStrictEqual([]);
    expect(Math.abs((estimates[1299] as number) - 1300) / 1300).toBeLessThan(0.1);
  });

  it.each([
    { p: 10, n: 100 },
    { p: 10, n: 280 },
    { p: 10, n: 300 },
    { p: 10, n: 5_000 },
    { p: 4, n: 3 },
    { p: 4, n: 1_000 },
    { p: 14, n: 20_000 },
  ])('estimates with Ertl’s formula over its registers (p = $p, n = $n, sparse or dense)', ({ p, n }) => {
    // Prepare
    const hll = sketchOf(
      Array.from({ length: n }, (_, i) => `r${i}`),
      p,
    );

    // Act
    const estimate = hll.estimate();

    // Assess
    expect(estimate).toBeCloseTo(ertl(registersOf(hll.encode()), p), 9);
  });

  it.each([
    { n: 1, maxBytes: 6 },
    { n: 10, maxBytes: 40 },
    { n: 100, maxBytes: 300 },
    { n: 1_000, maxBytes: 2_200 },
  ])('encodes $n distinct values sparsely in at most $maxBytes bytes', ({ n, maxBytes }) => {
    // Prepare
    const hll = sketchOf(Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`));

    // Act
    const bytes = hll.encode();

    // Assess
    expect(bytes[0]).toStrictEqual(HLL_SPARSE_TAG);
    expect(bytes.length).toBeLessThanOrEqual(maxBytes);
  });

  it('encodes a saturated sketch densely in 0.75 bytes per register', () => {
    // Prepare
    const hll = sketchOf(
      Array.from({ length: 100_000 }, (_, i) => `x${i}`),
      12,
    );

    // Act
    const bytes = hll.encode();

    // Assess
    expect(bytes[0]).toStrictEqual(HLL_DENSE_TAG);
    expect(bytes.length).toStrictEqual(2 + 3072);
  });

  it('merges associatively and commutatively, with the empty sketch as identity', () => {
    fc.assert(
      fc.property(precisions, items, items, items, (p, xs, ys, zs) => {
        // Prepare
        const [a, b, c] = [sketchOf(xs, p), sketchOf(ys, p), sketchOf(zs, p)];

        // Act
        const left = merged(p, merged(p, a, b), c);
        const right = merged(p, a, merged(p, b, c));
        const swapped = merged(p, b, a);
        const withEmpty = merged(p, a, new HyperLogLog(p));

        // Assess
        expect(right.encode()).toStrictEqual(left.encode());
        expect(swapped.encode()).toStrictEqual(merged(p, a, b).encode());
        expect(withEmpty.encode()).toStrictEqual(a.encode());
        expect(right.estimate()).toStrictEqual(left.estimate());
      }),
    );
  });

  it('folding a concatenation equals merging the folds, in any order of adds', () => {
    fc.assert(
      fc.property(precisions, items, items, (p, xs, ys) => {
        // Prepare
        const whole = sketchOf([...ys, ...xs].reverse(), p);

        // Act
        const parts = sketchOf(xs, p);
        parts.mergeInPlace(sketchOf(ys, p));

        // Assess
        expect(parts.encode()).toStrictEqual(whole.encode());
        expect(parts.estimate()).toStrictEqual(whole.estimate());
      }),
    );
  });

  it('round-trips through encode and decode', () => {
    fc.assert(
      fc.property(precisions, items, (p, xs) => {
        // Prepare
        const hll = sketchOf(xs, p);

        // Act
        const decoded = HyperLogLog.decode(hll.encode());

        // Assess
        expect(decoded.encode()).toStrictEqual(hll.encode());
        expect(decoded.estimate()).toStrictEqual(hll.estimate());
        expect(decoded.precision).toStrictEqual(p);
        decoded.add('one more');
        hll.add('one more');
        expect(decoded.encode()).toStrictEqual(hll.encode());
      }),
    );
  });

  it('clones independently and merges with itself', () => {
    // Prepare
    const hll = sketchOf(['a', 'b']);
    const before = hll.encode();

    // Act
    const copy = hll.clone();
    copy.add('c');
    hll.mergeInPlace(hll);

    // Assess
    expect(hll.encode()).toStrictEqual(before);
    expect(copy.encode()).toStrictEqual(sketchOf(['a', 'b', 'c']).encode());
  });

  it('refuses to merge different precisions', () => {
    // Prepare
    const hll = new HyperLogLog(14);

    // Act & Assess
    expect(() => hll.mergeInPlace(new HyperLogLog(12))).toThrow(
      new SketchError('Cannot merge HyperLogLog of precision 12 into precision 14'),
    );
  });

  it.each([3, 19, 14.5, Number.NaN])('refuses precision %s', (precision) => {
    // Act & Assess
    expect(() => new HyperLogLog(precision)).toThrow(SketchError);
  });

  it('rejects truncated bytes and trailing bytes with CodecError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 6 }), items, (p, xs) => {
        // Prepare
        const bytes = sketchOf(xs, p).encode();

        // Act & Assess
        for (let length = 0; length < bytes.length; length++) {
          expect(() => HyperLogLog.decode(bytes.subarray(0, length))).toThrow(CodecError);
        }
        expect(() => HyperLogLog.decode(Uint8Array.of(...bytes, 0))).toThrow(CodecError);
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    { name: 'another tag', bytes: Uint8Array.of(0x21, 14, 0) },
    { name: 'precision 3', bytes: Uint8Array.of(HLL_SPARSE_TAG, 3, 0) },
    { name: 'precision 19', bytes: Uint8Array.of(HLL_DENSE_TAG, 19) },
    {
      name: 'a dense register above 65 - p',
      bytes: Uint8Array.of(HLL_DENSE_TAG, 4, ...new Array(12).fill(0xff)),
    },
    { name: 'a sparse register above 65 - p', bytes: Uint8Array.of(HLL_SPARSE_TAG, 4, 1, 62) },
    {
      name: 'a sparse index past the registers',
      bytes: Uint8Array.of(HLL_SPARSE_TAG, 4, 1, 16 * 64 - 64 + 0x80, 0),
    },
    { name: 'more sparse entries than registers', bytes: Uint8Array.of(HLL_SPARSE_TAG, 4, 17) },
  ])('rejects corrupt bytes: $name', ({ bytes }) => {
    // Act & Assess
    expect(() => HyperLogLog.decode(bytes)).toThrow(CodecError);
  });
});
