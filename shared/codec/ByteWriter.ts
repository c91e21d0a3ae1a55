/**
 * Growable little-endian byte buffer for compact state encodings.
 *
 * Unsigned integers are written as LEB128 varints (1 byte below 128), so small counts and
 * bin offsets cost one or two bytes; numbers that need full precision are float64.
 *
 * @example
 * const w = new ByteWriter();
 * w.uvarint(300).float64(1.5).string('GET');
 * const bytes = w.finish();
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  public constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  public byte(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  /** Unsigned varint; accepts any safe non-negative integer (up to 2^53 - 1). */
  public uvarint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`uvarint needs a non-negative safe integer (given ${value})`);
    }
    this.ensure(8);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buffer[this.length++] = v;
    return this;
  }

  /** Signed varint (zigzag); accepts any safe integer. */
  public svarint(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`svarint needs a safe integer (given ${value})`);
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  public float64(value: number): this {
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  /** Raw bytes preceded by their length as a uvarint. */
  public bytes(value: Uint8Array): this {
    this.uvarint(value.length);
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** UTF-8 string preceded by its byte length. */
  public string(value: string): this {
    return this.bytes(textEncoder.encode(value));
  }

  public finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

const textEncoder = new TextEncoder();
