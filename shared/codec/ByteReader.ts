import { CodecError } from './errors.ts';

/**
 * Reads what {@link ByteWriter} wrote. Every read checks bounds and throws {@link CodecError}
 * on truncated or malformed input, so corrupt state never turns into silent garbage.
 *
 * @example
 * const r = new ByteReader(bytes);
 * const n = r.uvarint();
 * r.expectEnd();
 */
export class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  public constructor(private readonly buffer: Uint8Array) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  public get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (this.offset + count > this.buffer.length) {
      throw new CodecError(`Truncated state: needed ${count} byte(s) for ${what} at offset ${this.offset}`);
    }
  }

  public byte(): number {
    this.need(1, 'a byte');
    return this.buffer[this.offset++] as number;
  }

  public uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result))
          throw new CodecError(`Varint out of safe range at offset ${this.offset}`);
        return result;
      }
      scale *= 0x80;
    }
    throw new CodecError(`Varint longer than 8 bytes at offset ${this.offset}`);
  }

  public svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  public float64(): number {
    this.need(8, 'a float64');
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  public bytes(): Uint8Array {
    const length = this.uvarint();
    this.need(length, 'a byte string');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  public string(): string {
    try {
      return textDecoder.decode(this.bytes());
    } catch (error) {
      if (error instanceof CodecError) throw error;
      throw new CodecError('State holds a string that is not valid UTF-8', { cause: error });
    }
  }

  /** Throws unless every byte was consumed: trailing bytes mean a version or framing mismatch. */
  public expectEnd(): void {
    if (this.offset !== this.buffer.length) {
      throw new CodecError(`Unexpected ${this.buffer.length - this.offset} trailing byte(s) in state`);
    }
  }
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });
