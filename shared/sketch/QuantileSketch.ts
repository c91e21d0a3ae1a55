import { ByteReader, ByteWriter, CodecError } from '../codec/index.ts';
import { ExactSum } from './ExactSum.ts';
import { SketchError } from './errors.ts';

/** First byte of a {@link QuantileSketch} encoding (format version 1). */
export const QUANTILE_SKETCH_TAG = 0x21;

/**
 * Most bins each of the two stores (positive and negative magnitudes) keeps. Past it, the lowest
 * magnitudes are collapsed into the lowest kept bin. Part of the encoding format: never change it.
 */
export const QUANTILE_SKETCH_MAX_BINS = 2048;

/** Magnitudes below the smallest normal double are counted as zero. */
const MIN_INDEXABLE = 2 ** -1022;

/**
 * Integer counts per bin key, dense over the key range [minKey, maxKey], keeping at most
 * {@link QUANTILE_SKETCH_MAX_BINS} keys: every key below `maxKey - MAX_BINS + 1` is counted in that
 * bin instead. The rule makes the state a function of the multiset of keys added, whatever the order
 * of adds and merges.
 */
class CollapsingStore {
  private counts = new Float64Array(0);
  /** Key stored at `counts[0]`. */
  private offset = 0;
  public minKey = 0;
  public maxKey = -1;
  public total = 0;

  public add(key: number, count: number): void {
    if (this.total === 0) {
      this.minKey = key;
      this.maxKey = key;
      this.cover(key, key);
    } else if (key > this.maxKey) {
      const floor = key - QUANTILE_SKETCH_MAX_BINS + 1;
      if (floor > this.minKey) {
        let folded = 0;
        const end = Math.min(this.maxKey, floor - 1);
        for (let k = this.minKey; k <= end; k++) {
          folded += this.counts[k - this.offset] as number;
          this.counts[k - this.offset] = 0;
        }
        this.minKey = floor;
        this.maxKey = key;
        this.cover(floor, key);
        this.counts[floor - this.offset] = (this.counts[floor - this.offset] as number) + folded;
      } else {
        this.maxKey = key;
        this.cover(this.minKey, key);
      }
    } else if (key < this.minKey) {
      this.minKey = Math.max(key, this.maxKey - QUANTILE_SKETCH_MAX_BINS + 1);
      this.cover(this.minKey, this.maxKey);
    }
    const index = Math.max(key, this.minKey) - this.offset;
    this.counts[index] = (this.counts[index] as number) + count;
    this.total += count;
  }

  /** Makes `counts` span [lo, hi]; the old content is copied for the keys in [minKey, maxKey]. */
  private cover(lo: number, hi: number): void {
    if (lo >= this.offset && hi < this.offset + this.counts.length) return;
    const span = hi - lo + 1;
    const length = Math.max(32, span * 2);
    const offset = lo - ((length - span) >> 1);
    const counts = new Float64Array(length);
    const from = Math.max(this.offset, lo);
    const to = Math.min(this.offset + this.counts.length - 1, hi);
    for (let k = from; k <= to; k++) counts[k - offset] = this.counts[k - this.offset] as number;
    this.counts = counts;
    this.offset = offset;
  }

  public count(key: number): number {
    return this.counts[key - this.offset] as number;
  }

  public mergeFrom(other: CollapsingStore): void {
    if (other.total === 0) return;
    // Highest first, so the collapse floor is settled by the first add.
    for (let k = other.maxKey; k >= other.minKey; k--) {
      const c = other.count(k);
      if (c > 0) this.add(k, c);
    }
  }

  public clone(): CollapsingStore {
    const copy = new CollapsingStore();
    copy.counts = this.counts.slice();
    copy.offset = this.offset;
    copy.minKey = this.minKey;
    copy.maxKey = this.maxKey;
    copy.total = this.total;
    return copy;
  }

  public write(writer: ByteWriter): void {
    if (this.total === 0) {
      writer.uvarint(0);
      return;
    }
    let bins = 0;
    for (let k = this.minKey; k <= this.maxKey; k++) if (this.count(k) > 0) bins++;
    writer.uvarint(bins).svarint(this.minKey);
    let previous = this.minKey - 1;
    for (let k = this.minKey; k <= this.maxKey; k++) {
      const c = this.count(k);
      if (c === 0) continue;
      const gap = k - previous - 1;
      writer.uvarint(c * 2 + (gap > 0 ? 1 : 0));
      if (gap > 0) writer.uvarint(gap - 1);
      previous = k;
    }
  }

  public static read(reader: ByteReader, minKey: number, maxKey: number, what: string): CollapsingStore {
    const store = new CollapsingStore();
    const bins = reader.uvarint();
    if (bins === 0) return store;
    if (bins > QUANTILE_SKETCH_MAX_BINS) {
      throw new CodecError(
        `QuantileSketch ${what} store holds ${bins} bins (at most ${QUANTILE_SKETCH_MAX_BINS})`,
      );
    }
    const keys: number[] = [];
    const counts: number[] = [];
    let key = reader.svarint();
    for (let i = 0; i < bins; i++) {
      const word = reader.uvarint();
      const count = Math.floor(word / 2);
      if (word % 2 === 1) key += reader.uvarint() + 1;
      if (count === 0) throw new CodecError(`QuantileSketch ${what} bin ${key} has a zero count`);
      keys.push(key);
      counts.push(count);
      key++;
    }
    const first = keys[0] as number;
    const last = keys[keys.length - 1] as number;
    if (first < minKey || last > maxKey) {
      throw new CodecError(
        `QuantileSketch ${what} bin keys [${first}, ${last}] exceed [${minKey}, ${maxKey}]`,
      );
    }
    if (last - first >= QUANTILE_SKETCH_MAX_BINS) {
      throw new CodecError(
        `QuantileSketch ${what} bins span ${last - first + 1} keys (at most ${QUANTILE_SKETCH_MAX_BINS})`,
      );
    }
    for (let i = keys.length - 1; i >= 0; i--) store.add(keys[i] as number, counts[i] as number);
    if (!Number.isSafeInteger(store.total))
      throw new CodecError(`QuantileSketch ${what} count is out of range`);
    return store;
  }
}

/**
 * DDSketch (Masson, Rim, Lee, VLDB 2019): quantiles with relative accuracy `alpha` over negative, zero
 * and positive finite values; mergeable exactly.
 *
 * **Own implementation**, not `@datadog/sketches-js`: that library's `merge` drops the negative store
 * (checked on 2.1.1: merging a sketch of `[-5, -6]` into one of `[1]` gives count 3 but no negative
 * bins), its collapsing store collapses according to its growth history (so state depends on the
 * order of adds), and the index mapping is persisted in our state, so it must not change with a
 * dependency upgrade. The algorithm is small: logarithmic mapping plus two collapsing stores.
 *
 * - Mapping: `gamma = (1 + alpha) / (1 - alpha)`; a magnitude `v` goes to key `ceil(ln v / ln gamma)`
 *   and the bin `(gamma^(k-1), gamma^k]` is represented by `2 gamma^k / (gamma + 1)`, within relative
 *   error `alpha` of every value in the bin. Magnitudes below 2^-1022 count as zero.
 * - Stores: positive and negative magnitudes in two stores of integer counts, at most
 *   {@link QUANTILE_SKETCH_MAX_BINS} (2048) bins each. Past that, bins below `maxKey - 2047` are folded
 *   into bin `maxKey - 2047`: the magnitudes closest to zero lose accuracy. At alpha = 0.01, 2048 bins
 *   span a ratio of about 6e17 (1 ns to 19 years), so collapsing is rare in practice.
 * - Because counts are integers and the collapse rule depends only on the largest key, merging in any
 *   order gives the identical state and identical bytes. `sum` is an {@link ExactSum} (correctly
 *   rounded, so also order independent); `min` and `max` are exact.
 * - Quantile rank: `quantile(q)` estimates the item of 0-based rank `floor(q * (count - 1))` in sorted
 *   order (the lower nearest rank). The result is within relative error `alpha` of that item, and is
 *   clamped to `[min, max]`; ranks 0 and `count - 1` return the exact `min` and `max`. (Bin keys come from `Math.log`; a value within an ulp of a bin boundary may
 *   land in the neighbouring bin, which changes the error by about 1e-15.)
 *
 * Encoding (canonical): tag `0x21`, float64 alpha, uvarint zero count, negative store, positive
 * store, then, when not empty, float64 min, float64 max and the {@link ExactSum} encoding of the sum.
 * A store is uvarint `bins` (non-empty bins), svarint first key, then per bin in key order
 * uvarint `2 * count + (gap > 0)` followed, when gap > 0, by uvarint `gap - 1` (empty keys skipped).
 *
 * @example
 * const sketch = new QuantileSketch(0.01);
 * for (const ms of [12, 15, 18, 250]) sketch.add(ms);
 * sketch.quantile(0.5); // ≈ 15 (within 1 %)
 */
export class QuantileSketch {
  private readonly gamma: number;
  private readonly multiplier: number;
  private readonly lnGamma: number;
  private readonly representativeFactor: number;
  private positive = new CollapsingStore();
  private negative = new CollapsingStore();
  private zeroCount = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;
  private total = new ExactSum();

  /**
   * @param alpha - relative accuracy, in (0, 1); default 0.01 (1 %)
   * @throws SketchError when `alpha` is outside (0, 1)
   * @example
   * const sketch = new QuantileSketch(); // alpha = 0.01
   */
  public constructor(public readonly alpha = 0.01) {
    if (!(alpha > 0 && alpha < 1)) {
      throw new SketchError(`QuantileSketch alpha must be between 0 and 1 exclusive (given ${alpha})`);
    }
    this.gamma = (1 + alpha) / (1 - alpha);
    this.lnGamma = Math.log1p((2 * alpha) / (1 - alpha));
    this.multiplier = 1 / this.lnGamma;
    this.representativeFactor = 2 / (1 + this.gamma);
  }

  private key(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) * this.multiplier);
  }

  private representative(key: number): number {
    return Math.exp(key * this.lnGamma) * this.representativeFactor;
  }

  /**
   * Adds one finite value.
   *
   * @throws SketchError when `value` is NaN or infinite
   * @example
   * sketch.add(42.5);
   */
  public add(value: number): void {
    if (!Number.isFinite(value))
      throw new SketchError(`QuantileSketch accepts finite numbers only (given ${value})`);
    const v = value + 0; // -0 → +0, so that min and max encode canonically
    if (v >= MIN_INDEXABLE) this.positive.add(this.key(v), 1);
    else if (v <= -MIN_INDEXABLE) this.negative.add(this.key(-v), 1);
    else this.zeroCount++;
    if (v < this.minValue) this.minValue = v;
    if (v > this.maxValue) this.maxValue = v;
    this.total.add(v);
  }

  /**
   * Adds every value of `other` into this sketch; `other` is unchanged.
   *
   * @throws SketchError when the two sketches have different `alpha`
   * @example
   * a.mergeInPlace(b);
   */
  public mergeInPlace(other: QuantileSketch): void {
    if (other.alpha !== this.alpha) {
      throw new SketchError(`Cannot merge QuantileSketch of alpha ${other.alpha} into alpha ${this.alpha}`);
    }
    const source = other === this ? other.clone() : other;
    this.positive.mergeFrom(source.positive);
    this.negative.mergeFrom(source.negative);
    this.zeroCount += source.zeroCount;
    if (source.minValue < this.minValue) this.minValue = source.minValue;
    if (source.maxValue > this.maxValue) this.maxValue = source.maxValue;
    this.total.mergeInPlace(source.total);
  }

  /**
   * An independent copy.
   *
   * @example
   * const copy = sketch.clone();
   */
  public clone(): QuantileSketch {
    const copy = new QuantileSketch(this.alpha);
    copy.positive = this.positive.clone();
    copy.negative = this.negative.clone();
    copy.zeroCount = this.zeroCount;
    copy.minValue = this.minValue;
    copy.maxValue = this.maxValue;
    copy.total = this.total.clone();
    return copy;
  }

  /**
   * Number of values added.
   *
   * @example
   * sketch.count; // 4
   */
  public get count(): number {
    return this.negative.total + this.zeroCount + this.positive.total;
  }

  /**
   * Smallest value added (exact), or `null` when empty.
   *
   * @example
   * sketch.min; // 12
   */
  public get min(): number | null {
    return this.count === 0 ? null : this.minValue;
  }

  /**
   * Largest value added (exact), or `null` when empty.
   *
   * @example
   * sketch.max; // 250
   */
  public get max(): number | null {
    return this.count === 0 ? null : this.maxValue;
  }

  /**
   * Correctly rounded sum of the values added (see {@link ExactSum}); `0` when empty.
   *
   * @example
   * sketch.sum; // 295
   */
  public get sum(): number {
    return this.total.value();
  }

  /**
   * Estimates the value of 0-based rank `floor(q * (count - 1))`, within relative error `alpha`,
   * clamped to `[min, max]` (exactly `min` for rank 0 and `max` for the last rank); `null` when the
   * sketch is empty.
   *
   * @param q - the quantile, in [0, 1]
   * @throws SketchError when `q` is outside [0, 1]
   * @example
   * const p99 = sketch.quantile(0.99);
   */
  public quantile(q: number): number | null {
    if (!(q >= 0 && q <= 1)) throw new SketchError(`Quantile must be between 0 and 1 inclusive (given ${q})`);
    const count = this.count;
    if (count === 0) return null;
    let rank = Math.floor(q * (count - 1));
    // The smallest and the largest items are known exactly.
    if (rank === 0) return this.minValue;
    if (rank === count - 1) return this.maxValue;
    let estimate = 0;
    if (rank < this.negative.total) {
      const store = this.negative;
      let seen = 0;
      for (let k = store.maxKey; k >= store.minKey; k--) {
        seen += store.count(k);
        if (seen > rank) {
          estimate = -this.representative(k);
          break;
        }
      }
    } else if (rank < this.negative.total + this.zeroCount) {
      estimate = 0;
    } else {
      rank -= this.negative.total + this.zeroCount;
      const store = this.positive;
      let seen = 0;
      for (let k = store.minKey; k <= store.maxKey; k++) {
        seen += store.count(k);
        if (seen > rank) {
          estimate = this.representative(k);
          break;
        }
      }
    }
    return Math.min(this.maxValue, Math.max(this.minValue, estimate));
  }

  /**
   * Canonical bytes for this sketch (see the class documentation for the layout).
   *
   * @example
   * const bytes = sketch.encode();
   */
  public encode(): Uint8Array {
    const writer = new ByteWriter(64);
    this.write(writer);
    return writer.finish();
  }

  /**
   * Appends the canonical encoding to `writer`, for composite states.
   *
   * @example
   * sketch.write(writer);
   */
  public write(writer: ByteWriter): void {
    writer.byte(QUANTILE_SKETCH_TAG).float64(this.alpha).uvarint(this.zeroCount);
    this.negative.write(writer);
    this.positive.write(writer);
    if (this.count > 0) {
      writer.float64(this.minValue).float64(this.maxValue);
      this.total.write(writer);
    }
  }

  /**
   * Decodes what {@link QuantileSketch.encode} wrote.
   *
   * @throws CodecError when the bytes are truncated, corrupt, of another type or have trailing bytes
   * @example
   * const copy = QuantileSketch.decode(sketch.encode());
   */
  public static decode(bytes: Uint8Array): QuantileSketch {
    const reader = new ByteReader(bytes);
    const sketch = QuantileSketch.read(reader);
    reader.expectEnd();
    return sketch;
  }

  /**
   * Reads one encoded sketch from `reader`, for composite states.
   *
   * @throws CodecError when the bytes are truncated or corrupt
   * @example
   * const sketch = QuantileSketch.read(reader);
   */
  public static read(reader: ByteReader): QuantileSketch {
    const tag = reader.byte();
    if (tag !== QUANTILE_SKETCH_TAG) {
      throw new CodecError(`Expected a QuantileSketch (tag ${QUANTILE_SKETCH_TAG}), found tag ${tag}`);
    }
    const alpha = reader.float64();
    if (!(alpha > 0 && alpha < 1)) throw new CodecError(`QuantileSketch alpha ${alpha} is outside (0, 1)`);
    const sketch = new QuantileSketch(alpha);
    const minKey = sketch.key(MIN_INDEXABLE);
    const maxKey = sketch.key(Number.MAX_VALUE);
    sketch.zeroCount = reader.uvarint();
    sketch.negative = CollapsingStore.read(reader, minKey, maxKey, 'negative');
    sketch.positive = CollapsingStore.read(reader, minKey, maxKey, 'positive');
    if (!Number.isSafeInteger(sketch.count)) throw new CodecError('QuantileSketch count is out of range');
    if (sketch.count > 0) {
      sketch.minValue = reader.float64();
      sketch.maxValue = reader.float64();
      if (
        !(
          Number.isFinite(sketch.minValue) &&
          Number.isFinite(sketch.maxValue) &&
          sketch.minValue <= sketch.maxValue
        )
      ) {
        throw new CodecError(
          `QuantileSketch min ${sketch.minValue} and max ${sketch.maxValue} are inconsistent`,
        );
      }
      sketch.total = ExactSum.read(reader);
    }
    return sketch;
  }
}
