import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, CodecError } from '../../shared/codec/index.ts';
import {
  ExactSum,
  QUANTILE_SKETCH_MAX_BINS,
  QUANTILE_SKETCH_TAG,
  QuantileSketch,
  SketchError,
} from '../../shared/sketch/index.ts';

const sketchOf = (values: readonly number[], alpha = 0.01): QuantileSketch => {
  const sketch = new QuantileSketch(alpha);
  for (const value of values) sketch.add(value);
  return sketch;
};

const merged = (alpha: number, ...parts: QuantileSketch[]): QuantileSketch => {
  const sketch = new QuantileSketch(alpha);
  for (const part of parts) sketch.mergeInPlace(part);
  return sketch;
};

/** The rank definition the sketch documents: the item of 0-based rank floor(q (n - 1)). */
const exactQuantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.floor(q * (sorted.length - 1))] as number;

const QUANTILES = Array.from({ length: 101 }, (_, i) => i / 100).concat([0.999, 0.9999]);

/** Quantiles whose estimate is further than alpha (relative) from the exact value. */
const inaccurate = (
  values: readonly number[],
  alpha: number,
): { q: number; exact: number; estimate: number | null }[] => {
  const sketch = sketchOf(values, alpha);
  const sorted = [...values].sort((a, b) => a - b);
  return QUANTILES.map((q) => ({ q, exact: exactQuantile(sorted, q), estimate: sketch.quantile(q) })).filter(
    ({ exact, estimate }) =>
      estimate === null || Math.abs(estimate - exact) > alpha * Math.abs(exact) * (1 + 1e-9),
  );
};

/** Deterministic PRNG (mulberry32). */
const random = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const gaussian = (next: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());

const datasets: Record<string, (n: number, seed: number) => number[]> = {
  uniform: (n, seed) => {
    const next = random(seed);
    return Array.from({ length: n }, () => next() * 1000);
  },
  lognormal: (n, seed) => {
    const next = random(seed);
    return Array.from({ length: n }, () => Math.exp(3 + 1.5 * gaussian(next)));
  },
  'normal with negatives and 10 % zeros': (n, seed) => {
    const next = random(seed);
    return Array.from({ length: n }, () => (next() < 0.1 ? 0 : 100 * gaussian(next)));
  },
  'integers with many ties': (n, seed) => {
    const next = random(seed);
    return Array.from({ length: n }, () => Math.floor(next() * 20) - 5);
  },
};

/** Finite values whose magnitudes stay in [1e-6, 1e9] or are 0: 2048 bins cover them without collapsing. */
const moderate = fc.oneof(
  fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
  fc.double({ min: -1e9, max: -1e-6, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1),
  fc.integer({ min: -1000, max: 1000 }),
);
/** Any finite values: wide ranges force collapsing. */
const anyFinite = fc.oneof(moderate, fc.double({ noNaN: true, noDefaultInfinity: true }));
const alphas = fc.constantFrom(0.01, 0.02, 0.05);

describe('Class: QuantileSketch', () => {
  describe.each(Object.keys(datasets))('accuracy on %s data', (name) => {
    it.each([
      { n: 100, alpha: 0.01 },
      { n: 10_000, alpha: 0.01 },
      { n: 10_000, alpha: 0.05 },
    ])('every quantile of $n values is within alpha = $alpha', ({ n, alpha }) => {
      // Prepare
      const values = (datasets[name] as (n: number, seed: number) => number[])(n, n + 7);

      // Act
      const misses = inaccurate(values, alpha);

      // Assess
      expect(misses).toStrictEqual([]);
    });
  });

  it('every quantile of random data is within alpha of the exact quantile', () => {
    fc.assert(
      fc.property(alphas, fc.array(moderate, { minLength: 1, maxLength: 200 }), (alpha, values) => {
        // Act
        const misses = inaccurate(values, alpha);

        // Assess
        expect(misses).toStrictEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('reports count, exact min and max, and the correctly rounded sum', () => {
    fc.assert(
      fc.property(fc.array(anyFinite, { minLength: 1, maxLength: 100 }), (values) => {
        // Prepare
        const exact = new ExactSum();
        for (const value of values) exact.add(value);

        // Act
        const sketch = sketchOf(values);

        // Assess
        expect(sketch.count).toStrictEqual(values.length);
        expect(sketch.min).toStrictEqual(Math.min(...values) + 0);
        expect(sketch.max).toStrictEqual(Math.max(...values) + 0);
        expect(sketch.sum).toStrictEqual(exact.value());
      }),
    );
  });

  it('answers null, and count and sum 0, when empty', () => {
    // Act
    const sketch = new QuantileSketch();

    // Assess
    expect([sketch.quantile(0.5), sketch.min, sketch.max, sketch.count, sketch.sum]).toStrictEqual([
      null,
      null,
      null,
      0,
      0,
    ]);
  });

  it('clamps estimates to the exact min and max', () => {
    // Prepare
    const single = sketchOf([100.3]);
    const pair = sketchOf([-7.77, 1234.5]);

    // Act
    const ends = [single.quantile(0), single.quantile(1), pair.quantile(0), pair.quantile(1)];

    // Assess
    expect(ends).toStrictEqual([100.3, 100.3, -7.77, 1234.5]);
  });

  it('merges associatively and commutatively, with the empty sketch as identity', () => {
    fc.assert(
      fc.property(
        alphas,
        fc.array(anyFinite, { maxLength: 60 }),
        fc.array(anyFinite, { maxLength: 60 }),
        fc.array(anyFinite, { maxLength: 60 }),
        (alpha, xs, ys, zs) => {
          // Prepare
          const [a, b, c] = [sketchOf(xs, alpha), sketchOf(ys, alpha), sketchOf(zs, alpha)];

          // Act
          const left = merged(alpha, merged(alpha, a, b), c);
          const right = merged(alpha, a, merged(alpha, b, c));
          const swapped = merged(alpha, b, a);
          const withEmpty = merged(alpha, a, new QuantileSketch(alpha));

          // Assess
          expect(right.encode()).toStrictEqual(left.encode());
          expect(swapped.encode()).toStrictEqual(merged(alpha, a, b).encode());
          expect(withEmpty.encode()).toStrictEqual(a.encode());
        },
      ),
    );
  });

  it('a merged sketch equals the sketch of the concatenation, whatever the order of adds', () => {
    fc.assert(
      fc.property(
        alphas,
        fc.array(anyFinite, { maxLength: 100 }),
        fc.array(anyFinite, { maxLength: 100 }),
        (alpha, xs, ys) => {
          // Prepare
          const whole = sketchOf([...ys, ...xs].reverse(), alpha);

          // Act
          const parts = sketchOf(xs, alpha);
          parts.mergeInPlace(sketchOf(ys, alpha));

          // Assess
          expect(parts.encode()).toStrictEqual(whole.encode());
          expect(QUANTILES.map((q) => parts.quantile(q))).toStrictEqual(
            QUANTILES.map((q) => whole.quantile(q)),
          );
        },
      ),
    );
  });

  it('round-trips through encode and decode', () => {
    fc.assert(
      fc.property(alphas, fc.array(anyFinite, { maxLength: 100 }), (alpha, values) => {
        // Prepare
        const sketch = sketchOf(values, alpha);

        // Act
        const decoded = QuantileSketch.decode(sketch.encode());

        // Assess
        expect(decoded.encode()).toStrictEqual(sketch.encode());
        expect(QUANTILES.map((q) => decoded.quantile(q))).toStrictEqual(
          QUANTILES.map((q) => sketch.quantile(q)),
        );
        expect([decoded.count, decoded.min, decoded.max, decoded.sum, decoded.alpha]).toStrictEqual([
          sketch.count,
          sketch.min,
          sketch.max,
          sketch.sum,
          sketch.alpha,
        ]);
        decoded.add(42);
        sketch.add(42);
        expect(decoded.encode()).toStrictEqual(sketch.encode());
      }),
    );
  });

  it('collapses the lowest magnitudes past the bin limit, keeping high quantiles accurate', () => {
    // Prepare: magnitudes from 1e-300 to 1e300 need ~69,000 bins at alpha = 0.01.
    const values = Array.from({ length: 601 }, (_, i) => 10 ** (i - 300));
    const sorted = [...values].sort((a, b) => a - b);

    // Act
    const sketch = sketchOf(values);
    const shuffled = sketchOf([...values].reverse());

    // Assess
    expect(shuffled.encode()).toStrictEqual(sketch.encode());
    expect(sketch.count).toStrictEqual(601);
    // Only the top 2048 keys (a ratio of about 6e17: 1e283 to 1e300) keep their accuracy.
    for (const q of [0.98, 0.99, 1]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs((sketch.quantile(q) as number) - exact)).toBeLessThanOrEqual(0.01 * exact * (1 + 1e-9));
    }
    // Collapsed values are reported at the lowest kept bin: never below the exact value.
    expect(sketch.quantile(0.1) as number).toBeGreaterThan(exactQuantile(sorted, 0.1));
    // 2048 kept bins at most, of which only the non-empty ones are encoded.
    expect(sketch.encode().length).toBeLessThan(2 * QUANTILE_SKETCH_MAX_BINS);
  });

  it.each([
    { name: '4 latencies', values: [12.5, 15.1, 18.9, 250.2], maxBytes: 60 },
    { name: '100 latencies', values: datasets.lognormal?.(100, 1) ?? [], maxBytes: 400 },
  ])('encodes $name compactly (at most $maxBytes bytes)', ({ values, maxBytes }) => {
    // Act
    const bytes = sketchOf(values).encode();

    // Assess
    expect(bytes.length).toBeLessThanOrEqual(maxBytes);
  });

  it('clones independently and merges with itself', () => {
    // Prepare
    const sketch = sketchOf([1, 2, 3]);

    // Act
    const copy = sketch.clone();
    copy.add(4);
    sketch.mergeInPlace(sketch);

    // Assess
    expect(sketch.encode()).toStrictEqual(sketchOf([1, 2, 3, 1, 2, 3]).encode());
    expect(copy.encode()).toStrictEqual(sketchOf([1, 2, 3, 4]).encode());
  });

  it('refuses to merge different alphas', () => {
    // Prepare
    const sketch = new QuantileSketch(0.01);

    // Act & Assess
    expect(() => sketch.mergeInPlace(new QuantileSketch(0.02))).toThrow(
      new SketchError('Cannot merge QuantileSketch of alpha 0.02 into alpha 0.01'),
    );
  });

  it.each([0, 1, -0.1, Number.NaN])('refuses alpha %s', (alpha) => {
    // Act & Assess
    expect(() => new QuantileSketch(alpha)).toThrow(SketchError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses the value %s', (value) => {
    // Act & Assess
    expect(() => new QuantileSketch().add(value)).toThrow(SketchError);
  });

  it.each([-0.1, 1.1, Number.NaN])('refuses the quantile %s', (q) => {
    // Act & Assess
    expect(() => sketchOf([1]).quantile(q)).toThrow(SketchError);
  });

  it('rejects truncated bytes and trailing bytes with CodecError', () => {
    fc.assert(
      fc.property(fc.array(anyFinite, { maxLength: 30 }), (values) => {
        // Prepare
        const bytes = sketchOf(values).encode();

        // Act & Assess
        for (let length = 0; length < bytes.length; length++) {
          expect(() => QuantileSketch.decode(bytes.subarray(0, length))).toThrow(CodecError);
        }
        expect(() => QuantileSketch.decode(Uint8Array.of(...bytes, 0))).toThrow(CodecError);
      }),
      { numRuns: 50 },
    );
  });

  const header = (): ByteWriter => new ByteWriter().byte(QUANTILE_SKETCH_TAG).float64(0.01);
  it.each([
    { name: 'another tag', bytes: Uint8Array.of(0x41, 0, 0) },
    { name: 'alpha 0', bytes: new ByteWriter().byte(QUANTILE_SKETCH_TAG).float64(0).uvarint(0).finish() },
    {
      name: 'a zero bin count',
      bytes: header().uvarint(0).uvarint(0).uvarint(1).svarint(5).uvarint(0).finish(),
    },
    {
      name: 'a key past the largest double',
      bytes: header().uvarint(0).uvarint(0).uvarint(1).svarint(40_000).uvarint(2).finish(),
    },
    {
      name: 'bins spanning more than the limit',
      bytes: header()
        .uvarint(0)
        .uvarint(0)
        .uvarint(2)
        .svarint(0)
        .uvarint(2)
        .uvarint(3)
        .uvarint(3000)
        .finish(),
    },
    {
      name: 'min above max',
      bytes: header()
        .uvarint(1)
        .uvarint(0)
        .uvarint(0)
        .float64(1)
        .float64(0)
        .byte(0x41)
        .svarint(0)
        .uvarint(0)
        .finish(),
    },
  ])('rejects corrupt bytes: $name', ({ bytes }) => {
    // Act & Assess
    expect(() => QuantileSketch.decode(bytes)).toThrow(CodecError);
  });
});
