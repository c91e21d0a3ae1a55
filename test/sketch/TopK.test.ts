import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter, CodecError } from '../../shared/codec/index.ts';
import { type HeavyHitter, SketchError, TOP_K_TAG, TopK } from '../../shared/sketch/index.ts';

type Item = readonly [string, number];

const summaryOf = (items: readonly Item[], k = 3, capacity?: number): TopK => {
  const top = capacity === undefined ? new TopK(k) : new TopK(k, capacity);
  for (const [value, weight] of items) top.add(value, weight);
  return top;
};

const merged = (k: number, capacity: number, ...parts: TopK[]): TopK => {
  const top = new TopK(k, capacity);
  for (const part of parts) top.mergeInPlace(part);
  return top;
};

const exactCounts = (items: readonly Item[]): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const [value, weight] of items) counts.set(value, (counts.get(value) ?? 0) + weight);
  return counts;
};

const exactTop = (items: readonly Item[], k: number): HeavyHitter[] =>
  [...exactCounts(items)]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, k)
    .map(([value, count]) => ({ value, count }));

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

/** `n` paths drawn from a Zipf(s) law over `distinct` paths. */
const zipfPaths = (n: number, distinct: number, s: number, seed: number): string[] => {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= distinct; rank++) {
    total += rank ** -s;
    cumulative.push(total);
  }
  const next = random(seed);
  return Array.from({ length: n }, () => {
    const u = next() * total;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return `/api/v1/items/${lo}`;
  });
};

/** Few distinct values (at most 12, under the default capacity 32 for k = 3): counts stay exact. */
const fewItems = fc.array(
  fc.tuple(
    fc.constantFrom('a', 'b', 'c', '/x', '/y', 'é', '😀', '', 'z', 'zz', 'A', 'B'),
    fc.integer({ min: 1, max: 50 }),
  ),
  {
    maxLength: 80,
  },
);
/** Up to 61 distinct values, past a capacity of 8: counters get reduced. */
const manyItems = fc.array(
  fc.tuple(
    fc.nat(60).map((n) => `v${n}`),
    fc.integer({ min: 1, max: 20 }),
  ),
  { maxLength: 150 },
);

describe('Class: TopK', () => {
  it('is exact while distinct values fit the capacity', () => {
    fc.assert(
      fc.property(fewItems, (items) => {
        // Act
        const top = summaryOf(items);

        // Assess
        expect(top.top()).toStrictEqual(exactTop(items, 3));
        expect(top.total).toStrictEqual(items.reduce((sum, [, weight]) => sum + weight, 0));
        expect(top.errorBound).toStrictEqual(0);
      }),
    );
  });

  it('sorts by count descending, then value ascending', () => {
    // Prepare
    const top = new TopK(4);

    // Act
    for (const value of ['b', 'a', 'c', 'c', 'd', 'd']) top.add(value);

    // Assess
    expect(top.top()).toStrictEqual([
      { value: 'c', count: 2 },
      { value: 'd', count: 2 },
      { value: 'a', count: 1 },
      { value: 'b', count: 1 },
    ]);
  });

  it('merges associatively and commutatively while distinct values fit, with the empty summary as identity', () => {
    fc.assert(
      fc.property(fewItems, fewItems, fewItems, (xs, ys, zs) => {
        // Prepare
        const [a, b, c] = [summaryOf(xs), summaryOf(ys), summaryOf(zs)];

        // Act
        const left = merged(3, 32, merged(3, 32, a, b), c);
        const right = merged(3, 32, a, merged(3, 32, b, c));
        const swapped = merged(3, 32, b, a);
        const withEmpty = merged(3, 32, a, new TopK(3));

        // Assess
        expect(right.encode()).toStrictEqual(left.encode());
        expect(swapped.encode()).toStrictEqual(merged(3, 32, a, b).encode());
        expect(withEmpty.encode()).toStrictEqual(a.encode());
      }),
    );
  });

  it('folding a concatenation equals merging the folds while distinct values fit', () => {
    fc.assert(
      fc.property(fewItems, fewItems, (xs, ys) => {
        // Prepare
        const whole = summaryOf([...ys, ...xs].reverse());

        // Act
        const parts = summaryOf(xs);
        parts.mergeInPlace(summaryOf(ys));

        // Assess
        expect(parts.encode()).toStrictEqual(whole.encode());
      }),
    );
  });

  it('merges commutatively past the capacity too', () => {
    fc.assert(
      fc.property(manyItems, manyItems, (xs, ys) => {
        // Prepare
        const [a, b] = [summaryOf(xs, 3, 8), summaryOf(ys, 3, 8)];

        // Act
        const ab = merged(3, 8, a, b);
        const ba = merged(3, 8, b, a);

        // Assess
        expect(ba.encode()).toStrictEqual(ab.encode());
      }),
    );
  });

  it('undercounts every value by at most errorBound <= total / (capacity + 1), under adds and merges', () => {
    fc.assert(
      fc.property(manyItems, manyItems, manyItems, fc.boolean(), (xs, ys, zs, leftFirst) => {
        // Prepare: k = capacity, so that top() lists every counter.
        const [a, b, c] = [summaryOf(xs, 8, 8), summaryOf(ys, 8, 8), summaryOf(zs, 8, 8)];

        // Act
        const top = leftFirst ? merged(8, 8, merged(8, 8, a, b), c) : merged(8, 8, a, merged(8, 8, b, c));

        // Assess
        const exact = exactCounts([...xs, ...ys, ...zs]);
        const estimated = new Map(top.top().map(({ value, count }) => [value, count]));
        expect(top.errorBound).toBeLessThanOrEqual(top.total / 9);
        for (const [value, count] of exact) {
          const error = count - (estimated.get(value) ?? 0);
          expect(error).toBeGreaterThanOrEqual(0);
          expect(error).toBeLessThanOrEqual(top.errorBound);
        }
      }),
    );
  });

  it('finds the true heavy hitters of skewed data, within the error bound', () => {
    // Prepare: 100,000 requests over 10,000 paths, Zipf(1.2), fed as 10 merged batches.
    const paths = zipfPaths(100_000, 10_000, 1.2, 42);
    const batches = Array.from({ length: 10 }, (_, i) =>
      summaryOf(
        paths.slice(i * 10_000, (i + 1) * 10_000).map((path) => [path, 1] as const),
        5,
      ),
    );

    // Act
    const top = merged(5, 32, ...batches);

    // Assess
    const exact = exactCounts(paths.map((path) => [path, 1] as const));
    const truth = exactTop(
      paths.map((path) => [path, 1] as const),
      5,
    );
    expect(top.top().map(({ value }) => value)).toStrictEqual(truth.map(({ value }) => value));
    expect(top.total).toStrictEqual(100_000);
    expect(top.errorBound).toBeLessThanOrEqual(100_000 / 33);
    for (const { value, count } of top.top()) {
      expect((exact.get(value) as number) - count).toBeGreaterThanOrEqual(0);
      expect((exact.get(value) as number) - count).toBeLessThanOrEqual(top.errorBound);
    }
  });

  it('round-trips through encode and decode', () => {
    fc.assert(
      fc.property(fc.oneof(fewItems, manyItems), (items) => {
        // Prepare
        const top = summaryOf(items, 3, 8);

        // Act
        const decoded = TopK.decode(top.encode());

        // Assess
        expect(decoded.encode()).toStrictEqual(top.encode());
        expect(decoded.top()).toStrictEqual(top.top());
        expect([decoded.total, decoded.errorBound, decoded.k, decoded.capacity]).toStrictEqual([
          top.total,
          top.errorBound,
          3,
          8,
        ]);
        decoded.add('new');
        top.add('new');
        expect(decoded.encode()).toStrictEqual(top.encode());
      }),
    );
  });

  it('stores a lone surrogate as U+FFFD, so that it survives encoding', () => {
    // Prepare
    const top = new TopK(2);

    // Act
    top.add('a\uD800');
    top.add('a\uFFFD');

    // Assess
    expect(top.top()).toStrictEqual([{ value: 'a\uFFFD', count: 2 }]);
    expect(TopK.decode(top.encode()).top()).toStrictEqual(top.top());
  });

  it('encodes k = 5 over short paths in about 20 bytes per counter', () => {
    // Prepare
    const top = summaryOf(
      zipfPaths(10_000, 1_000, 1.1, 7).map((path) => [path, 1] as const),
      5,
    );

    // Act
    const bytes = top.encode();

    // Assess
    expect(bytes.length).toBeLessThanOrEqual(32 * 22 + 10);
  });

  it('clones independently and merges with itself', () => {
    // Prepare
    const top = summaryOf([
      ['a', 2],
      ['b', 1],
    ]);

    // Act
    const copy = top.clone();
    copy.add('c');
    top.mergeInPlace(top);

    // Assess
    expect(top.top()).toStrictEqual([
      { value: 'a', count: 4 },
      { value: 'b', count: 2 },
    ]);
    expect(copy.total).toStrictEqual(4);
  });

  it('uses a capacity of max(4k, 32) by default', () => {
    // Act
    const capacities = [new TopK(1).capacity, new TopK(8).capacity, new TopK(10).capacity];

    // Assess
    expect(capacities).toStrictEqual([32, 32, 40]);
  });

  it('refuses to merge different parameters', () => {
    // Prepare
    const top = new TopK(5);

    // Act & Assess
    expect(() => top.mergeInPlace(new TopK(5, 64))).toThrow(
      new SketchError('Cannot merge TopK of k 5 and capacity 64 into k 5 and capacity 32'),
    );
  });

  it.each([
    { k: 0, capacity: 32 },
    { k: 1.5, capacity: 32 },
    { k: 5, capacity: 4 },
  ])('refuses k = $k with capacity $capacity', ({ k, capacity }) => {
    // Act & Assess
    expect(() => new TopK(k, capacity)).toThrow(SketchError);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the weight %s', (weight) => {
    // Act & Assess
    expect(() => new TopK(1).add('a', weight)).toThrow(SketchError);
  });

  it('rejects truncated bytes and trailing bytes with CodecError', () => {
    fc.assert(
      fc.property(manyItems, (items) => {
        // Prepare
        const bytes = summaryOf(items, 3, 8).encode();

        // Act & Assess
        for (let length = 0; length < bytes.length; length++) {
          expect(() => TopK.decode(bytes.subarray(0, length))).toThrow(CodecError);
        }
        expect(() => TopK.decode(Uint8Array.of(...bytes, 0))).toThrow(CodecError);
      }),
      { numRuns: 50 },
    );
  });

  const header = (total: number, n: number): ByteWriter =>
    new ByteWriter().byte(TOP_K_TAG).uvarint(2).uvarint(4).uvarint(total).uvarint(n);
  it.each([
    { name: 'another tag', bytes: Uint8Array.of(0x41, 0, 0) },
    {
      name: 'capacity below k',
      bytes: new ByteWriter().byte(TOP_K_TAG).uvarint(5).uvarint(4).uvarint(0).uvarint(0).finish(),
    },
    { name: 'more counters than the capacity', bytes: header(10, 5).finish() },
    { name: 'a zero counter', bytes: header(1, 1).string('a').uvarint(0).finish() },
    {
      name: 'counters out of order',
      bytes: header(2, 2).string('b').uvarint(1).string('a').uvarint(1).finish(),
    },
    { name: 'a duplicate value', bytes: header(2, 2).string('a').uvarint(1).string('a').uvarint(1).finish() },
    { name: 'counters above the total', bytes: header(1, 1).string('a').uvarint(2).finish() },
    { name: 'invalid UTF-8', bytes: header(1, 1).bytes(Uint8Array.of(0xff)).uvarint(1).finish() },
  ])('rejects corrupt bytes: $name', ({ bytes }) => {
    // Act & Assess
    expect(() => TopK.decode(bytes)).toThrow(CodecError);
  });
});
