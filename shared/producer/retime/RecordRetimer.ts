import { isDeepStrictEqual } from 'node:util';
import type { PipelineDefinition } from '../../definition/types.ts';
import { compileFieldPath, type FieldGetter } from '../../metrics/fieldPath.ts';
import type { Fields, FieldValue } from '../../record/types.ts';
import { formatTimestampLike } from '../../time/formatTimestampLike.ts';
import { parseTimestamp, type TimestampFormat } from '../../time/timestamp.ts';
import { RetimeConfigError } from './errors.ts';
import type { RetimeResult, RetimeSkipReason } from './types.ts';

const BOM = '\uFEFF';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What the pipeline's decoder makes of one payload. */
interface Decoded {
  readonly records: Fields[];
  readonly rejected: number;
  readonly headers: number;
}

/** The record's event time, or why it has none. */
type EventTime =
  | { readonly ok: true; readonly ms: number; readonly value: FieldValue; readonly fields: Fields }
  | { readonly ok: false; readonly reason: RetimeSkipReason | 'header' };

/** A copy of `fields` without the value at `path` (dotted), to compare everything but the event time. */
const withoutPath = (fields: Fields, path: readonly string[]): Fields => {
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(fields, head)) return fields;
  const copy: Record<string, FieldValue> = { ...fields };
  const inner = copy[head];
  if (rest.length === 0) delete copy[head];
  else if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
    copy[head] = withoutPath(inner as Fields, rest);
  }
  return copy;
};

/** Every index where `needle` occurs in `text`. */
const occurrences = (text: string, needle: string): number[] => {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
};

/**
 * Shifts the event time of records by a fixed amount, so that sample data can be sent "as if it happened
 * now". It understands a pipeline the way the pipeline does: each payload is decoded with the pipeline's
 * own decoder (JSON/NDJSON, CSV, access logs, or a custom one), the event time is read from the pipeline's
 * field in its format (iso, epoch-seconds, epoch-millis, clf), and the shifted time is written back in the
 * same style (see `formatTimestampLike`) at the place the old value was written. A rewrite is kept only if
 * the decoder then reads the shifted time and every other field unchanged, so the bytes of everything else
 * stay as they were (`100.0` stays `100.0`). Records it cannot retime are returned unchanged, with the
 * reason.
 *
 * @throws {RetimeConfigError} for a pipeline whose event time is the arrival time.
 * @example
 * const retimer = new RecordRetimer(ohlc);
 * const latest = Math.max(...lines.map((line) => retimer.eventTimeOf(line) ?? -Infinity));
 * const shiftMs = retimeShift(latest, Date.now());
 * await producer.put({ data: retimer.retime(line, shiftMs).data });
 */
export class RecordRetimer {
  /** The pipeline's event-time field and format, for messages: `time (iso)`. */
  public readonly eventTimeField: string;
  private readonly path: readonly string[];
  private readonly format: TimestampFormat;
  private readonly read: FieldGetter;

  public constructor(private readonly definition: PipelineDefinition) {
    const { eventTime } = definition;
    if (eventTime.source === 'arrival') {
      throw new RetimeConfigError(
        `Pipeline "${definition.name}" takes its event time from the Kinesis arrival time: its records carry no time to retime`,
      );
    }
    this.eventTimeField = `${eventTime.field} (${eventTime.format})`;
    this.path = eventTime.field.split('.');
    this.format = eventTime.format;
    this.read = compileFieldPath(eventTime.field);
  }

  /**
   * The event time of one payload as the pipeline reads it, epoch ms; `undefined` when it has none (a header,
   * a rejected or multi-record payload, a missing or invalid time).
   *
   * @example
   * retimer.eventTimeOf(Buffer.from('{"symbol":"A","price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}'));
   */
  public eventTimeOf(data: Uint8Array): number | undefined {
    const text = this.text(data);
    if (text === undefined) return undefined;
    const time = this.eventTime(text);
    return time.ok ? time.ms : undefined;
  }

  /**
   * The payload with its event time shifted by `shiftMs`, or unchanged with the reason.
   *
   * @example
   * const { outcome, data } = retimer.retime(line, retimeShift(latestMs, Date.now()));
   */
  public retime(data: Uint8Array, shiftMs: number): RetimeResult {
    const original = Buffer.from(data);
    const text = this.text(data);
    if (text === undefined) return { outcome: 'unchanged', data: original, reason: 'not-utf8' };
    const time = this.eventTime(text);
    if (!time.ok) {
      return time.reason === 'header'
        ? { outcome: 'header', data: original }
        : { outcome: 'unchanged', data: original, reason: time.reason };
    }
    const shifted = formatTimestampLike(time.ms + shiftMs, this.format, time.value);
    if (shifted === undefined) return { outcome: 'unchanged', data: original, reason: 'not-rewritable' };
    const rewritten = this.rewrite(text, time, shifted);
    if (rewritten === undefined) return { outcome: 'unchanged', data: original, reason: 'not-rewritable' };
    const bom = original.subarray(0, 3).toString('utf8') === BOM ? BOM : '';
    return { outcome: 'retimed', data: Buffer.from(`${bom}${rewritten}`, 'utf8') };
  }

  /** The payload as text without a leading BOM (as the pipeline decodes it), or `undefined` if not UTF-8. */
  private text(data: Uint8Array): string | undefined {
    try {
      const text = utf8.decode(data);
      return text.startsWith(BOM) ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  }

  private decode(text: string): Decoded {
    const records: Fields[] = [];
    let rejected = 0;
    let headers = 0;
    this.definition.decode.decode(text, {
      record: (fields) => records.push(fields),
      reject: () => {
        rejected += 1;
      },
      skip: () => {
        headers += 1;
      },
    });
    return { records, rejected, headers };
  }

  private eventTime(text: string): EventTime {
    const { records, rejected, headers } = this.decode(text);
    if (rejected > 0) return { ok: false, reason: 'rejected-by-decoder' };
    if (records.length === 0) return { ok: false, reason: headers > 0 ? 'header' : 'rejected-by-decoder' };
    if (records.length > 1) return { ok: false, reason: 'several-records' };
    const fields = records[0] as Fields;
    const value = this.read(fields);
    if (value === undefined || value === null) return { ok: false, reason: 'no-event-time' };
    const ms = parseTimestamp(value, this.format);
    if (ms === undefined) return { ok: false, reason: 'invalid-event-time' };
    return { ok: true, ms, value, fields };
  }

  /**
   * Replaces one occurrence of the old value's text by the new one: the first whose result the decoder
   * reads as one record with the new time and every other field as before.
   */
  private rewrite(
    text: string,
    time: { readonly value: FieldValue; readonly fields: Fields },
    shifted: string | number,
  ): string | undefined {
    const oldText = String(time.value);
    const newText = String(shifted);
    const expectedMs = parseTimestamp(shifted, this.format);
    const rest = withoutPath(time.fields, this.path);
    for (const at of occurrences(text, oldText)) {
      const candidate = `${text.slice(0, at)}${newText}${text.slice(at + oldText.length)}`;
      const { records, rejected } = this.decode(candidate);
      const fields = records[0];
      if (rejected > 0 || records.length !== 1 || fields === undefined) continue;
      const value = this.read(fields);
      if (value === undefined || value === null || parseTimestamp(value, this.format) !== expectedMs)
        continue;
      if (isDeepStrictEqual(withoutPath(fields, this.path), rest)) return candidate;
    }
    return undefined;
  }
}

/**
 * The shift that makes the latest event time now, in whole seconds (rounded down, so the latest record lands
 * at most a second before now and never in the future), which keeps whole-second timestamps whole.
 *
 * @example
 * retimeShift(Date.parse('2026-11-21T08:31:30Z'), Date.parse('2026-12-06T10:00:00.500Z')); // 1301910000
 */
export const retimeShift = (latestMs: number, nowMs: number): number =>
  Math.floor((nowMs - latestMs) / 1000) * 1000;
