import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HASH_SEED_1, HASH_SEED_2, hashString } from '../../shared/sketch/index.ts';

/** Straightforward MurmurHash3 x86_32 over bytes, as in the reference C implementation. */
const murmur3 = (bytes: Uint8Array, seed: number): number => {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));
  let h = seed | 0;
  const blocks = bytes.length >> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < blocks; i++) {
    let k = view.getUint32(i * 4, true);
    k = Math.imul(rotl(Math.imul(k, c1), 15), c2);
    h = (Math.imul(rotl(h ^ k, 13), 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    for (let i = rest - 1; i >= 0; i--) k = (k << 8) | (bytes[tail + i] as number);
    h ^= Math.imul(rotl(Math.imul(k, c1), 15), c2);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

const encoder = new TextEncoder();

describe('Function: hashString', () => {
  it.each([
    { input: '', seed: 0, expected: 0 },
    { input: '', seed: 1, expected: 0x514e28b7 },
    { input: 'hello', seed: 0, expected: 0x248bfa47 },
    { input: 'abc', seed: 0, expected: 0xb3dd93fa },
    { input: 'The quick brown fox jumps over the lazy dog', seed: 0x9747b28c, expected: 0x2fa826cd },
  ])(
    'reference MurmurHash3 agrees with published vector ($input, seed $seed)',
    ({ input, seed, expected }) => {
      // Act
      const hash = murmur3(encoder.encode(input), seed);

      // Assess
      expect(hash).toStrictEqual(expected);
    },
  );

  it.each([
    { input: '', expected: [0, 0xebb6c228] },
    { input: 'hello', expected: [0x248bfa47, 0x5d7f56e8] },
    { input: 'The quick brown fox jumps over the lazy dog', expected: [0x2e4ff723, 0x2fa826cd] },
    {
      input: 'é€😀',
      expected: [murmur3(encoder.encode('é€😀'), 0), murmur3(encoder.encode('é€😀'), 0x9747b28c)],
    },
  ])('is pinned: hashString($input)', ({ input, expected }) => {
    // Act
    const hash = [...hashString(input)];

    // Assess
    expect(hash).toStrictEqual(expected);
  });

  it('equals MurmurHash3 x86_32 of the UTF-8 bytes for both seeds, lone surrogates included', () => {
    const anyUtf16 = fc
      .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0x7f })), {
        maxLength: 40,
      })
      .map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), anyUtf16), (input) => {
        // Prepare
        const bytes = encoder.encode(input);

        // Act
        const hash = [...hashString(input)];

        // Assess
        expect(hash).toStrictEqual([murmur3(bytes, HASH_SEED_1), murmur3(bytes, HASH_SEED_2)]);
      }),
      { numRuns: 200 },
    );
  });

  it('writes into the array it is given', () => {
    // Prepare
    const out = new Uint32Array(2);

    // Act
    const result = hashString('x', out);

    // Assess
    expect(result).toBe(out);
    expect([...out]).toStrictEqual([
      murmur3(encoder.encode('x'), 0),
      murmur3(encoder.encode('x'), 0x9747b28c),
    ]);
  });
});
