import type { Fields, RecordOrigin, SourceRecord } from '../record/types.ts';
import { excerpt } from '../rejection/excerpt.ts';
import type { RejectionReason } from '../rejection/reasons.ts';
import { parseCloudWatchEnvelope } from './cloudWatchLogs.ts';
import { DEFAULT_DECODE_LIMITS } from './constants.ts';
import { gunzipBounded, isGzip } from './gzip.ts';
import { deaggregate, isKplAggregate, type KplUserRecord } from './kpl.ts';
import type { DecodeEmitter, DecodeLimits, DecodeSink, FormatDecoder } from './types.ts';

/** Code used when a format decoder throws despite its contract, or the unwrap layer fails unexpectedly. */
const INTERNAL_FAILURE: RejectionReason = 'decoder-failure';

// ignoreBOM keeps a leading BOM in the text so that it is stripped in one place for every payload kind.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/** Offset of the first byte that does not start a valid UTF-8 sequence (only called on invalid input). */
const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const b1 = bytes[i + 1];
    let size: number;
    let secondOk: boolean;
    if (b >= 0xc2 && b <= 0xdf) {
      size = 2;
      secondOk = isContinuation(b1);
    } else if (b >= 0xe0 && b <= 0xef) {
      size = 3;
      const low = b === 0xe0 ? 0xa0 : 0x80;
      const high = b === 0xed ? 0x9f : 0xbf;
      secondOk = b1 !== undefined && b1 >= low && b1 <= high;
    } else if (b >= 0xf0 && b <= 0xf4) {
      size = 4;
      const low = b === 0xf0 ? 0x90 : 0x80;
      const high = b === 0xf4 ? 0x8f : 0xbf;
      secondOk = b1 !== undefined && b1 >= low && b1 <= high;
    } else {
      return i;
    }
    if (!secondOk) return i;
    for (let k = 2; k < size; k++) if (!isContinuation(bytes[i + k])) return i;
    i += size;
  }
  return bytes.length;
};

/** What an idle {@link SourceDecoding} points at, so that it keeps no caller's data alive. */
const NO_SOURCE: SourceRecord = {
  data: new Uint8Array(0),
  sequenceNumber: '',
  partitionKey: '',
  arrivalMs: 0,
};
const NO_DECODER: FormatDecoder = { format: 'none', decode: () => undefined };
const NO_SINK: DecodeSink = { record: () => undefined, reject: () => undefined };

/**
 * The state of decoding one Kinesis record. It is also the {@link DecodeEmitter} handed to the
 * format decoder, so a plain payload costs no object beside the records themselves: one instance is
 * reused call after call (see {@link decodeSource}). Reuse also keeps its hidden class alive: were every
 * instance to die, a full GC would drop the class and, with it, the JIT code specialised on it.
 */
class SourceDecoding implements DecodeEmitter {
  private source = NO_SOURCE;
  private decoder = NO_DECODER;
  private limits: DecodeLimits = DEFAULT_DECODE_LIMITS;
  private sink = NO_SINK;
  /** Index of the KPL user record being decoded, if any. */
  private subIndex: number | undefined;
  /** Index of the CloudWatch log event being decoded, if any; it wins over the decoder's `line`. */
  private event: number | undefined;
  /** Records and rejections reported by the format decoder so far. */
  private emitted = 0;
  /** Set when the sink threw: that error is the caller's, and is rethrown, not turned into a rejection. */
  public sinkFailed = false;
  public sinkError: unknown;

  /** Points this instance at one Kinesis record, with a fresh state. */
  public start(source: SourceRecord, decoder: FormatDecoder, limits: DecodeLimits, sink: DecodeSink): void {
    this.source = source;
    this.decoder = decoder;
    this.limits = limits;
    this.sink = sink;
    this.subIndex = undefined;
    this.event = undefined;
    this.emitted = 0;
    this.sinkFailed = false;
    this.sinkError = undefined;
  }

  /** Lets go of the caller's objects. */
  public finish(): void {
    this.source = NO_SOURCE;
    this.decoder = NO_DECODER;
    this.sink = NO_SINK;
    this.sinkError = undefined;
  }

  private origin(line: number | undefined): RecordOrigin {
    const sequenceNumber = this.source.sequenceNumber;
    const subIndex = this.subIndex;
    const at = this.event ?? line;
    if (subIndex === undefined) return at === undefined ? { sequenceNumber } : { sequenceNumber, line: at };
    return at === undefined ? { sequenceNumber, subIndex } : { sequenceNumber, subIndex, line: at };
  }

  private sinkThrew(error: unknown): never {
    this.sinkFailed = true;
    this.sinkError = error;
    throw error;
  }

  public record(fields: Fields, line: number | undefined): void {
    this.emitted++;
    try {
      this.sink.record({ fields, origin: this.origin(line), arrivalMs: this.source.arrivalMs });
    } catch (error) {
      this.sinkThrew(error);
    }
  }

  public skip(): void {
    this.emitted++; // a header line accounts for its payload: it is not "no records found"
  }

  public reject(reason: RejectionReason, message: string, line: number | undefined, raw: string): void {
    this.emitted++;
    this.rejectAt(reason, message, line, raw);
  }

  private rejectAt(
    reason: RejectionReason,
    message: string,
    line: number | undefined,
    raw: string | Uint8Array,
  ): void {
    try {
      this.sink.reject({ reason, message, origin: this.origin(line), excerpt: excerpt(raw) });
    } catch (error) {
      this.sinkThrew(error);
    }
  }

  /** Rejects the payload being unwrapped as a whole (the Kinesis record, user record or log event). */
  private rejectPayload(reason: RejectionReason, message: string, raw: string | Uint8Array): void {
    this.rejectAt(reason, message, undefined, raw);
  }

  /** Last resort for a bug in the unwrap layer: the whole Kinesis record is set aside. */
  public failInternally(error: unknown): void {
    this.subIndex = undefined;
    this.event = undefined;
    this.rejectPayload(
      INTERNAL_FAILURE,
      `internal error while unwrapping the Kinesis record: ${errorText(error)}`,
      this.source.data,
    );
  }

  private where(): string {
    if (this.event !== undefined) return `log event ${this.event}`;
    return this.subIndex === undefined ? 'payload' : `KPL user record ${this.subIndex}`;
  }

  public decode(): void {
    const data = this.source.data;
    if (data.length > this.limits.maxRecordBytes) {
      this.rejectPayload(
        'record-too-large',
        `Kinesis record of ${data.length} bytes exceeds the limit of ${this.limits.maxRecordBytes} bytes`,
        data,
      );
      return;
    }
    if (data.length === 0) {
      this.rejectPayload('empty-record', 'Kinesis record payload is empty', data);
      return;
    }
    if (isKplAggregate(data)) {
      this.decodeAggregate(data);
      return;
    }
    this.decodeBytes(data);
  }

  private decodeAggregate(data: Uint8Array): void {
    const result = deaggregate(data);
    if (!result.ok) {
      this.rejectPayload(result.reason, result.message, data);
      return;
    }
    if (result.records.length === 0) {
      this.rejectPayload('empty-record', 'KPL aggregate holds no user records', data);
      return;
    }
    for (let i = 0; i < result.records.length; i++) {
      this.subIndex = i;
      const record = result.records[i] as KplUserRecord;
      if (record.problem === undefined) this.decodeBytes(record.data);
      else this.rejectPayload('kpl-corrupt', `${this.where()} is corrupt: ${record.problem}`, record.data);
    }
    this.subIndex = undefined;
  }

  private decodeBytes(bytes: Uint8Array): void {
    if (bytes.length === 0) {
      this.rejectPayload('empty-record', `${this.where()} is empty`, bytes);
      return;
    }
    if (!isGzip(bytes)) {
      const text = this.toText(bytes);
      if (text !== undefined) this.decodeText(text);
      return;
    }
    const gunzipped = gunzipBounded(bytes, this.limits.maxDecompressedBytes);
    if (!gunzipped.ok) {
      this.rejectPayload(gunzipped.reason, `${this.where()}: ${gunzipped.message}`, bytes);
      return;
    }
    if (gunzipped.data.length === 0) {
      this.rejectPayload('empty-record', `${this.where()} is gzip of no bytes`, bytes);
      return;
    }
    const text = this.toText(gunzipped.data);
    if (text === undefined) return;
    const envelope = parseCloudWatchEnvelope(text);
    switch (envelope.kind) {
      case 'not-envelope':
        this.decodeText(text);
        return;
      case 'control':
        try {
          this.sink.control?.(this.origin(undefined));
        } catch (error) {
          this.sinkThrew(error);
        }
        return;
      case 'malformed':
        this.rejectPayload(envelope.reason, envelope.message, text);
        return;
      case 'data': {
        const events = envelope.envelope.logEvents;
        if (events.length === 0) {
          this.rejectPayload('empty-record', 'CloudWatch Logs DATA_MESSAGE holds no log events', text);
          return;
        }
        for (let i = 0; i < events.length; i++) {
          this.event = i;
          this.decodeText((events[i] as { message: string }).message);
        }
        this.event = undefined;
      }
    }
  }

  private toText(bytes: Uint8Array): string | undefined {
    try {
      return utf8.decode(bytes);
    } catch {
      const at = firstInvalidUtf8(bytes);
      const bad = Buffer.from(bytes.subarray(at, at + 4)).toString('hex');
      this.rejectPayload(
        'invalid-utf8',
        `${this.where()} is not valid UTF-8: bad byte sequence at offset ${at} (0x${bad})`,
        bytes,
      );
      return undefined;
    }
  }

  private decodeText(raw: string): void {
    const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.length === 0) {
      this.rejectPayload('empty-record', `${this.where()} holds no text`, raw);
      return;
    }
    const before = this.emitted;
    try {
      this.decoder.decode(text, this);
    } catch (error) {
      if (this.sinkFailed) throw this.sinkError;
      this.rejectPayload(
        INTERNAL_FAILURE,
        `internal error: the ${this.decoder.format} decoder threw on ${this.where()}: ${errorText(error)}`,
        text,
      );
      return;
    }
    if (this.sinkFailed) throw this.sinkError;
    if (this.emitted === before) {
      this.rejectPayload(
        'empty-record',
        `the ${this.decoder.format} decoder found no records in ${this.where()}`,
        text,
      );
    }
  }
}

/** The instance the next {@link decodeSource} call uses; `undefined` while a call is using it. */
let idle: SourceDecoding | undefined = new SourceDecoding();

/**
 * Decodes one Kinesis record into records and rejections, in this order: size guard
 * (`record-too-large`), empty payload (`empty-record`), KPL deaggregation (each user record gets
 * `origin.subIndex` and goes through the rest; a corrupt aggregate is one rejection), bounded gunzip
 * (`gzip-corrupt`, `gzip-too-large`), UTF-8 validation (`invalid-utf8`), leading BOM removal, the
 * CloudWatch Logs envelope (gzip payloads only; each log event is one payload and its index is
 * `origin.line`, overriding any line the format decoder reports inside that event), then the format
 * decoder. A plain text payload costs two byte comparisons before UTF-8 decoding.
 *
 * Conservation: every call ends in at least one `sink.record` or `sink.reject` call, except for a
 * CloudWatch Logs `CONTROL_MESSAGE`, which ends in `sink.control` (if the sink has it). A payload the
 * format decoder reports nothing for is rejected as `empty-record`.
 *
 * Never throws because of the input: a format decoder that throws despite its contract has its
 * payload rejected with a message that says so. Errors thrown by the sink itself propagate.
 *
 * @example
 * const records: DecodedRecord[] = [];
 * const rejections: Rejection[] = [];
 * decodeSource(
 *   { data: new TextEncoder().encode('{"ip":"10.0.0.1"}'), sequenceNumber: '4954', partitionKey: 'k', arrivalMs: 0 },
 *   json(),
 *   DEFAULT_DECODE_LIMITS,
 *   { record: (r) => records.push(r), reject: (r) => rejections.push(r) },
 * );
 * // records: [{ fields: { ip: '10.0.0.1' }, origin: { sequenceNumber: '4954' }, arrivalMs: 0 }]
 */
export const decodeSource = (
  source: SourceRecord,
  decoder: FormatDecoder,
  limits: DecodeLimits,
  sink: DecodeSink,
): void => {
  // A sink that decodes another record while handling this one gets an instance of its own.
  const decoding = idle ?? new SourceDecoding();
  idle = undefined;
  decoding.start(source, decoder, limits, sink);
  try {
    decoding.decode();
  } catch (error) {
    if (decoding.sinkFailed) throw decoding.sinkError;
    // Only reachable through a bug in the unwrap layer: still set the record aside rather than throw.
    decoding.failInternally(error);
  } finally {
    decoding.finish();
    idle = decoding;
  }
};
