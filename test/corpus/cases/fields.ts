import { ohlc, sensorStats } from '../../../shared/examples/index.ts';
import {
  ARRIVAL_MS,
  keyed,
  keyedRecord,
  keyText,
  nested,
  numberRange,
  pair,
  protoGroup,
  protoMetric,
  protoTime,
  reading,
  trade,
} from './pipelines.ts';
import type { CorpusCase } from './types.ts';

const MINUTE = 60_000;
/** Allowed clock skew and lateness of every corpus pipeline. */
const SKEW_MS = 5 * MINUTE;
const LATENESS_MS = 5 * MINUTE;
/** The window whose end plus lateness is exactly the arrival time: 08:28–08:29, final at 08:34. */
const LAST_ON_TIME_WINDOW = ARRIVAL_MS - LATENESS_MS - MINUTE;
const iso = (ms: number): string => new Date(ms).toISOString();

/** Event times, group keys and metric fields: what the fold (not the decoder) sets aside. */
export const fieldCases: readonly CorpusCase[] = [
  // Event time range
  {
    name: 'ISO time at the 1970 epoch',
    pipeline: ohlc,
    payload: trade({ time: '1970-01-01T00:00:00Z' }),
    expected: 'late',
  },
  {
    name: 'ISO time in 1969',
    pipeline: ohlc,
    payload: trade({ time: '1969-12-31T23:59:59Z' }),
    expected: 'timestamp-out-of-range',
  },
  {
    name: 'ISO time at the end of 9999',
    pipeline: ohlc,
    payload: trade({ time: '9999-12-31T23:59:59.999Z' }),
    expected: 'timestamp-in-future',
  },
  {
    name: 'epoch millis in the year 10000',
    pipeline: keyed,
    payload: keyedRecord({ t: 253_402_300_800_000 }),
    expected: 'timestamp-out-of-range',
  },
  {
    name: 'epoch millis -1',
    pipeline: keyed,
    payload: keyedRecord({ t: -1 }),
    expected: 'timestamp-out-of-range',
  },
  {
    name: 'epoch millis 1e400',
    pipeline: keyed,
    payload: keyedRecord({ t: 0 }).replace('"t":0', '"t":1e400'),
    expected: 'invalid-timestamp',
  },
  {
    name: 'epoch millis in exponent notation as a string',
    pipeline: keyed,
    payload: keyedRecord({ t: '1.7e12' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'epoch millis as a boolean',
    pipeline: keyed,
    payload: keyedRecord({ t: true }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'record of 1970 arriving in 1970',
    pipeline: keyed,
    payload: keyedRecord({ t: 30_000 }),
    arrivalMs: 90_000,
    expected: 'folded',
    note: 'the window starting at epoch 0 is a valid window',
  },
  // Event time syntax
  {
    name: 'ISO date of February 30',
    pipeline: ohlc,
    payload: trade({ time: '2026-02-30T08:30:01Z' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'ISO hour 24',
    pipeline: ohlc,
    payload: trade({ time: '2026-11-21T24:00:00Z' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'ISO zone +25:00',
    pipeline: ohlc,
    payload: trade({ time: '2026-11-21T08:30:01+25:00' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'ISO time with a leading space',
    pipeline: ohlc,
    payload: trade({ time: ' 2026-11-21T08:30:01Z' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'time "yesterday"',
    pipeline: ohlc,
    payload: trade({ time: 'yesterday' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'ISO time as a number',
    pipeline: ohlc,
    payload: trade({ time: ARRIVAL_MS }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'time as an object',
    pipeline: ohlc,
    payload: trade({ time: { $date: '2026-11-21T08:30:01Z' } }),
    expected: 'invalid-timestamp',
  },
  { name: 'time missing', pipeline: ohlc, payload: trade({ time: undefined }), expected: 'missing-field' },
  { name: 'time null', pipeline: ohlc, payload: trade({ time: null }), expected: 'missing-field' },
  // Lateness and clock skew
  {
    name: 'record an hour past its window',
    pipeline: ohlc,
    payload: trade({ time: iso(ARRIVAL_MS - 60 * MINUTE) }),
    expected: 'late',
  },
  {
    name: 'record a year past its window',
    pipeline: keyed,
    payload: keyedRecord({ t: ARRIVAL_MS - 365 * 24 * 60 * MINUTE }),
    expected: 'late',
  },
  {
    name: 'record 1 ms past the allowed lateness',
    pipeline: keyed,
    payload: keyedRecord({ t: LAST_ON_TIME_WINDOW - 1 }),
    expected: 'late',
  },
  {
    name: 'record exactly at the allowed lateness',
    pipeline: keyed,
    payload: keyedRecord({ t: LAST_ON_TIME_WINDOW }),
    expected: 'folded',
  },
  {
    name: 'event time 1 ms past the clock skew',
    pipeline: keyed,
    payload: keyedRecord({ t: ARRIVAL_MS + SKEW_MS + 1 }),
    expected: 'timestamp-in-future',
  },
  {
    name: 'event time exactly at the clock skew',
    pipeline: keyed,
    payload: keyedRecord({ t: ARRIVAL_MS + SKEW_MS }),
    expected: 'folded',
  },
  {
    name: 'hopping record late for some of its windows',
    pipeline: sensorStats,
    payload: reading({ time: iso(ARRIVAL_MS - 7 * MINUTE) }),
    expected: 'folded',
    note: 'the windows it missed count as lateAssignments, not as a late record',
  },
  {
    name: 'hopping record late for all five windows',
    pipeline: sensorStats,
    payload: reading({ time: iso(ARRIVAL_MS - 11 * MINUTE) }),
    expected: 'late',
  },
  // Group key length (DynamoDB sort key budget: 900 bytes of UTF-8)
  {
    name: 'group key of 901 ASCII bytes',
    pipeline: keyed,
    payload: keyedRecord({ g: 'k'.repeat(901) }),
    expected: 'group-key-too-long',
  },
  {
    name: 'group key of exactly 900 ASCII bytes',
    pipeline: keyed,
    payload: keyedRecord({ g: 'k'.repeat(900) }),
    expected: 'folded',
  },
  {
    name: 'group key of 301 euro signs (903 bytes)',
    pipeline: keyed,
    payload: keyedRecord({ g: '€'.repeat(301) }),
    expected: 'group-key-too-long',
  },
  {
    name: 'group key of 300 euro signs (900 bytes)',
    pipeline: keyed,
    payload: keyedRecord({ g: '€'.repeat(300) }),
    expected: 'folded',
  },
  {
    name: 'group key of 226 emoji (904 bytes, 452 UTF-16 units)',
    pipeline: keyed,
    payload: keyedRecord({ g: '😀'.repeat(226) }),
    expected: 'group-key-too-long',
  },
  {
    name: 'group key that escaping makes too long',
    pipeline: pair,
    payload: JSON.stringify({ a: '|'.repeat(450), b: 'x', t: ARRIVAL_MS - MINUTE }),
    expected: 'group-key-too-long',
    note: '450 characters escape to 1,350 bytes (%7C)',
  },
  {
    name: 'group key of 100 KB',
    pipeline: keyed,
    payload: keyedRecord({ g: 'k'.repeat(100_000) }),
    expected: 'group-key-too-long',
  },
  // Group key content
  {
    name: 'line feed in a group value',
    pipeline: keyed,
    payload: keyedRecord({ g: 'alpha\nINFO forged log line' }),
    expected: 'invalid-group-key',
  },
  {
    name: 'escaped NUL in a group value',
    pipeline: ohlc,
    payload: trade({ symbol: 'AC\u0000ME' }),
    expected: 'invalid-group-key',
  },
  {
    name: 'ANSI escape in a group value',
    pipeline: keyed,
    payload: keyedRecord({ g: '\u001b[2Jalpha' }),
    expected: 'invalid-group-key',
  },
  {
    name: 'DEL in a group value',
    pipeline: keyed,
    payload: keyedRecord({ g: 'alpha\u007f' }),
    expected: 'invalid-group-key',
  },
  {
    name: 'C1 control NEL (U+0085) in a group value',
    pipeline: keyText,
    payload: keyedRecord({ g: 'alpha\u0085beta' }),
    expected: 'invalid-group-key',
    note: 'BUG: BatchFolder CONTROL only covers C0 and DEL; U+0080–U+009F are control characters too',
  },
  {
    name: 'lone surrogate in a group value',
    pipeline: keyText,
    payload: keyedRecord({ g: 'alpha\ud800' }),
    expected: 'invalid-group-key',
    note: 'BUG: accepted; not representable in UTF-8, so the DynamoDB key is not the group key',
  },
  {
    name: 'group value an object',
    pipeline: keyed,
    payload: keyedRecord({ g: { name: 'alpha' } }),
    expected: 'invalid-group-key',
  },
  {
    name: 'group value an array',
    pipeline: keyed,
    payload: keyedRecord({ g: ['alpha'] }),
    expected: 'invalid-group-key',
  },
  {
    name: 'group value missing',
    pipeline: keyed,
    payload: keyedRecord({ g: undefined }),
    expected: 'missing-field',
  },
  { name: 'group value null', pipeline: keyed, payload: keyedRecord({ g: null }), expected: 'missing-field' },
  { name: 'group value a number', pipeline: keyed, payload: keyedRecord({ g: 1e21 }), expected: 'folded' },
  {
    name: 'group value an empty string',
    pipeline: keyed,
    payload: keyedRecord({ g: '' }),
    expected: 'folded',
  },
  {
    name: 'group value __proto__',
    pipeline: keyed,
    payload: keyedRecord({ g: '__proto__' }),
    expected: 'folded',
  },
  {
    name: 'group value constructor',
    pipeline: ohlc,
    payload: trade({ symbol: 'constructor' }),
    expected: 'folded',
  },
  {
    name: 'group values with separators and percent signs',
    pipeline: pair,
    payload: JSON.stringify({ a: 'a|b', b: '100%', t: ARRIVAL_MS - MINUTE }),
    expected: 'folded',
  },
  {
    name: 'nested group field hidden under an own __proto__',
    pipeline: nested,
    payload: JSON.stringify({ user: { ['__proto__']: { id: 'u-9' } }, t: ARRIVAL_MS - MINUTE }),
    expected: 'missing-field',
  },
  {
    name: 'nested group field under a string',
    pipeline: nested,
    payload: JSON.stringify({ user: 'u-1', t: ARRIVAL_MS - MINUTE }),
    expected: 'missing-field',
  },
  // Fields named like Object.prototype members (pipeline definitions a user may well write)
  {
    name: 'group field "constructor" missing',
    pipeline: protoGroup,
    payload: JSON.stringify({ t: ARRIVAL_MS - MINUTE }),
    expected: 'missing-field',
    note: 'BUG: the getter returns Object.prototype.constructor; describe() then throws a TypeError out of fold()',
  },
  {
    name: 'metric field "valueOf" missing',
    pipeline: protoMetric,
    payload: JSON.stringify({ g: 'alpha', t: ARRIVAL_MS - MINUTE }),
    expected: 'missing-field',
    note: 'BUG: same root cause, the TypeError comes from readers.ts describe()',
  },
  {
    name: 'event time field "toString" missing',
    pipeline: protoTime,
    payload: JSON.stringify({ g: 'alpha' }),
    expected: 'missing-field',
    note: 'BUG: same root cause',
  },
  // Metric fields
  {
    name: 'metric value a string',
    pipeline: keyed,
    payload: keyedRecord({ v: '7' }),
    expected: 'invalid-field-type',
  },
  {
    name: 'metric value a boolean',
    pipeline: keyed,
    payload: keyedRecord({ v: true }),
    expected: 'invalid-field-type',
  },
  {
    name: 'metric value an array',
    pipeline: keyed,
    payload: keyedRecord({ v: [7] }),
    expected: 'invalid-field-type',
  },
  {
    name: 'metric value an object',
    pipeline: keyed,
    payload: keyedRecord({ v: { value: 7 } }),
    expected: 'invalid-field-type',
  },
  {
    name: 'metric value 1e400',
    pipeline: keyed,
    payload: keyedRecord({ v: 0 }).replace('"v":0', '"v":1e400'),
    expected: 'invalid-number',
  },
  {
    name: 'metric value missing',
    pipeline: keyed,
    payload: keyedRecord({ v: undefined }),
    expected: 'missing-field',
  },
  {
    name: 'metric value null',
    pipeline: keyed,
    payload: keyedRecord({ v: null }),
    expected: 'missing-field',
  },
  {
    name: 'metric value -0',
    pipeline: keyed,
    payload: keyedRecord({ v: 0 }).replace('"v":0', '"v":-0'),
    expected: 'folded',
  },
  {
    name: 'metric value 2^53+1',
    pipeline: keyed,
    payload: keyedRecord({ v: 0 }).replace('"v":0', '"v":9007199254740993'),
    expected: 'folded',
    note: 'accepted as 9007199254740992 (JSON numbers are doubles)',
  },
  // Finite doubles outside DynamoDB's number range: folded, but see the integration test of numberRange
  {
    name: 'metric value 1.7976931348623157e308 (largest double)',
    pipeline: numberRange,
    payload: keyedRecord({ v: Number.MAX_VALUE }),
    expected: 'folded',
    note: 'BUG: the results item cannot be written (DynamoDB "Number overflow"); the batch fails on every retry',
  },
  {
    name: 'metric value 1e126 (past DynamoDB numbers)',
    pipeline: numberRange,
    payload: keyedRecord({ g: 'gamma', v: 1e126 }),
    expected: 'folded',
    note: 'BUG: as above',
  },
  {
    name: 'metric value 1e-131 (under DynamoDB numbers)',
    pipeline: numberRange,
    payload: keyedRecord({ g: 'delta', v: 1e-131 }),
    expected: 'folded',
    note: 'BUG: DynamoDB "Number underflow"; as above',
  },
];
