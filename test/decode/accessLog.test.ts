import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AccessLogOptions, accessLog } from '../../shared/decode/accessLog.ts';
import { DecoderConfigError } from '../../shared/decode/errors.ts';
import type { DecodeEmitter } from '../../shared/decode/types.ts';
import type { Fields } from '../../shared/record/types.ts';
import { collectDecode } from '../helpers/collectDecode.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/decode/${name}`, import.meta.url), 'utf8');

const TIME = '10/Oct/2000:13:55:36 -0700';
const HEAD = `127.0.0.1 - - [${TIME}]`;
const COMMON = `${HEAD} "GET / HTTP/1.1" 200 512`;

/** The fields decoded from {@link COMMON}, with overrides. */
const logFields = (overrides: Partial<Record<string, Fields[string]>> = {}): Fields => ({
  ip: '127.0.0.1',
  ident: null,
  user: null,
  time: TIME,
  request: 'GET / HTTP/1.1',
  method: 'GET',
  path: '/',
  protocol: 'HTTP/1.1',
  status: 200,
  bytes: 512,
  referer: null,
  userAgent: null,
  requestTime: null,
  requestTimeMs: null,
  ...overrides,
});

/** Apache-style escaping inside a quoted log field. */
const escapeField = (value: string): string => value.replace(/[\\"]/g, (char) => `\\${char}`);

const nonEmptyLineCount = (text: string): number =>
  text.split('\n').filter((line) => line !== '' && line !== '\r').length;

describe('Function: accessLog', () => {
  it('decodes an Apache Common Log Format file, with IPv6 and "-" bytes', () => {
    // Act
    const result = collectDecode(accessLog(), fixture('apache-common.log'));

    // Assess
    expect(result.rejections).toStrictEqual([]);
    expect(result.records).toStrictEqual([
      {
        fields: logFields({
          user: 'frank',
          request: 'GET /apache_pb.gif HTTP/1.0',
          path: '/apache_pb.gif',
          protocol: 'HTTP/1.0',
          bytes: 2326,
        }),
        line: 0,
      },
      {
        fields: logFields({
          ip: '192.168.1.20',
          time: '28/Jul/2006:10:27:10 -0300',
          request: 'GET /cgi-bin/try/ HTTP/1.0',
          path: '/cgi-bin/try/',
          protocol: 'HTTP/1.0',
          bytes: 3395,
        }),
        line: 1,
      },
      {
        fields: logFields({
          ip: '2001:db8:85a3::8a2e:370:7334',
          time: '28/Jul/2006:10:22:04 -0300',
          request: 'GET / HTTP/1.0',
          protocol: 'HTTP/1.0',
          status: 304,
          bytes: null,
        }),
        line: 2,
      },
    ]);
  });

  it('decodes an Apache Combined Log Format file, with escaped quotes and malformed request lines', () => {
    // Act
    const result = collectDecode(accessLog(), fixture('apache-combined.log'));

    // Assess
    expect(result.rejections).toStrictEqual([]);
    expect(result.records).toStrictEqual([
      {
        fields: logFields({
          user: 'frank',
          request: 'GET /apache_pb.gif HTTP/1.0',
          path: '/apache_pb.gif',
          protocol: 'HTTP/1.0',
          bytes: 2326,
          referer: 'http://www.example.com/start.html',
          userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
        }),
        line: 0,
      },
      {
        fields: logFields({
          ip: '::1',
          time: '21/Nov/2025:08:31:02 +0000',
          request: 'OPTIONS * HTTP/1.0',
          method: 'OPTIONS',
          path: '*',
          protocol: 'HTTP/1.0',
          bytes: 126,
          userAgent: 'Apache/2.4.58 (Ubuntu) (internal dummy connection)',
        }),
        line: 1,
      },
      {
        fields: logFields({
          ip: '203.0.113.9',
          time: '21/Nov/2025:08:31:05 +0000',
          request: '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03',
          method: null,
          path: null,
          protocol: null,
          status: 400,
          bytes: 226,
        }),
        line: 2,
      },
      {
        fields: logFields({
          ip: '198.51.100.7',
          time: '21/Nov/2025:08:31:07 +0000',
          request: 'GET /search?q="quoted" HTTP/1.1',
          path: '/search?q="quoted"',
          userAgent: 'curl/8.5.0',
        }),
        line: 3,
      },
      {
        fields: logFields({
          ip: '198.51.100.7',
          time: '21/Nov/2025:08:31:08 +0000',
          request: null,
          method: null,
          path: null,
          protocol: null,
          status: 408,
          bytes: null,
        }),
        line: 4,
      },
    ]);
  });

  it('decodes an nginx log with "$http_x_forwarded_for" and a trailing "$request_time"', () => {
    // Act
    const result = collectDecode(accessLog(), fixture('nginx-timed.log'));

    // Assess
    expect(result.rejections).toStrictEqual([]);
    expect(result.records).toStrictEqual([
      {
        fields: logFields({
          ip: '10.0.0.12',
          time: '21/Nov/2025:08:31:02 +0000',
          request: 'GET /api/orders?page=2 HTTP/1.1',
          path: '/api/orders?page=2',
          bytes: 1534,
          referer: 'https://shop.example.com/orders',
          userAgent:
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
          requestTime: 0.052,
          requestTimeMs: 52,
        }),
        line: 0,
      },
      {
        fields: logFields({
          ip: '2001:db8::1',
          user: 'alice',
          time: '21/Nov/2025:08:31:03 +0000',
          request: 'POST /api/orders HTTP/2.0',
          method: 'POST',
          path: '/api/orders',
          protocol: 'HTTP/2.0',
          status: 201,
          bytes: 88,
          userAgent: 'okhttp/4.12.0',
          requestTime: 1.005,
          requestTimeMs: 1005,
        }),
        line: 1,
      },
      {
        fields: logFields({
          ip: '10.0.0.13',
          time: '21/Nov/2025:08:31:04 +0000',
          request: '',
          method: null,
          path: null,
          protocol: null,
          status: 400,
          bytes: 0,
          requestTime: 0,
          requestTimeMs: 0,
        }),
        line: 2,
      },
    ]);
  });

  it.each([
    { request: 'GET /a?b=c HTTP/1.1', method: 'GET', path: '/a?b=c', protocol: 'HTTP/1.1' },
    { request: 'PRI * HTTP/2.0', method: 'PRI', path: '*', protocol: 'HTTP/2.0' },
    {
      request: 'GET http://example.com/ HTTP/1.1',
      method: 'GET',
      path: 'http://example.com/',
      protocol: 'HTTP/1.1',
    },
    {
      request: 'CONNECT example.com:443 HTTP/1.1',
      method: 'CONNECT',
      path: 'example.com:443',
      protocol: 'HTTP/1.1',
    },
    { request: 'GET /a b HTTP/1.1', method: 'GET', path: '/a b', protocol: 'HTTP/1.1' },
    { request: 'GET /', method: 'GET', path: '/', protocol: null },
    { request: 'GET /a junk', method: 'GET', path: '/a junk', protocol: null },
    { request: '', method: null, path: null, protocol: null },
    { request: 'GET', method: null, path: null, protocol: null },
    { request: 'GET  HTTP/1.1', method: null, path: null, protocol: null },
    { request: 'G@T / HTTP/1.1', method: null, path: null, protocol: null },
    { request: ' / HTTP/1.1', method: null, path: null, protocol: null },
  ])(
    'splits the request line "$request" (malformed ones give null parts)',
    ({ request, method, path, protocol }) => {
      // Act
      const result = collectDecode(accessLog(), `${HEAD} "${request}" 400 0`);

      // Assess
      expect(result.records).toStrictEqual([
        { fields: logFields({ request, method, path, protocol, status: 400, bytes: 0 }), line: undefined },
      ]);
    },
  );

  it('gives null for a "-" ident, user, referer and user-agent, and keeps other values', () => {
    // Act
    const result = collectDecode(accessLog(), `::1 id bob [${TIME}] "GET / HTTP/1.1" 200 512 "" "-"`);

    // Assess
    expect(result.records[0]?.fields).toStrictEqual(
      logFields({ ip: '::1', ident: 'id', user: 'bob', referer: '', userAgent: null }),
    );
  });

  it('unescapes \\" and \\\\ in quoted fields, and keeps other backslash sequences', () => {
    // Act
    const result = collectDecode(
      accessLog(),
      `${HEAD} "GET /a\\\\b\\x41 HTTP/1.1" 200 512 "-" "say \\"hi\\" \\\\o/"`,
    );

    // Assess
    expect(result.records[0]?.fields).toStrictEqual(
      logFields({
        request: 'GET /a\\b\\x41 HTTP/1.1',
        path: '/a\\b\\x41',
        userAgent: 'say "hi" \\o/',
      }),
    );
  });

  it('accepts a request time right after bytes in Common Log Format, with tabs between fields', () => {
    // Act
    const result = collectDecode(accessLog(), `${COMMON}\t0.250`);

    // Assess
    expect(result.records[0]?.fields).toStrictEqual(logFields({ requestTime: 0.25, requestTimeMs: 250 }));
  });

  describe('Line numbers', () => {
    it.each([
      { kind: 'a single line', payload: COMMON, lines: [undefined] },
      { kind: 'a single line with a trailing break', payload: `${COMMON}\r\n`, lines: [undefined] },
      { kind: 'a single non-empty line after empty ones', payload: `\n\n${COMMON}`, lines: [undefined] },
      { kind: 'two lines', payload: `${COMMON}\n${COMMON}\n`, lines: [0, 1] },
      { kind: 'lines around empty ones, CRLF', payload: `\r\n${COMMON}\r\n\r\n${COMMON}`, lines: [1, 3] },
    ])('$kind gives $lines', ({ payload, lines }) => {
      // Act
      const result = collectDecode(accessLog(), payload);

      // Assess
      expect(result.rejections).toStrictEqual([]);
      expect(result.lines).toStrictEqual(lines);
    });
  });

  describe.each([
    { kind: 'empty payload', payload: '', message: 'the payload is blank' },
    { kind: 'blank payload', payload: ' \r\n\t\n', message: 'the payload is blank' },
  ])('Bad input: $kind', ({ payload, message }) => {
    it('rejects the payload as empty-record', () => {
      // Act
      const result = collectDecode(accessLog(), payload);

      // Assess
      expect(result.rejections).toStrictEqual([
        { reason: 'empty-record', message, line: undefined, excerpt: payload },
      ]);
    });
  });

  it('rejects a whitespace-only line among others as empty-record with its line', () => {
    // Act
    const result = collectDecode(accessLog(), `${COMMON}\n \t \n${COMMON}`);

    // Assess
    expect(result.records.map(({ line }) => line)).toStrictEqual([0, 2]);
    expect(result.rejections).toStrictEqual([
      { reason: 'empty-record', message: 'the line is blank', line: 1, excerpt: ' \t ' },
    ]);
  });

  describe.each([
    {
      kind: 'bad host',
      line: `bad/host - - [${TIME}] "GET / HTTP/1.1" 200 512`,
      message: 'host "bad/host" is not an IP address or hostname',
    },
    { kind: 'host only', line: '127.0.0.1', message: 'the line ends before the ident' },
    { kind: 'no user', line: '127.0.0.1 -', message: 'the line ends before the user' },
    { kind: 'no time', line: '127.0.0.1 - -', message: 'the line ends before the time' },
    {
      kind: 'time without brackets',
      line: `127.0.0.1 - - ${TIME} "GET / HTTP/1.1" 200 512`,
      message: 'expected "[" before the time, found "10/Oct/200"',
    },
    {
      kind: 'unclosed time',
      line: `127.0.0.1 - - [${TIME} "GET / HTTP/1.1" 200 512`,
      message: 'the time has no closing "]"',
    },
    {
      kind: 'unknown month',
      line: '127.0.0.1 - - [10/Foo/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 512',
      message: 'time "10/Foo/2000:13:55:36 -0700" is not a CLF timestamp (dd/Mon/yyyy:HH:MM:SS +hhmm)',
    },
    {
      kind: 'ISO time',
      line: '127.0.0.1 - - [2000-10-10T13:55:36Z] "GET / HTTP/1.1" 200 512',
      message: 'time "2000-10-10T13:55:36Z" is not a CLF timestamp (dd/Mon/yyyy:HH:MM:SS +hhmm)',
    },
    { kind: 'no request', line: HEAD, message: 'the line ends before the request line' },
    {
      kind: 'unquoted request',
      line: `${HEAD} GET / HTTP/1.1 200 512`,
      message: 'expected a quote before the request line, found "GET / HTTP"',
    },
    {
      kind: 'unclosed request',
      line: `${HEAD} "GET / HTTP/1.1 200 512`,
      message: 'the request line has no closing quote',
    },
    {
      kind: 'request escaping its closing quote',
      line: `${HEAD} "GET / HTTP/1.1\\" 200 512`,
      message: 'the request line has no closing quote',
    },
    {
      kind: 'no space after the request',
      line: `${HEAD} "GET / HTTP/1.1"200 512`,
      message: 'expected a space after the request line, found "200 512"',
    },
    {
      kind: 'bad status',
      line: `${HEAD} "GET / HTTP/1.1" 2x0 512`,
      message: 'status "2x0" is not a 3-digit code',
    },
    {
      kind: 'long status',
      line: `${HEAD} "GET / HTTP/1.1" 2000 512`,
      message: 'status "2000" is not a 3-digit code',
    },
    { kind: 'no bytes', line: `${HEAD} "GET / HTTP/1.1" 200`, message: 'the line ends before the bytes' },
    {
      kind: 'bad bytes',
      line: `${HEAD} "GET / HTTP/1.1" 200 12kb`,
      message: 'bytes "12kb" is not a number or "-"',
    },
    { kind: 'referer only', line: `${COMMON} "-"`, message: 'the line ends before the user-agent' },
    {
      kind: 'unquoted user-agent',
      line: `${COMMON} "-" curl`,
      message: 'expected a quote before the user-agent, found "curl"',
    },
    {
      kind: 'unclosed user-agent',
      line: `${COMMON} "-" "curl`,
      message: 'the user-agent has no closing quote',
    },
    {
      kind: 'unclosed extra field',
      line: `${COMMON} "-" "curl" "1.2.3.4`,
      message: 'the extra field has no closing quote',
    },
  ])('Bad input: $kind', ({ line, message }) => {
    it('rejects the line as access-log-syntax, naming the part that failed', () => {
      // Act
      const result = collectDecode(accessLog(), line);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections).toStrictEqual([
        { reason: 'access-log-syntax', message, line: undefined, excerpt: line },
      ]);
    });
  });

  it('cuts and escapes long or unprintable values in messages', () => {
    // Act
    const result = collectDecode(accessLog(), `${HEAD} "GET / HTTP/1.1" ${'9'.repeat(100)}\u0007 512`);

    // Assess
    expect(result.rejections[0]?.message).toBe(`status "${'9'.repeat(40)}…" is not a 3-digit code`);
  });

  describe('Option: format', () => {
    it("'combined' requires referer and user-agent", () => {
      // Act
      const result = collectDecode(accessLog({ format: 'combined' }), COMMON);

      // Assess
      expect(result.rejections).toStrictEqual([
        {
          reason: 'access-log-syntax',
          message: 'expected "referer" "user-agent" after bytes (Combined Log Format)',
          line: undefined,
          excerpt: COMMON,
        },
      ]);
    });

    it("'combined' decodes a Combined line", () => {
      // Act
      const result = collectDecode(accessLog({ format: 'combined' }), `${COMMON} "-" "curl/8"`);

      // Assess
      expect(result.records[0]?.fields).toStrictEqual(logFields({ userAgent: 'curl/8' }));
    });

    it("'common' leaves referer and user-agent null and ignores them as extra fields", () => {
      // Act
      const result = collectDecode(
        accessLog({ format: 'common' }),
        `${COMMON} "https://a.example/" "curl/8" 0.5`,
      );

      // Assess
      expect(result.records[0]?.fields).toStrictEqual(logFields({ requestTime: 0.5, requestTimeMs: 500 }));
    });

    it("'auto' reads both Common and Combined lines in one payload", () => {
      // Act
      const result = collectDecode(accessLog({ format: 'auto' }), `${COMMON}\n${COMMON} "r" "u"`);

      // Assess
      expect(result.records.map(({ fields }) => [fields.referer, fields.userAgent])).toStrictEqual([
        [null, null],
        ['r', 'u'],
      ]);
    });
  });

  describe('Option: extraFields', () => {
    it.each([
      { kind: 'nginx main with request time', tail: ' "-" "curl" "203.0.113.50" 0.052', requestTime: 0.052 },
      { kind: 'a key=value field', tail: ' "-" "curl" rt=0.052', requestTime: null },
      { kind: 'a bare word last', tail: ' "-" "curl" upstream', requestTime: null },
      { kind: 'a number before another field', tail: ' "-" "curl" 0.052 "x"', requestTime: null },
    ])("'ignore' (default) skips $kind", ({ tail, requestTime }) => {
      // Act
      const result = collectDecode(accessLog(), `${COMMON}${tail}`);

      // Assess
      expect(result.rejections).toStrictEqual([]);
      expect(result.records[0]?.fields.requestTime).toBe(requestTime);
    });

    it.each([
      { tail: ' "-" "curl" "203.0.113.50" 0.052', rest: '"203.0.113.50" 0.052' },
      { tail: ' "-" "curl" rt=0.052', rest: 'rt=0.052' },
      { tail: ' 0.052 0.1', rest: '0.052 0.1' },
    ])("'reject' rejects text after the log fields: $rest", ({ tail, rest }) => {
      // Prepare
      const line = `${COMMON}${tail}`;

      // Act
      const result = collectDecode(accessLog({ extraFields: 'reject' }), line);

      // Assess
      expect(result.rejections).toStrictEqual([
        {
          reason: 'access-log-syntax',
          message: `unexpected text after the log fields: "${rest}"`,
          line: undefined,
          excerpt: line,
        },
      ]);
    });

    it("'reject' still accepts a trailing request time", () => {
      // Act
      const result = collectDecode(accessLog({ extraFields: 'reject' }), `${COMMON} "-" "curl" 1.5`);

      // Assess
      expect(result.records[0]?.fields).toStrictEqual(
        logFields({ userAgent: 'curl', requestTime: 1.5, requestTimeMs: 1500 }),
      );
    });

    it("'reject' with format 'common' rejects a Combined line", () => {
      // Act
      const result = collectDecode(
        accessLog({ format: 'common', extraFields: 'reject' }),
        `${COMMON} "-" "curl"`,
      );

      // Assess
      expect(result.rejections[0]?.message).toBe('unexpected text after the log fields: ""-" "curl""');
    });
  });

  describe('Configuration errors', () => {
    it.each([
      {
        options: { format: 'w3c' },
        message: `accessLog option "format" must be 'auto', 'common' or 'combined' (given "w3c")`,
      },
      {
        options: { extraFields: 'keep' },
        message: `accessLog option "extraFields" must be 'ignore' or 'reject' (given "keep")`,
      },
    ])('throws DecoderConfigError: $message', ({ options, message }) => {
      // Act
      const build = (): unknown => accessLog(options as unknown as AccessLogOptions);

      // Assess
      expect(build).toThrow(DecoderConfigError);
      expect(build).toThrow(message);
    });
  });

  describe('Failures', () => {
    it('turns an internal error into one decoder-failure rejection instead of throwing', () => {
      // Prepare
      const hostile = {
        trim: () => {
          throw new Error('boom');
        },
      } as unknown as string;

      // Act
      const result = collectDecode(accessLog(), hostile);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections.map(({ reason, message, line }) => ({ reason, message, line }))).toStrictEqual(
        [
          {
            reason: 'decoder-failure',
            message: 'the access log decoder failed unexpectedly: Error: boom',
            line: undefined,
          },
        ],
      );
    });

    it('lets an error thrown by the emitter propagate, without rejecting the payload', () => {
      // Prepare
      const failure = new Error('sink down');
      const rejected: string[] = [];
      const emit: DecodeEmitter = {
        record: () => {
          throw failure;
        },
        reject: (reason) => {
          rejected.push(reason);
        },
        skip: () => undefined,
      };

      // Act
      const run = (): void => accessLog().decode(COMMON, emit);

      // Assess
      expect(run).toThrow(failure);
      expect(rejected).toStrictEqual([]);
    });
  });

  describe('Properties', () => {
    const twoDigits = (value: number): string => String(value).padStart(2, '0');
    const clfTime = fc
      .record({
        day: fc.integer({ min: 1, max: 28 }),
        month: fc.constantFrom(
          'Jan',
          'Feb',
          'Mar',
          'Apr',
          'May',
          'Jun',
          'Jul',
          'Aug',
          'Sep',
          'Oct',
          'Nov',
          'Dec',
        ),
        year: fc.integer({ min: 1970, max: 9999 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        sign: fc.constantFrom('+', '-'),
        offset: fc.integer({ min: 0, max: 1400 }),
      })
      .map(
        (t) =>
          `${twoDigits(t.day)}/${t.month}/${t.year}:${twoDigits(t.hour)}:${twoDigits(t.minute)}:${twoDigits(t.second)} ${t.sign}${String(t.offset).padStart(4, '0')}`,
      );
    const quotedText = fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).filter((text) => text !== '-');
    const entry = fc.record({
      ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()),
      user: fc.option(fc.stringMatching(/^[a-z0-9._@]{1,12}$/)),
      time: clfTime,
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      path: fc.webPath().map((path) => (path === '' ? '/' : path)),
      protocol: fc.constantFrom('HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0'),
      status: fc.integer({ min: 100, max: 599 }),
      bytes: fc.option(fc.nat({ max: 1_000_000_000 })),
      combined: fc.option(fc.record({ referer: quotedText, userAgent: quotedText })),
      requestTimeMs: fc.option(fc.integer({ min: 0, max: 10_000_000 })),
    });

    it('decodes any well-formed Common or Combined line back to its parts', () => {
      fc.assert(
        fc.property(entry, (e) => {
          // Prepare
          const request = `${e.method} ${e.path} ${e.protocol}`;
          const line = [
            `${e.ip} - ${e.user ?? '-'} [${e.time}] "${escapeField(request)}" ${e.status} ${e.bytes ?? '-'}`,
            e.combined === null
              ? ''
              : ` "${escapeField(e.combined.referer)}" "${escapeField(e.combined.userAgent)}"`,
            e.requestTimeMs === null ? '' : ` ${(e.requestTimeMs / 1000).toFixed(3)}`,
          ].join('');

          // Act
          const result = collectDecode(accessLog(), line);

          // Assess
          expect(result.rejections).toStrictEqual([]);
          expect(result.records).toStrictEqual([
            {
              fields: {
                ip: e.ip,
                ident: null,
                user: e.user,
                time: e.time,
                request,
                method: e.method,
                path: e.path,
                protocol: e.protocol,
                status: e.status,
                bytes: e.bytes,
                referer: e.combined?.referer ?? null,
                userAgent: e.combined?.userAgent ?? null,
                requestTime: e.requestTimeMs === null ? null : e.requestTimeMs / 1000,
                requestTimeMs: e.requestTimeMs,
              },
              line: undefined,
            },
          ]);
        }),
      );
    });

    it('never throws, and conserves: one record or rejection per non-empty line', () => {
      const line = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.constantFrom(COMMON, `${COMMON} "-" "curl" 0.1`, '', ' ', '\r', '"', `${HEAD} "`),
        fc.string({ unit: 'grapheme-ascii' }).map((tail) => `${HEAD} ${tail}`),
      );
      const payload = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc
          .tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
          .map(([lines, eol]) => lines.join(eol)),
      );
      fc.assert(
        fc.property(
          payload,
          fc.constantFrom<AccessLogOptions>({}, { format: 'combined', extraFields: 'reject' }),
          (text, options) => {
            // Act
            const result = collectDecode(accessLog(options), text);

            // Assess
            const count = nonEmptyLineCount(text);
            if (text.trim() === '' || count === 1) {
              expect(result.lines).toStrictEqual([undefined]);
            } else {
              expect(result.lines).toHaveLength(count);
              expect(result.lines.every((index) => typeof index === 'number')).toBe(true);
            }
          },
        ),
      );
    });
  });
});
