/**
 * Parsers for event-time fields. Each returns epoch milliseconds, or `undefined` when the value does not
 * parse in that format; they never throw, since they run per record on untrusted input.
 */

/** Supported event-time formats. */
export type TimestampFormat = 'iso' | 'epoch-seconds' | 'epoch-millis' | 'clf';

export const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['iso', 'epoch-seconds', 'epoch-millis', 'clf'];

/** 0000-01-01 is outside what we accept; these are the bounds of a valid event time (1970 to the end of 9999). */
export const MIN_EVENT_TIME_MS = 0;
export const MAX_EVENT_TIME_MS = 253_402_300_799_999;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
};

/**
 * The offset of a zone designator, in ms: `Z`, `z` or none → 0, `+01:00` / `-0700` / `+05` → ±ms; `undefined`
 * when the hours or minutes are out of range.
 *
 * @example
 * zoneOffsetMs('+01:00'); // 3600000
 */
export const zoneOffsetMs = (zone: string | undefined): number | undefined => {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
};

/** Days from 1970-01-01 to a proleptic Gregorian date (as `Date` counts them), for any year. */
const epochDay = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
};

/**
 * Epoch ms of a UTC date and time, or `undefined` when a field is out of range. A leap second (60) is
 * read as 59. The same value as `Date`'s `setUTCFullYear` + `setUTCHours`, without a `Date`.
 */
const utc = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number | undefined => {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  return (
    epochDay(year, month, day) * 86_400_000 +
    hour * 3_600_000 +
    minute * 60_000 +
    Math.min(second, 59) * 1000 +
    ms
  );
};

const DIGIT_0 = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const SLASH = 47;
const SPACE = 32;
const PLUS = 43;
const LETTER_T = 84;
const LETTER_Z = 90;
/** ORed into an ASCII letter's code, gives the lowercase letter's: `t` and `z` are read as `T` and `Z`. */
const LOWERCASE_BIT = 0x20;

/** The number written by the decimal digits `text[from, to)` (callers check the length), or -1. */
const digitsAt = (text: string, from: number, to: number): number => {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * The common shape `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` (`t` and `z` too) read character by character, with no regular
 * expression, match array or `Date`. Returns `undefined` for anything else, valid or not, so that the
 * strict parser decides: a value is never accepted here that the strict parser would not accept the same.
 */
const parseIsoUtcFast = (text: string): number | undefined => {
  const length = text.length;
  if (
    length < 20 ||
    length > 30 ||
    length === 21 ||
    (text.charCodeAt(length - 1) | LOWERCASE_BIT) !== (LETTER_Z | LOWERCASE_BIT)
  )
    return undefined;
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    (text.charCodeAt(10) | LOWERCASE_BIT) !== (LETTER_T | LOWERCASE_BIT) ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  let ms = 0;
  if (length > 20) {
    if (text.charCodeAt(19) !== DOT || digitsAt(text, 20, length - 1) < 0) return undefined;
    // Milliseconds are the first three fraction digits, right-padded with zeros; the rest is truncated.
    const kept = Math.min(3, length - 21);
    ms = digitsAt(text, 20, 20 + kept) * (kept === 1 ? 100 : kept === 2 ? 10 : 1);
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  return utc(year, month, day, hour, minute, second, ms);
};

/**
 * ISO 8601 / RFC 3339: `2026-11-21T08:30:00Z`, `2026-11-21T08:30:00.123+01:00`, `2026-11-21 08:30:00`,
 * `2026-11-21`. The `T` separator and the `Z` zone may be lowercase, as RFC 3339 allows (section 5.6,
 * `2026-11-21t08:30:00z`). A value without a zone is read as UTC (never as the machine's local time, so every
 * machine gives the same answer). Fractions beyond milliseconds are truncated.
 *
 * @example
 * parseIsoTimestamp('2026-11-21T08:30:00.5Z'); // 1795249800500
 */
export const parseIsoTimestamp = (text: string): number | undefined =>
  parseIsoUtcFast(text) ?? parseIsoStrict(text);

/** The strict ISO 8601 parser, by regular expression (the reference for the fast path; exported for tests). */
export const parseIsoStrict = (text: string): number | undefined => {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const offset = zoneOffsetMs(m[8]);
  if (offset === undefined) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const t = utc(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    fraction,
  );
  return t === undefined ? undefined : t - offset;
};

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

const CLF = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;

/** Month number by the three character codes of its English abbreviation, packed (ASCII only). */
const MONTH_CODES: ReadonlyMap<number, number> = new Map(
  Object.entries(MONTHS).map(([name, month]) => [
    (name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2),
    month,
  ]),
);

/**
 * `dd/Mon/yyyy:HH:MM:SS +hhmm` read character by character; `undefined` for anything else, valid or
 * not, so that the strict parser decides (see {@link parseIsoUtcFast}).
 */
const parseClfFast = (text: string): number | undefined => {
  if (
    text.length !== 26 ||
    text.charCodeAt(2) !== SLASH ||
    text.charCodeAt(6) !== SLASH ||
    text.charCodeAt(11) !== COLON ||
    text.charCodeAt(14) !== COLON ||
    text.charCodeAt(17) !== COLON ||
    text.charCodeAt(20) !== SPACE
  ) {
    return undefined;
  }
  const sign = text.charCodeAt(21);
  if (sign !== PLUS && sign !== DASH) return undefined;
  const c0 = text.charCodeAt(3);
  const c1 = text.charCodeAt(4);
  const c2 = text.charCodeAt(5);
  if (c0 > 127 || c1 > 127 || c2 > 127) return undefined;
  const month = MONTH_CODES.get((c0 << 16) | (c1 << 8) | c2);
  if (month === undefined) return undefined;
  const day = digitsAt(text, 0, 2);
  const year = digitsAt(text, 7, 11);
  const hour = digitsAt(text, 12, 14);
  const minute = digitsAt(text, 15, 17);
  const second = digitsAt(text, 18, 20);
  const zoneHours = digitsAt(text, 22, 24);
  const zoneMinutes = digitsAt(text, 24, 26);
  if (day < 0 || year < 0 || hour < 0 || minute < 0 || second < 0 || zoneHours < 0 || zoneMinutes < 0) {
    return undefined;
  }
  if (zoneHours > 23 || zoneMinutes > 59) return undefined;
  const t = utc(year, month, day, hour, minute, second, 0);
  if (t === undefined) return undefined;
  return t - (sign === DASH ? -1 : 1) * (zoneHours * 60 + zoneMinutes) * 60_000;
};

/**
 * Common Log Format time, as between the brackets of an access log: `10/Oct/2000:13:55:36 -0700`.
 *
 * @example
 * parseClfTimestamp('10/Oct/2000:13:55:36 -0700'); // 971211336000
 */
export const parseClfTimestamp = (text: string): number | undefined =>
  parseClfFast(text) ?? parseClfStrict(text);

/** The strict CLF parser, by regular expression (the reference for the fast path; exported for tests). */
export const parseClfStrict = (text: string): number | undefined => {
  const m = CLF.exec(text);
  if (m === null) return undefined;
  const month = MONTHS[m[2] as string];
  if (month === undefined) return undefined;
  const offset = zoneOffsetMs(m[7]);
  if (offset === undefined) return undefined;
  const t = utc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), 0);
  return t === undefined ? undefined : t - offset;
};

const NUMERIC = /^-?\d+(?:\.\d+)?$/;

const epoch = (value: unknown, scale: number): number | undefined => {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && NUMERIC.test(value)) n = Number(value);
  else return undefined;
  if (!Number.isFinite(n)) return undefined;
  return Math.floor(n * scale);
};

/**
 * Parses an event-time value in the given format; numbers or numeric strings for the epoch formats.
 * Returns epoch milliseconds, or `undefined` if the value does not parse.
 *
 * @example
 * parseTimestamp(1_700_000_000, 'epoch-seconds'); // 1700000000000
 */
export const parseTimestamp = (value: unknown, format: TimestampFormat): number | undefined => {
  switch (format) {
    case 'iso':
      return typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
    case 'clf':
      return typeof value === 'string' ? parseClfTimestamp(value) : undefined;
    case 'epoch-seconds':
      return epoch(value, 1000);
    case 'epoch-millis':
      return epoch(value, 1);
  }
};
