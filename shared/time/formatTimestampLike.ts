import type { FieldValue } from '../record/types.ts';
import { MAX_EVENT_TIME_MS, MIN_EVENT_TIME_MS, type TimestampFormat, zoneOffsetMs } from './timestamp.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** The parts of an ISO 8601 value that its style keeps: separators, fraction digits, zone designator. */
const ISO_STYLE =
  /^\d{4}-\d{2}-\d{2}(?:([T ])\d{2}:\d{2}(?::\d{2}(?:([.,])(\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const CLF_ZONE = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} ([+-]\d{4})$/;
const NUMERIC = /^-?\d+(?:\.(\d+))?$/;

const two = (n: number): string => String(n).padStart(2, '0');

/** The UTC fields of `ms` shifted by a zone offset (the wall-clock time in that zone). */
const wallClock = (ms: number, offsetMs: number) => {
  const d = new Date(ms + offsetMs);
  return {
    year: String(d.getUTCFullYear()).padStart(4, '0'),
    month: d.getUTCMonth(),
    day: two(d.getUTCDate()),
    time: `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`,
    millis: d.getUTCMilliseconds(),
  };
};

const formatIso = (ms: number, like: string): string | undefined => {
  const style = ISO_STYLE.exec(like);
  if (style === null) return undefined;
  const [, separator = 'T', fractionSeparator = '.', fraction = '', zone] = style;
  const offset = zoneOffsetMs(zone);
  if (offset === undefined) return undefined;
  const t = wallClock(ms, offset);
  const digits = String(t.millis).padStart(3, '0').padEnd(fraction.length, '0').slice(0, fraction.length);
  return `${t.year}-${two(t.month + 1)}-${t.day}${separator}${t.time}${digits === '' ? '' : `${fractionSeparator}${digits}`}${zone ?? ''}`;
};

const formatClf = (ms: number, like: string): string | undefined => {
  const zone = CLF_ZONE.exec(like)?.[1];
  if (zone === undefined) return undefined;
  const offset = zoneOffsetMs(zone);
  if (offset === undefined) return undefined;
  const t = wallClock(ms, offset);
  return `${t.day}/${MONTHS[t.month]}/${t.year}:${t.time} ${zone}`;
};

/** Epoch seconds or milliseconds with as many decimals as `like`, as a number or a string like it. */
const formatEpoch = (ms: number, unitMs: number, like: FieldValue): number | string | undefined => {
  const text = typeof like === 'number' ? String(like) : typeof like === 'string' ? like : undefined;
  const style = text === undefined ? null : NUMERIC.exec(text);
  if (style === null) return undefined;
  const decimals = style[1]?.length ?? 0;
  const value = (ms / unitMs).toFixed(decimals);
  return typeof like === 'number' ? Number(value) : value;
};

/**
 * Writes the instant `ms` as an event-time value in `format`, in the style of an existing value `like` of
 * that field, so that a record keeps its look when its time changes: ISO keeps the date/time separator,
 * the number of fraction digits and the zone designator (the time is written in that zone, `Z` or none for
 * UTC; seconds are always written); CLF keeps the `+hhmm` offset; the epoch formats keep a number a number
 * and a string a string, with as many decimals. Returns `undefined` when `like` is not a value of that
 * format, or `ms` is outside the event times accepted (1970 to 9999).
 *
 * @example
 * formatTimestampLike(Date.parse('2026-12-06T10:00:00Z'), 'clf', '21/Nov/2026:09:30:59 +0100'); // '06/Dec/2026:11:00:00 +0100'
 */
export const formatTimestampLike = (
  ms: number,
  format: TimestampFormat,
  like: FieldValue,
): string | number | undefined => {
  if (!Number.isFinite(ms) || ms < MIN_EVENT_TIME_MS || ms > MAX_EVENT_TIME_MS) return undefined;
  switch (format) {
    case 'iso':
      return typeof like === 'string' ? formatIso(ms, like) : undefined;
    case 'clf':
      return typeof like === 'string' ? formatClf(ms, like) : undefined;
    case 'epoch-seconds':
      return formatEpoch(ms, 1000, like);
    case 'epoch-millis':
      return formatEpoch(ms, 1, like);
  }
};
