import { aggregate } from '../decode/kpl.ts';
import { MAX_RECORD_BYTES } from './constants.ts';
import { ProducerOptionError } from './errors.ts';

/** A user record given to the {@link KplAggregator}. */
export interface KplInput {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
}

/** A Kinesis record made by the {@link KplAggregator}: an aggregate, or one user record left plain. */
export interface KplOutput {
  readonly data: Uint8Array;
  /** The first user record's partition key. */
  readonly partitionKey: string;
  /** Set only on a plain record whose user record had one. */
  readonly explicitHashKey?: string;
  /** User records inside (1 for a plain record). */
  readonly userRecords: number;
}

/** Options of {@link KplAggregator}. */
export interface KplAggregatorOptions {
  /**
   * Largest Kinesis record made: aggregate bytes plus its partition key, as Kinesis counts a record.
   * @default 1_048_576 - the Kinesis record limit (1 MiB)
   */
  readonly maxBytes?: number;
  /**
   * Most user records in one aggregate.
   * @default 1000
   */
  readonly maxRecords?: number;
}

const MAGIC_AND_MD5_BYTES = 4 + 16;
const encoder = new TextEncoder();

const varintSize = (value: number): number => {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
};

/** Bytes of a length-delimited protobuf field with a one-byte key. */
const delimitedSize = (length: number): number => 1 + varintSize(length) + length;

/**
 * Packs user records into KPL aggregated records (the format `shared/decode/kpl.ts` reads, and the
 * handler deaggregates), as the Kinesis Producer Library does: records keep their order, partition keys are
 * deduplicated into a table, and the aggregate's own partition key is its first user record's. The size of
 * the aggregate is tracked exactly as it grows, so an aggregate never exceeds `maxBytes`.
 *
 * An aggregate holding a single user record is sent as that plain record (the KPL does the same), and so is
 * a user record too large to fit any aggregate.
 *
 * Aggregation changes which shard a record lands on: user records follow the aggregate's partition key.
 *
 * @example
 * const aggregator = new KplAggregator({ maxRecords: 100 });
 * const ready = records.flatMap((record) => aggregator.add(record));
 * const last = aggregator.seal();
 */
export class KplAggregator {
  public readonly maxBytes: number;
  public readonly maxRecords: number;
  private records: KplInput[] = [];
  private partitionKeys = new Map<string, number>();
  private hashKeys = new Map<string, number>();
  /** Exact byte size of `aggregate(this.records)`. */
  private size = MAGIC_AND_MD5_BYTES;
  /** UTF-8 bytes of the aggregate's partition key (the first record's). */
  private keyBytes = 0;

  public constructor(options: KplAggregatorOptions = {}) {
    const { maxBytes = MAX_RECORD_BYTES, maxRecords = 1000 } = options;
    if (!Number.isInteger(maxBytes) || maxBytes < 64) {
      throw new ProducerOptionError(`KPL maxBytes must be an integer of at least 64 (given ${maxBytes})`);
    }
    if (!Number.isInteger(maxRecords) || maxRecords < 1) {
      throw new ProducerOptionError(`KPL maxRecords must be a positive integer (given ${maxRecords})`);
    }
    this.maxBytes = maxBytes;
    this.maxRecords = maxRecords;
  }

  /** User records waiting in the open aggregate. */
  public get length(): number {
    return this.records.length;
  }

  /** Bytes the open aggregate would have now, partition key included. */
  public get bytes(): number {
    return this.records.length === 0 ? 0 : this.size + this.keyBytes;
  }

  /** Bytes `record` would add to the open aggregate. */
  private growth(record: KplInput): number {
    let growth = 0;
    let pk = this.partitionKeys.get(record.partitionKey);
    if (pk === undefined) {
      pk = this.partitionKeys.size;
      growth += delimitedSize(encoder.encode(record.partitionKey).length);
    }
    let entry = 1 + varintSize(pk) + delimitedSize(record.data.length);
    if (record.explicitHashKey !== undefined) {
      let ehk = this.hashKeys.get(record.explicitHashKey);
      if (ehk === undefined) {
        ehk = this.hashKeys.size;
        growth += delimitedSize(encoder.encode(record.explicitHashKey).length);
      }
      entry += 1 + varintSize(ehk);
    }
    return growth + delimitedSize(entry);
  }

  private append(record: KplInput, growth: number): void {
    if (this.records.length === 0) this.keyBytes = encoder.encode(record.partitionKey).length;
    if (!this.partitionKeys.has(record.partitionKey)) {
      this.partitionKeys.set(record.partitionKey, this.partitionKeys.size);
    }
    if (record.explicitHashKey !== undefined && !this.hashKeys.has(record.explicitHashKey)) {
      this.hashKeys.set(record.explicitHashKey, this.hashKeys.size);
    }
    this.records.push(record);
    this.size += growth;
  }

  /**
   * Adds a user record. Returns the Kinesis records it completed: none while the open aggregate has room;
   * the open aggregate when the record does not fit in it (the record then starts the next one); or also the
   * record itself, plain, when it cannot fit even an empty aggregate.
   *
   * @example
   * for (const ready of aggregator.add({ data, partitionKey: 'device-1' })) enqueue(ready);
   */
  public add(record: KplInput): KplOutput[] {
    const out: KplOutput[] = [];
    let growth = this.growth(record);
    const keyBytes = this.records.length === 0 ? encoder.encode(record.partitionKey).length : this.keyBytes;
    if (
      this.records.length > 0 &&
      (this.records.length >= this.maxRecords || this.size + growth + keyBytes > this.maxBytes)
    ) {
      out.push(this.seal() as KplOutput);
      growth = this.growth(record);
    }
    if (this.records.length === 0) {
      const alone = MAGIC_AND_MD5_BYTES + growth + encoder.encode(record.partitionKey).length;
      if (alone > this.maxBytes) {
        out.push(plain(record));
        return out;
      }
    }
    this.append(record, growth);
    if (this.records.length >= this.maxRecords) out.push(this.seal() as KplOutput);
    return out;
  }

  /**
   * Closes the open aggregate and returns it (a plain record when it holds one user record), or
   * `undefined` when it is empty.
   *
   * @example
   * const last = aggregator.seal();
   * if (last !== undefined) enqueue(last);
   */
  public seal(): KplOutput | undefined {
    const records = this.records;
    if (records.length === 0) return undefined;
    this.records = [];
    this.partitionKeys = new Map();
    this.hashKeys = new Map();
    this.size = MAGIC_AND_MD5_BYTES;
    this.keyBytes = 0;
    const first = records[0] as KplInput;
    if (records.length === 1) return plain(first);
    return { data: aggregate(records), partitionKey: first.partitionKey, userRecords: records.length };
  }
}

const plain = (record: KplInput): KplOutput =>
  record.explicitHashKey === undefined
    ? { data: record.data, partitionKey: record.partitionKey, userRecords: 1 }
    : {
        data: record.data,
        partitionKey: record.partitionKey,
        explicitHashKey: record.explicitHashKey,
        userRecords: 1,
      };
