import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClfTimestamp, parseIsoTimestamp, parseTimestamp } from '../../shared/time/index.ts';
import { parseClfStrict, parseIsoStrict } from '../../shared/time/timestamp.ts';

describe('Function: parseIsoTimestamp', () => {
  it.each([
    ['2026-11-21T08:30:00Z', '2026-11-21T08:30:00.000Z'],
    ['2026-11-21T08:30:00.123Z', '2026-11-21T08:30:00.123Z'],
    ['2026-11-21T08:30:00.123456789Z', '2026-11-21T08:30:00.123Z'],
    ['2026-11-21T08:30:00+01:00', '2026-11-21T07:30:00.000Z'],
    ['2026-11-21T08:30:00-0530', '2026-11-21T14:00:00.000Z'],
    ['2026-11-21T08:30:00+02', '2026-11-21T06:30:00.000Z'],
    ['2026-11-21 08:30:00', '2026-11-21T08:30:00.000Z'],
    ['2026-11-21T08:30', '2026-11-21T08:30:00.000Z'],
    ['2026-11-21', '2026-11-21T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    // RFC 3339 section 5.6: "T" and "Z" may be lowercase.
    ['2026-12-04t09:35:00Z', '2026-12-04T09:35:00.000Z'],
    ['2026-12-04t09:35:00z', '2026-12-04T09:35:00.000Z'],
    ['2026-12-04T09:35:00.250z', '2026-12-04T09:35:00.250Z'],
    ['2026-12-04t09:35:00.250+01:00', '2026-12-04T08:35:00.250Z'],
    ['2026-12-04t09:35', '2026-12-04T09:35:00.000Z'],
  ])('parses %s (zone-less means UTC)', (input, expected) => {
    expect(new Date(parseIsoTimestamp(input) as number).toISOString()).toBe(expected);
  });

  it.each([
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-11-21T24:00:00Z',
    '2026-11-21T08:60:00Z',
    '2026-11-21T08:30:00+25:00',
    '21/11/2026',
    'Sat Nov 21 2026',
    '2026-11-21T08:30:00ZZ',
    '2026-11-21x08:30:00Z',
    '2026-11-21T08:30:00x',
    '',
    '1700000000',
  ])('rejects %j', (input) => {
    expect(parseIsoTimestamp(input)).toBeUndefined();
  });

  it('agrees with Date.parse on every valid ISO instant with a zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        (date) => {
          const text = date.toISOString();
          expect(parseIsoTimestamp(text)).toBe(Date.parse(text));
        },
      ),
    );
  });
});

describe('Function: parseClfTimestamp', () => {
  it.each([
    ['10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
    ['10/Oct/2000:13:55:36 +0000', '2000-10-10T13:55:36.000Z'],
    ['01/Jan/2026:00:30:00 +0100', '2025-12-31T23:30:00.000Z'],
    ['31/Dec/2025:23:30:00 -0530', '2026-01-01T05:00:00.000Z'],
    ['21/Nov/2026:08:30:00 +0545', '2026-11-21T02:45:00.000Z'],
  ])('parses %s with its time zone', (input, expected) => {
    expect(new Date(parseClfTimestamp(input) as number).toISOString()).toBe(expected);
  });

  it.each([
    '10/oct/2000:13:55:36 -0700',
    '10/Okt/2000:13:55:36 -0700',
    '32/Oct/2000:13:55:36 -0700',
    '10/Oct/2000:13:55:36',
    '10/Oct/2000 13:55:36 -0700',
    '[10/Oct/2000:13:55:36 -0700]',
    '10/Oct/2000:13:55:36 -2500',
  ])('rejects %j', (input) => {
    expect(parseClfTimestamp(input)).toBeUndefined();
  });
});

describe('Function: parseTimestamp', () => {
  it.each([
    [1_700_000_000, 'epoch-seconds', 1_700_000_000_000],
    ['1700000000', 'epoch-seconds', 1_700_000_000_000],
    [1_700_000_000.5, 'epoch-seconds', 1_700_000_000_500],
    [1_700_000_000_123, 'epoch-millis', 1_700_000_000_123],
    ['1700000000123', 'epoch-millis', 1_700_000_000_123],
    ['2023-11-14T22:13:20Z', 'iso', 1_700_000_000_000],
    ['14/Nov/2023:22:13:20 +0000', 'clf', 1_700_000_000_000],
  ] as const)('parses %j as %s', (value, format, expected) => {
    expect(parseTimestamp(value, format)).toBe(expected);
  });

  it.each([
    ['abc', 'epoch-seconds'],
    [Number.NaN, 'epoch-millis'],
    [Number.POSITIVE_INFINITY, 'epoch-seconds'],
    [true, 'epoch-seconds'],
    [1_700_000_000, 'iso'],
    [null, 'clf'],
    ['1e3', 'epoch-millis'],
  ] as const)('rejects %j as %s', (value, format) => {
    expect(parseTimestamp(value, format)).toBeUndefined();
  });
});

describe('Fast paths of the timestamp parsers', () => {
  const isoLike = fc
    .tuple(
      fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
      fc.constantFrom('T', 't', ' '),
      fc.constantFrom('', '.5', '.123', '.123456'),
      fc.constantFrom('Z', 'z', '', '+00:00', '-05:30', '+0100', '+14'),
    )
    .map(
      ([date, sep, fraction, zone]) =>
        `${date.toISOString().slice(0, 10)}${sep}${date.toISOString().slice(11, 19)}${fraction}${zone}`,
    );
  const mutate = (text: string, at: number, char: string): string =>
    text.slice(0, at) + char + text.slice(at + 1);
  const anyChar = fc.constantFrom('0', '9', ':', '-', 'T', 't', 'Z', 'z', ' ', '+', '.', 'x', '/', '\u0660');

  it('parseIsoTimestamp equals the strict parser on valid and mutated ISO strings', () => {
    fc.assert(
      fc.property(isoLike, fc.nat(), anyChar, fc.boolean(), (text, at, char, mutated) => {
        const input = mutated ? mutate(text, at % text.length, char) : text;
        expect(parseIsoTimestamp(input)).toBe(parseIsoStrict(input));
      }),
      { numRuns: 3000 },
    );
  });

  const clfLike = fc
    .tuple(
      fc.date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      fc.constantFrom('+0000', '-0700', '+0545', '+1400', '-1200'),
    )
    .map(([date, zone]) => {
      const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} ${zone}`;
    });

  it('parseClfTimestamp equals the strict parser on valid and mutated CLF strings', () => {
    fc.assert(
      fc.property(clfLike, fc.nat(), anyChar, fc.boolean(), (text, at, char, mutated) => {
        const input = mutated ? mutate(text, at % text.length, char) : text;
        expect(parseClfTimestamp(input)).toBe(parseClfStrict(input));
      }),
      { numRuns: 3000 },
    );
  });
});
