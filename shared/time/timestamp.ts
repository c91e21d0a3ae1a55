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
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const daysInMonth = (year: number, month: number): number => {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
};

const zoneOffsetMs = (zone: string | undefined): number | undefined => {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes) * 60_000;
};

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
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), ms);
  return date.getTime();
};

/**
 * ISO 8601 / RFC 3339: `2026-11-21T08:30:00Z`, `2026-11-21T08:30:00.123+01:00`, `2026-11-21 08:30:00`,
 * `2026-11-21`. A value without a zone is read as UTC (never as the machine's local time, so every
 * machine gives the same answer). Fractions beyond milliseconds are truncated.
 *
 * @example
 * parseIsoTimestamp('2026-11-21T08:30:00.5Z'); // 1795249800500
 */
export const parseIsoTimestamp = (text: string): number | undefined => {
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

/**
 * Common Log Format time, as between the brackets of an access log: `10/Oct/2000:13:55:36 -0700`.
 *
 * @example
 * parseClfTimestamp('10/Oct/2000:13:55:36 -0700'); // 971211336000
 */
export const parseClfTimestamp = (text: string): number | undefined => {
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
