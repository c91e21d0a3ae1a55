/**
 * Seed of the first MurmurHash3 pass. Persisted through HyperLogLog registers: never change it.
 */
export const HASH_SEED_1 = 0;

/**
 * Seed of the second MurmurHash3 pass. Persisted through HyperLogLog registers: never change it.
 */
export const HASH_SEED_2 = 0x9747b28c;

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// Streaming state, module-level so that hashing allocates nothing. JavaScript is single-threaded and
// `hashString` never yields, so the state cannot be observed half-way.
let h1 = 0;
let h2 = 0;
let pending = 0;
let pendingBits = 0;
let byteLength = 0;

const mix = (block: number): number => {
  const k = Math.imul(block, C1);
  return Math.imul((k << 15) | (k >>> 17), C2);
};

const pushByte = (b: number): void => {
  pending |= b << pendingBits;
  pendingBits += 8;
  byteLength++;
  if (pendingBits === 32) {
    // The block mixing (k1 in the reference) does not depend on the seed: compute it once for both passes.
    const k = mix(pending);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 ^= k;
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
    pending = 0;
    pendingBits = 0;
  }
};

const finalMix = (h: number): number => {
  let x = h ^ byteLength;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
};

/**
 * Hashes a string to 64 bits: two MurmurHash3 x86_32 passes, seeds {@link HASH_SEED_1} and
 * {@link HASH_SEED_2}, over the string's **UTF-8** bytes (lone surrogates are encoded as U+FFFD,
 * exactly as `TextEncoder` does). `out[0]` and `out[1]` are exactly
 * `murmur3_x86_32(new TextEncoder().encode(value), seed)` for the two seeds, so the hash can be
 * reproduced by any MurmurHash3 implementation. The result is persisted inside sketch state: the
 * algorithm, seeds and byte encoding must never change.
 *
 * The string is encoded on the fly (no buffer) and both passes share one loop; nothing is allocated
 * when `out` is passed in. Not a cryptographic hash: chosen inputs can be made to collide.
 *
 * @param value - the string to hash
 * @param out - where the two unsigned 32-bit halves are written (default: a new array)
 * @returns `out`
 *
 * @example
 * const scratch = new Uint32Array(2);
 * hashString('GET /index.html', scratch);
 * const [high, low] = scratch;
 */
export const hashString = (value: string, out: Uint32Array = new Uint32Array(2)): Uint32Array => {
  h1 = HASH_SEED_1 | 0;
  h2 = HASH_SEED_2 | 0;
  pending = 0;
  pendingBits = 0;
  byteLength = 0;
  const length = value.length;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) {
      pushByte(c);
    } else if (c < 0x800) {
      pushByte(0xc0 | (c >> 6));
      pushByte(0x80 | (c & 0x3f));
    } else if ((c & 0xf800) !== 0xd800) {
      pushByte(0xe0 | (c >> 12));
      pushByte(0x80 | ((c >> 6) & 0x3f));
      pushByte(0x80 | (c & 0x3f));
    } else {
      const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && (next & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        pushByte(0xf0 | (cp >> 18));
        pushByte(0x80 | ((cp >> 12) & 0x3f));
        pushByte(0x80 | ((cp >> 6) & 0x3f));
        pushByte(0x80 | (cp & 0x3f));
        i++;
      } else {
        // Lone surrogate: U+FFFD, as TextEncoder writes it.
        pushByte(0xef);
        pushByte(0xbf);
        pushByte(0xbd);
      }
    }
  }
  if (pendingBits > 0) {
    const k = mix(pending);
    h1 ^= k;
    h2 ^= k;
  }
  out[0] = finalMix(h1);
  out[1] = finalMix(h2);
  return out;
};
