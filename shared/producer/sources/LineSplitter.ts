import { MAX_RECORD_BYTES } from '../constants.ts';
import { ProducerOptionError } from '../errors.ts';

/** Options of {@link LineSplitter}. */
export interface LineSplitterOptions {
  /**
   * Longest line kept, in bytes (line break excluded). Longer lines are dropped as they stream in (memory
   * stays bounded) and reported to `onOversized`.
   * @default 1_048_576 - the Kinesis record limit
   */
  readonly maxLineBytes?: number;
  /**
   * Whether empty lines are skipped (a record cannot be empty in any useful way).
   * @default true
   */
  readonly skipEmpty?: boolean;
  /**
   * Called with the length in bytes of every line dropped for being longer than `maxLineBytes`.
   * @default undefined - such lines are dropped silently
   */
  readonly onOversized?: (lineBytes: number) => void;
}

const LF = 10;
const CR = 13;

/**
 * Splits a byte stream into lines, whatever the chunk boundaries: a line may span chunks, and a CRLF may
 * be split between two chunks. Line breaks are LF or CRLF and are not part of the line. Lines are `Buffer`s
 * of the exact bytes (no decoding).
 *
 * @example
 * const splitter = new LineSplitter();
 * splitter.push(Buffer.from('a\r\nb')); // [<a>]
 * splitter.push(Buffer.from('c\n'));    // [<bc>]
 * splitter.end();                       // []
 */
export class LineSplitter {
  private readonly maxLineBytes: number;
  private readonly skipEmpty: boolean;
  private readonly onOversized: ((lineBytes: number) => void) | undefined;
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Bytes of the current line seen while dropping it; -1 when not dropping. */
  private dropped = -1;

  public constructor(options: LineSplitterOptions = {}) {
    const { maxLineBytes = MAX_RECORD_BYTES } = options;
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new ProducerOptionError(`maxLineBytes must be a positive integer (given ${maxLineBytes})`);
    }
    this.maxLineBytes = maxLineBytes;
    this.skipEmpty = options.skipEmpty ?? true;
    this.onOversized = options.onOversized;
  }

  /**
   * Feeds a chunk; returns the lines it completed.
   *
   * @example
   * for (const line of splitter.push(chunk)) queue.push(line);
   */
  public push(chunk: Uint8Array): Buffer[] {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const lines: Buffer[] = [];
    let start = 0;
    for (let at = bytes.indexOf(LF, start); at !== -1; at = bytes.indexOf(LF, start)) {
      this.append(bytes.subarray(start, at));
      this.complete(lines);
      start = at + 1;
    }
    if (start < bytes.length) this.append(bytes.subarray(start));
    return lines;
  }

  /**
   * Ends the stream; returns the last line when the stream did not end with a line break.
   *
   * @example
   * const last = splitter.end();
   */
  public end(): Buffer[] {
    const lines: Buffer[] = [];
    if (this.partBytes > 0 || this.dropped >= 0) this.complete(lines);
    return lines;
  }

  /** Drops the partial line held so far (for a stream cut short). Returns its length in bytes. */
  public discard(): number {
    const bytes = this.dropped >= 0 ? this.dropped : this.partBytes;
    this.parts = [];
    this.partBytes = 0;
    this.dropped = -1;
    return bytes;
  }

  private append(segment: Buffer): void {
    if (segment.length === 0) return;
    if (this.dropped >= 0) {
      this.dropped += segment.length;
      return;
    }
    this.parts.push(segment);
    this.partBytes += segment.length;
    // One byte of slack: a CR that turns out to end the line does not count.
    if (this.partBytes > this.maxLineBytes + 1) {
      this.dropped = this.partBytes;
      this.parts = [];
      this.partBytes = 0;
    }
  }

  private complete(lines: Buffer[]): void {
    if (this.dropped >= 0) {
      const length = this.dropped;
      this.dropped = -1;
      this.onOversized?.(length);
      return;
    }
    const parts = this.parts;
    let line = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    if (line.length > this.maxLineBytes) {
      this.onOversized?.(line.length);
      return;
    }
    if (line.length === 0 && this.skipEmpty) return;
    // A copy: the chunk's memory is not kept alive by a small line, and callers may keep lines.
    lines.push(parts.length === 1 ? Buffer.from(line) : line);
  }
}
