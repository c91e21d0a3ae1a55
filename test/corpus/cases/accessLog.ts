import { requestsByIp } from '../../../shared/examples/index.ts';
import { logLine } from './pipelines.ts';
import type { CorpusCase } from './types.ts';

const COMBINED_TAIL = ' "https://example.com/" "Mozilla/5.0 (X11; Linux x86_64)"';

/** Bad and tricky access log lines (decoder `accessLog()`, pipeline requestsByIp). */
export const accessLogCases: readonly CorpusCase[] = [
  // Accepted variants
  {
    name: 'IPv6 client address',
    pipeline: requestsByIp,
    payload: logLine({ ip: '2001:db8::1' }),
    expected: 'folded',
  },
  {
    name: 'bracketed IPv6 address with a zone',
    pipeline: requestsByIp,
    payload: logLine({ ip: '[fe80::1%eth0]' }),
    expected: 'folded',
  },
  { name: 'bytes "-"', pipeline: requestsByIp, payload: logLine({ bytes: '-' }), expected: 'folded' },
  {
    name: 'request line "-"',
    pipeline: requestsByIp,
    payload: logLine({ request: '-', status: '408', bytes: '0' }),
    expected: 'folded',
  },
  {
    name: 'TLS handshake bytes logged as the request',
    pipeline: requestsByIp,
    payload: logLine({
      request: '\\x16\\x03\\x01\\x00\\xa5\\x01\\x00\\x00\\xa1\\x03\\x03',
      status: '400',
      bytes: '157',
    }),
    expected: 'folded',
  },
  {
    name: 'combined format with an escaped quote in the user agent',
    pipeline: requestsByIp,
    payload: `${logLine()} "-" "curl/8.5 \\"quoted\\""`,
    expected: 'folded',
  },
  {
    name: 'combined format with a request time',
    pipeline: requestsByIp,
    payload: `${logLine()}${COMBINED_TAIL} 0.125`,
    expected: 'folded',
  },
  {
    name: 'access log line with CRLF',
    pipeline: requestsByIp,
    payload: `${logLine()}\r\n`,
    expected: 'folded',
  },
  {
    name: 'user agent of 500 KB',
    pipeline: requestsByIp,
    payload: `${logLine()} "-" "${'A'.repeat(500_000)}"`,
    expected: 'folded',
  },
  {
    name: 'ANSI escape in the request path',
    pipeline: requestsByIp,
    payload: logLine({ request: 'GET /\u001b[2J\u001b[31mowned HTTP/1.1' }),
    expected: 'folded',
    note: 'paths are metric values, not keys: stored as they are (escaped in excerpts only)',
  },
  // Missing fields and garbage
  {
    name: 'line that ends after the time',
    pipeline: requestsByIp,
    payload: '203.0.113.9 - - [21/Nov/2026:08:30:01 +0000]',
    expected: 'access-log-syntax',
  },
  {
    name: 'line that is only an IP address',
    pipeline: requestsByIp,
    payload: '203.0.113.9',
    expected: 'access-log-syntax',
  },
  {
    name: 'line without the bytes field',
    pipeline: requestsByIp,
    payload: logLine().replace(/ 512$/, ''),
    expected: 'access-log-syntax',
  },
  {
    name: 'English sentence',
    pipeline: requestsByIp,
    payload: 'the quick brown fox jumps over the lazy dog',
    expected: 'access-log-syntax',
  },
  {
    name: 'JSON sent to an access-log pipeline',
    pipeline: requestsByIp,
    payload: '{"ip":"203.0.113.9","status":200}',
    expected: 'access-log-syntax',
  },
  {
    name: 'host with shell characters',
    pipeline: requestsByIp,
    payload: logLine({ ip: '$(reboot);' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'request line without a closing quote',
    pipeline: requestsByIp,
    payload: '203.0.113.9 - - [21/Nov/2026:08:30:01 +0000] "GET / HTTP/1.1 200 512',
    expected: 'access-log-syntax',
  },
  {
    name: 'time without a closing bracket',
    pipeline: requestsByIp,
    payload: '203.0.113.9 - - [21/Nov/2026:08:30:01 +0000 "GET / HTTP/1.1" 200 512',
    expected: 'access-log-syntax',
  },
  // Bad values
  {
    name: 'status not a number',
    pipeline: requestsByIp,
    payload: logLine({ status: 'OK' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'status of four digits',
    pipeline: requestsByIp,
    payload: logLine({ status: '2000' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'negative bytes',
    pipeline: requestsByIp,
    payload: logLine({ bytes: '-5' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'bytes of 16 digits',
    pipeline: requestsByIp,
    payload: logLine({ bytes: '1234567890123456' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'date with an unknown month',
    pipeline: requestsByIp,
    payload: logLine({ time: '21/Foo/2026:08:30:01 +0000' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'ISO date inside the brackets',
    pipeline: requestsByIp,
    payload: logLine({ time: '2026-11-21T08:30:01Z' }),
    expected: 'access-log-syntax',
  },
  {
    name: 'day 32 of November',
    pipeline: requestsByIp,
    payload: logLine({ time: '32/Nov/2026:08:30:01 +0000' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'zone offset +9999',
    pipeline: requestsByIp,
    payload: logLine({ time: '21/Nov/2026:08:30:01 +9999' }),
    expected: 'invalid-timestamp',
  },
  // Time range and keys
  {
    name: 'CLF time at the 1970 epoch',
    pipeline: requestsByIp,
    payload: logLine({ time: '01/Jan/1970:00:00:00 +0000' }),
    expected: 'late',
  },
  {
    name: 'CLF time in 1970 whose zone puts it in 1969',
    pipeline: requestsByIp,
    payload: logLine({ time: '01/Jan/1970:00:30:00 +0100' }),
    expected: 'timestamp-out-of-range',
  },
  {
    name: 'CLF time in 9999',
    pipeline: requestsByIp,
    payload: logLine({ time: '31/Dec/9999:23:59:59 +0000' }),
    expected: 'timestamp-in-future',
  },
  {
    name: 'host name of 1,000 characters',
    pipeline: requestsByIp,
    payload: logLine({ ip: 'h'.repeat(1000) }),
    expected: 'group-key-too-long',
  },
];
