import { ByteReader, ByteWriter, CodecError } from '../codec/index.ts';
import { SketchError } from './errors.ts';

/** First byte of a {@link TopK} encoding (format version 1). */
export const TOP_K_TAG = 0x31;

/** One heavy hitter: a value and its (lower-bound) count. */
export interface HeavyHitter {
  readonly value: string;
  readonly count: number;
}

interface MaybeWellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Lone surrogates become U+FFFD, as UTF-8 encoding does, so that values survive encode/decode. */
const wellFormed = (value: string): string => {
  const s = value as unknown as MaybeWellFormed;
  return s.isWellFormed() ? value : s.toWellFormed();
};

/** Count descending, then value ascending (UTF-16 code unit order). */
const byCountThenValue = (a: [string, number], b: [string, number]): number =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Mergeable heavy hitters: a Misra–Gries summary of at most `capacity` counters, merged as in Agarwal
 * et al., "Mergeable Summaries" (PODS 2012): add the counters of both summaries, then, if more than
 * `capacity` remain, subtract the `(capacity + 1)`-th largest count from every counter and drop those
 * that reach zero. A new value arriving at a full summary is the same operation with a one-counter
 * summary (subtract `min(weight, smallest count)`).
 *
 * Guarantees, with `total` the weight seen and `kept` the sum of the counters:
 * - every reported count is a lower bound: `0 <= trueCount - count <= (total - kept) / (capacity + 1)`
 *   (`errorBound`), also for values not kept (their count is 0), under any sequence of adds and merges;
 *   so every value whose weight exceeds `total / (capacity + 1)` is kept;
 * - while at most `capacity` distinct values have been seen, counts are exact and the state is
 *   independent of the order of adds and merges. Past that, the state is deterministic (no tie-breaks
 *   are involved) but depends on the order; merging is always commutative.
 *
 * Values are stored as well-formed Unicode (a lone surrogate becomes U+FFFD). Weights are positive
 * safe integers, so counts are exact integers.
 *
 * Encoding (canonical): tag `0x31`, uvarint `k`, uvarint `capacity`, uvarint `total`, uvarint `n`,
 * then `n` times (UTF-8 string, uvarint count), ordered by count descending then value ascending.
 *
 * @example
 * const top = new TopK(3);
 * for (const path of ['/a', '/b', '/a', '/c', '/a', '/b']) top.add(path);
 * top.top(); // [{ value: '/a', count: 3 }, { value: '/b', count: 2 }, { value: '/c', count: 1 }]
 */
export class TopK {
  private counters = new Map<string, number>();
  private weight = 0;

  /**
   * @param k - how many entries {@link TopK.top} returns, a positive integer
   * @param capacity - counters kept, an integer >= k; default `max(4 * k, 32)`
   * @throws SketchError when `k` or `capacity` is invalid
   * @example
   * const top = new TopK(5); // capacity 32
   */
  public constructor(
    public readonly k: number,
    public readonly capacity = Math.max(4 * k, 32),
  ) {
    if (!Number.isSafeInteger(k) || k < 1)
      throw new SketchError(`TopK k must be a positive integer (given ${k})`);
    if (!Number.isSafeInteger(capacity) || capacity < k) {
      throw new SketchError(`TopK capacity must be an integer of at least k = ${k} (given ${capacity})`);
    }
  }

  /**
   * Total weight added (exact).
   *
   * @example
   * top.total; // 6
   */
  public get total(): number {
    return this.weight;
  }

  /**
   * Largest possible undercount of any value: `floor((total - sum of counters) / (capacity + 1))`.
   * `0` while counts are exact.
   *
   * @example
   * top.errorBound; // 0
   */
  public get errorBound(): number {
    let kept = 0;
    for (const count of this.counters.values()) kept += count;
    return Math.floor((this.weight - kept) / (this.capacity + 1));
  }

  /**
   * Adds `weight` occurrences of `value`.
   *
   * @param weight - a positive safe integer; default 1
   * @throws SketchError when `weight` is not a positive safe integer
   * @example
   * top.add('/index.html');
   */
  public add(value: string, weight = 1): void {
    if (!Number.isSafeInteger(weight) || weight < 1) {
      throw new SketchError(`TopK weight must be a positive safe integer (given ${weight})`);
    }
    const key = wellFormed(value);
    this.weight += weight;
    const current = this.counters.get(key);
    if (current !== undefined) {
      this.counters.set(key, current + weight);
      return;
    }
    if (this.counters.size < this.capacity) {
      this.counters.set(key, weight);
      return;
    }
    let smallest = weight;
    for (const count of this.counters.values()) if (count < smallest) smallest = count;
    this.subtract(smallest);
    if (weight > smallest) this.counters.set(key, weight - smallest);
  }

  private subtract(amount: number): void {
    if (amount <= 0) return;
    for (const [value, count] of this.counters) {
      if (count > amount) this.counters.set(value, count - amount);
      else this.counters.delete(value);
    }
  }

  /**
   * Merges `other` into this summary; `other` is unchanged.
   *
   * @throws SketchError when `k` or `capacity` differ
   * @example
   * a.mergeInPlace(b);
   */
  public mergeInPlace(other: TopK): void {
    if (other.k !== this.k || other.capacity !== this.capacity) {
      throw new SketchError(
        `Cannot merge TopK of k ${other.k} and capacity ${other.capacity} into k ${this.k} and capacity ${this.capacity}`,
      );
    }
    const entries = [...other.counters];
    this.weight += other.weight;
    for (const [value, count] of entries) this.counters.set(value, (this.counters.get(value) ?? 0) + count);
    if (this.counters.size > this.capacity) {
      const counts = [...this.counters.values()].sort((a, b) => b - a);
      this.subtract(counts[this.capacity] as number);
    }
  }

  /**
   * An independent copy.
   *
   * @example
   * const copy = top.clone();
   */
  public clone(): TopK {
    const copy = new TopK(this.k, this.capacity);
    copy.counters = new Map(this.counters);
    copy.weight = this.weight;
    return copy;
  }

  private sorted(): [string, number][] {
    return [...this.counters].sort(byCountThenValue);
  }

  /**
   * At most `k` entries, by count descending then value ascending. Counts are lower bounds, short by
   * at most {@link TopK.errorBound}.
   *
   * @example
   * top.top(); // [{ value: '/a', count: 3 }, ...]
   */
  public top(): HeavyHitter[] {
    return this.sorted()
      .slice(0, this.k)
      .map(([value, count]) => ({ value, count }));
  }

  /**
   * Canonical bytes for this summary (see the class documentation for the layout).
   *
   * @example
   * const bytes = top.encode();
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
   * top.write(writer);
   */
  public write(writer: ByteWriter): void {
    const entries = this.sorted();
    writer
      .byte(TOP_K_TAG)
      .uvarint(this.k)
      .uvarint(this.capacity)
      .uvarint(this.weight)
      .uvarint(entries.length);
    for (const [value, count] of entries) writer.string(value).uvarint(count);
  }

  /**
   * Decodes what {@link TopK.encode} wrote.
   *
   * @throws CodecError when the bytes are truncated, corrupt, of another type or have trailing bytes
   * @example
   * const copy = TopK.decode(top.encode());
   */
  public static decode(bytes: Uint8Array): TopK {
    const reader = new ByteReader(bytes);
    const top = TopK.read(reader);
    reader.expectEnd();
    return top;
  }

  /**
   * Reads one encoded summary from `reader`, for composite states.
   *
   * @throws CodecError when the bytes are truncated or corrupt
   * @example
   * const top = TopK.read(reader);
   */
  public static read(reader: ByteReader): TopK {
    const tag = reader.byte();
    if (tag !== TOP_K_TAG) throw new CodecError(`Expected a TopK (tag ${TOP_K_TAG}), found tag ${tag}`);
    const k = reader.uvarint();
    const capacity = reader.uvarint();
    if (k < 1 || capacity < k) throw new CodecError(`TopK k ${k} and capacity ${capacity} are invalid`);
    const top = new TopK(k, capacity);
    top.weight = reader.uvarint();
    const n = reader.uvarint();
    if (n > capacity) throw new CodecError(`TopK holds ${n} counters (capacity ${capacity})`);
    let kept = 0;
    let previous: [string, number] | undefined;
    for (let i = 0; i < n; i++) {
      const entry: [string, number] = [reader.string(), reader.uvarint()];
      if (entry[1] < 1) throw new CodecError(`TopK counter for '${entry[0]}' is zero`);
      if (previous !== undefined && byCountThenValue(previous, entry) >= 0) {
        throw new CodecError(`TopK counters are not in canonical order at '${entry[0]}'`);
      }
      kept += entry[1];
      top.counters.set(entry[0], entry[1]);
      previous = entry;
    }
    if (kept > top.weight)
      throw new CodecError(`TopK counters sum to ${kept}, more than the total ${top.weight}`);
    return top;
  }
}
