import { createHash } from 'node:crypto';

/**
 * KPL aggregated record format (see amazon-kinesis-producer `aggregation-format.md`):
 * 4 magic bytes, a protobuf `AggregatedRecord`, then the 16-byte MD5 of the protobuf bytes.
 *
 * ```proto
 * message AggregatedRecord {
 *   repeated string partition_key_table = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes data = 3;
 *   repeated Tag tags = 4;
 * }
 * message Tag { required string key = 1; optional string value = 2; }
 * ```
 *
 * The reader and writer are hand-written (varints, length-delimited fields, unknown fields skipped by
 * wire type): the format is tiny and fixed, and this keeps the hot path free of a protobuf runtime.
 */

/** The 4 bytes every KPL aggregate starts with. */
const KPL_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);

const MD5_LENGTH = 16;

/** One user record inside a KPL aggregate. */
export interface KplUserRecord {
  /** The record's partition key; `''` when {@link KplUserRecord.problem} says its index is bad. */
  readonly partitionKey: string;
  /** Present only when the producer set an explicit hash key for this record. */
  readonly explicitHashKey?: string;
  /** The user record's payload. When deaggregated, a view into the aggregate's bytes (not a copy). */
  readonly data: Uint8Array;
  /**
   * Set by {@link deaggregate} when this record's `partition_key_index` or `explicit_hash_key_index`
   * points past its table: the aggregate is intact (its MD5 matched) but this record cannot be placed.
   * Only this record is unusable (the decoder rejects it as `kpl-corrupt`); its siblings are delivered,
   * as AWS's own de-aggregation libraries deliver them.
   */
  readonly problem?: string;
}

/**
 * Outcome of {@link deaggregate}: the user records (some may carry a {@link KplUserRecord.problem}), or
 * why the aggregate is unusable as a whole.
 */
export type KplResult =
  | { readonly ok: true; readonly records: KplUserRecord[] }
  | { readonly ok: false; readonly reason: 'kpl-corrupt' | 'kpl-md5-mismatch'; readonly message: string };

/**
 * Whether `data` starts with the KPL aggregate magic bytes. Costs one byte comparison for a plain
 * record. The magic is not valid UTF-8, so a text payload is never mistaken for an aggregate.
 *
 * @example
 * isKplAggregate(aggregate([{ partitionKey: 'k', data: new Uint8Array([1]) }])); // true
 * isKplAggregate(new TextEncoder().encode('{"a":1}')); // false
 */
export const isKplAggregate = (data: Uint8Array): boolean =>
  data.length >= 4 && data[0] === 0xf3 && data[1] === 0x89 && data[2] === 0x9a && data[3] === 0xc2;

/** Thrown inside the reader only; {@link deaggregate} turns it into a `kpl-corrupt` result. */
class CorruptAggregate extends Error {
  public override readonly name = 'CorruptAggregate';
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'group start', 'group end', 'fixed32'];
const wireName = (wireType: number): string => WIRE_NAMES[wireType] ?? `invalid (${wireType})`;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Bounds-checked protobuf reader over `bytes[start, end)`. Throws {@link CorruptAggregate}. */
class ProtoReader {
  public offset: number;
  /** Where the last field key started, so errors about that field point at it. */
  private keyAt = 0;

  public constructor(
    private readonly bytes: Uint8Array,
    start: number,
    public readonly end: number,
    /** Offset of `bytes[0]` inside the whole aggregate, so messages point at the real byte. */
    private readonly base: number,
  ) {
    this.offset = start;
  }

  public get done(): boolean {
    return this.offset >= this.end;
  }

  private at(offset: number): number {
    return this.base + offset;
  }

  /** An unsigned varint of up to 10 bytes. Values past 2^53 lose precision; callers bound them anyway. */
  public varint(what: string): number {
    const start = this.offset;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) {
        throw new CorruptAggregate(`truncated varint (${what}) at offset ${this.at(start)}`);
      }
      const b = this.bytes[this.offset++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new CorruptAggregate(`varint (${what}) longer than 10 bytes at offset ${this.at(start)}`);
  }

  /** A field key: returns `[fieldNumber, wireType]`. */
  public key(message: string): [number, number] {
    const start = this.offset;
    this.keyAt = start;
    const key = this.varint(`${message} field key`);
    const field = Math.floor(key / 8);
    if (field === 0) throw new CorruptAggregate(`${message} has field number 0 at offset ${this.at(start)}`);
    return [field, key % 8];
  }

  /** The bounds `[start, end)` of a length-delimited field's content; advances past it. */
  public delimited(what: string): [number, number] {
    const lengthAt = this.offset;
    const length = this.varint(`${what} length`);
    const left = this.end - this.offset;
    if (length > left) {
      throw new CorruptAggregate(
        `${what} at offset ${this.at(lengthAt)} declares ${length} byte(s) but only ${left} remain`,
      );
    }
    const start = this.offset;
    this.offset += length;
    return [start, this.offset];
  }

  public string(what: string): string {
    const [start, end] = this.delimited(what);
    try {
      return utf8.decode(this.bytes.subarray(start, end));
    } catch {
      throw new CorruptAggregate(`${what} at offset ${this.at(start)} is not valid UTF-8`);
    }
  }

  public skip(field: number, wireType: number, message: string): void {
    const start = this.keyAt;
    switch (wireType) {
      case WIRE_VARINT:
        this.varint(`${message} field ${field}`);
        return;
      case WIRE_LEN:
        this.delimited(`${message} field ${field}`);
        return;
      case WIRE_FIXED64:
      case WIRE_FIXED32: {
        const size = wireType === WIRE_FIXED64 ? 8 : 4;
        if (this.end - this.offset < size) {
          throw new CorruptAggregate(
            `${message} field ${field} (${wireName(wireType)}) at offset ${this.at(start)} is truncated`,
          );
        }
        this.offset += size;
        return;
      }
      default:
        throw new CorruptAggregate(
          `${message} field ${field} has unsupported wire type ${wireName(wireType)} at offset ${this.at(start)}`,
        );
    }
  }

  public expectWire(field: number, wireType: number, expected: number, message: string): void {
    if (wireType !== expected) {
      throw new CorruptAggregate(
        `${message} field ${field} has wire type ${wireName(wireType)}, expected ${wireName(expected)}`,
      );
    }
  }

  public sub(start: number, end: number): ProtoReader {
    return new ProtoReader(this.bytes, start, end, this.base);
  }
}

interface RawRecord {
  readonly partitionKeyIndex: number;
  readonly explicitHashKeyIndex: number | undefined;
  readonly data: Uint8Array;
}

const readTag = (reader: ProtoReader, recordIndex: number): void => {
  const name = `records[${recordIndex}] Tag`;
  let hasKey = false;
  while (!reader.done) {
    const [field, wireType] = reader.key(name);
    if (field === 1 || field === 2) {
      reader.expectWire(field, wireType, WIRE_LEN, name);
      reader.string(`${name} ${field === 1 ? 'key' : 'value'}`);
      if (field === 1) hasKey = true;
    } else {
      reader.skip(field, wireType, name);
    }
  }
  if (!hasKey) throw new CorruptAggregate(`${name} is missing required field key (1)`);
};

const readRecord = (reader: ProtoReader, bytes: Uint8Array, recordIndex: number): RawRecord => {
  const name = `records[${recordIndex}]`;
  let partitionKeyIndex: number | undefined;
  let explicitHashKeyIndex: number | undefined;
  let data: Uint8Array | undefined;
  while (!reader.done) {
    const [field, wireType] = reader.key(name);
    switch (field) {
      case 1:
        reader.expectWire(field, wireType, WIRE_VARINT, name);
        partitionKeyIndex = reader.varint(`${name} partition_key_index`);
        break;
      case 2:
        reader.expectWire(field, wireType, WIRE_VARINT, name);
        explicitHashKeyIndex = reader.varint(`${name} explicit_hash_key_index`);
        break;
      case 3: {
        reader.expectWire(field, wireType, WIRE_LEN, name);
        const [start, end] = reader.delimited(`${name} data`);
        data = bytes.subarray(start, end);
        break;
      }
      case 4: {
        reader.expectWire(field, wireType, WIRE_LEN, name);
        const [start, end] = reader.delimited(`${name} tag`);
        readTag(reader.sub(start, end), recordIndex);
        break;
      }
      default:
        reader.skip(field, wireType, name);
    }
  }
  if (partitionKeyIndex === undefined) {
    throw new CorruptAggregate(`${name} is missing required field partition_key_index (1)`);
  }
  if (data === undefined) throw new CorruptAggregate(`${name} is missing required field data (3)`);
  return { partitionKeyIndex, explicitHashKeyIndex, data };
};

const parseAggregate = (data: Uint8Array): KplUserRecord[] => {
  const protobuf = data.subarray(KPL_MAGIC.length, data.length - MD5_LENGTH);
  const reader = new ProtoReader(protobuf, 0, protobuf.length, KPL_MAGIC.length);
  const partitionKeys: string[] = [];
  const explicitHashKeys: string[] = [];
  const raw: RawRecord[] = [];
  const name = 'AggregatedRecord';
  while (!reader.done) {
    const [field, wireType] = reader.key(name);
    switch (field) {
      case 1:
        reader.expectWire(field, wireType, WIRE_LEN, name);
        partitionKeys.push(reader.string(`partition_key_table[${partitionKeys.length}]`));
        break;
      case 2:
        reader.expectWire(field, wireType, WIRE_LEN, name);
        explicitHashKeys.push(reader.string(`explicit_hash_key_table[${explicitHashKeys.length}]`));
        break;
      case 3: {
        reader.expectWire(field, wireType, WIRE_LEN, name);
        const [start, end] = reader.delimited(`records[${raw.length}]`);
        raw.push(readRecord(reader.sub(start, end), protobuf, raw.length));
        break;
      }
      default:
        reader.skip(field, wireType, name);
    }
  }
  // Tables may follow the records in the byte stream, so indexes are resolved only at the end. A bad
  // index spoils its own record only: the bytes around it parsed, and the payload does not need the key.
  return raw.map((record, i): KplUserRecord => {
    const partitionKey = partitionKeys[record.partitionKeyIndex];
    if (partitionKey === undefined) {
      return {
        partitionKey: '',
        data: record.data,
        problem: `records[${i}] partition_key_index ${record.partitionKeyIndex} is past the partition key table (${partitionKeys.length} entries)`,
      };
    }
    if (record.explicitHashKeyIndex === undefined) return { partitionKey, data: record.data };
    const explicitHashKey = explicitHashKeys[record.explicitHashKeyIndex];
    if (explicitHashKey === undefined) {
      return {
        partitionKey,
        data: record.data,
        problem: `records[${i}] explicit_hash_key_index ${record.explicitHashKeyIndex} is past the explicit hash key table (${explicitHashKeys.length} entries)`,
      };
    }
    return { partitionKey, explicitHashKey, data: record.data };
  });
};

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Splits a KPL aggregate into its user records. Never throws: a bad checksum or a corrupt protobuf
 * makes the whole aggregate a failure (`kpl-md5-mismatch` / `kpl-corrupt`) whose message says what
 * was wrong and where. A record whose table index is out of range is returned with a `problem` (the
 * others are unaffected). Returned `data` are views into `data` (no copy). Call only when
 * {@link isKplAggregate} is true; otherwise the result is `kpl-corrupt`.
 *
 * @example
 * const bytes = aggregate([{ partitionKey: 'user-1', data: new TextEncoder().encode('{"n":1}') }]);
 * const result = deaggregate(bytes);
 * if (result.ok) result.records[0]?.partitionKey; // 'user-1'
 */
export const deaggregate = (data: Uint8Array): KplResult => {
  if (!isKplAggregate(data)) {
    return { ok: false, reason: 'kpl-corrupt', message: 'KPL aggregate does not start with the magic bytes' };
  }
  if (data.length < KPL_MAGIC.length + MD5_LENGTH) {
    return {
      ok: false,
      reason: 'kpl-corrupt',
      message: `KPL aggregate is truncated: ${data.length} byte(s), at least ${KPL_MAGIC.length + MD5_LENGTH} needed for magic and MD5`,
    };
  }
  const protobufEnd = data.length - MD5_LENGTH;
  const expected = data.subarray(protobufEnd);
  const actual = createHash('md5').update(data.subarray(KPL_MAGIC.length, protobufEnd)).digest();
  if (!actual.equals(expected)) {
    return {
      ok: false,
      reason: 'kpl-md5-mismatch',
      message: `KPL aggregate MD5 ${toHex(expected)} does not match its content (computed ${toHex(actual)})`,
    };
  }
  try {
    return { ok: true, records: parseAggregate(data) };
  } catch (error) {
    if (error instanceof CorruptAggregate) {
      return { ok: false, reason: 'kpl-corrupt', message: `KPL aggregate is corrupt: ${error.message}` };
    }
    throw error;
  }
};

const varintSize = (value: number): number => {
  let size = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    size++;
  }
  return size;
};

/** Exact-size protobuf writer: sizes are computed first, then bytes are written once. */
class ProtoWriter {
  public offset = 0;

  public constructor(public readonly bytes: Uint8Array) {}

  public varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.offset++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.offset++] = v;
  }

  public raw(value: Uint8Array): void {
    this.bytes.set(value, this.offset);
    this.offset += value.length;
  }

  public delimited(field: number, value: Uint8Array): void {
    this.varint(field * 8 + WIRE_LEN);
    this.varint(value.length);
    this.raw(value);
  }
}

const delimitedSize = (length: number): number => 1 + varintSize(length) + length;

/**
 * Builds a KPL aggregate (magic, protobuf, MD5) from user records, as the KPL does: partition keys
 * and explicit hash keys are deduplicated into tables, records keep their order, no tags are written.
 * The result is one Kinesis record; keeping it under the 1 MiB record limit is the caller's job.
 *
 * @example
 * const bytes = aggregate([
 *   { partitionKey: 'a', data: new TextEncoder().encode('{"n":1}') },
 *   { partitionKey: 'a', explicitHashKey: '42', data: new TextEncoder().encode('{"n":2}') },
 * ]);
 * deaggregate(bytes).ok; // true
 */
export const aggregate = (
  records: readonly {
    readonly partitionKey: string;
    readonly explicitHashKey?: string;
    readonly data: Uint8Array;
  }[],
): Uint8Array => {
  const partitionKeys = new Map<string, number>();
  const explicitHashKeys = new Map<string, number>();
  const partitionKeyBytes: Uint8Array[] = [];
  const explicitHashKeyBytes: Uint8Array[] = [];
  const indexes: { pk: number; ehk: number | undefined; size: number }[] = [];
  let size = 0;
  for (const record of records) {
    let pk = partitionKeys.get(record.partitionKey);
    if (pk === undefined) {
      pk = partitionKeyBytes.length;
      partitionKeys.set(record.partitionKey, pk);
      const bytes = encoder.encode(record.partitionKey);
      partitionKeyBytes.push(bytes);
      size += delimitedSize(bytes.length);
    }
    let ehk: number | undefined;
    if (record.explicitHashKey !== undefined) {
      ehk = explicitHashKeys.get(record.explicitHashKey);
      if (ehk === undefined) {
        ehk = explicitHashKeyBytes.length;
        explicitHashKeys.set(record.explicitHashKey, ehk);
        const bytes = encoder.encode(record.explicitHashKey);
        explicitHashKeyBytes.push(bytes);
        size += delimitedSize(bytes.length);
      }
    }
    const recordSize =
      1 + varintSize(pk) + (ehk === undefined ? 0 : 1 + varintSize(ehk)) + delimitedSize(record.data.length);
    indexes.push({ pk, ehk, size: recordSize });
    size += delimitedSize(recordSize);
  }

  const out = new Uint8Array(KPL_MAGIC.length + size + MD5_LENGTH);
  const writer = new ProtoWriter(out);
  writer.raw(KPL_MAGIC);
  for (const bytes of partitionKeyBytes) writer.delimited(1, bytes);
  for (const bytes of explicitHashKeyBytes) writer.delimited(2, bytes);
  records.forEach((record, i) => {
    const { pk, ehk, size: recordSize } = indexes[i] as { pk: number; ehk: number | undefined; size: number };
    writer.varint(3 * 8 + WIRE_LEN);
    writer.varint(recordSize);
    writer.varint(1 * 8 + WIRE_VARINT);
    writer.varint(pk);
    if (ehk !== undefined) {
      writer.varint(2 * 8 + WIRE_VARINT);
      writer.varint(ehk);
    }
    writer.delimited(3, record.data);
  });
  const digest = createHash('md5').update(out.subarray(KPL_MAGIC.length, writer.offset)).digest();
  writer.raw(digest);
  return out;
};
