import { ohlc, sensorStats } from '../../../shared/examples/index.ts';
import { reading, trade } from './pipelines.ts';
import type { CorpusCase } from './types.ts';

const good = trade();
/** The good trade without its closing brace, so more fields can follow. */
const open = good.slice(0, -1);

/** Bad and tricky JSON payloads (decoder `json()`, pipelines ohlc and sensorStats). */
export const jsonCases: readonly CorpusCase[] = [
  // Syntax
  {
    name: 'JSON truncated after a value',
    pipeline: ohlc,
    payload: '{"symbol":"ACME","price":1',
    expected: 'invalid-json',
  },
  {
    name: 'JSON truncated inside a string',
    pipeline: ohlc,
    payload: '{"symbol":"AC',
    expected: 'invalid-json',
  },
  { name: 'JSON truncated to an opening brace', pipeline: ohlc, payload: '{', expected: 'invalid-json' },
  { name: 'NaN literal', pipeline: ohlc, payload: `${open},"price":NaN}`, expected: 'invalid-json' },
  { name: 'Infinity literal', pipeline: ohlc, payload: `${open},"qty":Infinity}`, expected: 'invalid-json' },
  {
    name: '-Infinity literal',
    pipeline: ohlc,
    payload: `${open},"price":-Infinity}`,
    expected: 'invalid-json',
  },
  { name: 'hexadecimal number', pipeline: ohlc, payload: `${open},"qty":0x10}`, expected: 'invalid-json' },
  { name: 'single-quoted strings', pipeline: ohlc, payload: "{'symbol':'ACME'}", expected: 'invalid-json' },
  { name: 'trailing comma', pipeline: ohlc, payload: `${open},}`, expected: 'invalid-json' },
  { name: 'comment inside JSON', pipeline: ohlc, payload: `${open} /* hi */}`, expected: 'invalid-json' },
  { name: 'garbage after the object', pipeline: ohlc, payload: `${good} trailing`, expected: 'invalid-json' },
  { name: 'two objects on one line', pipeline: ohlc, payload: `${good}${good}`, expected: 'invalid-json' },
  {
    name: 'raw NUL byte inside a JSON string',
    pipeline: ohlc,
    payload: `${open},"note":"a\u0000b"}`,
    expected: 'invalid-json',
  },
  {
    name: 'raw tab inside a JSON string',
    pipeline: ohlc,
    payload: `${open},"note":"a\tb"}`,
    expected: 'invalid-json',
  },
  // Shape
  { name: 'top-level array', pipeline: ohlc, payload: `[${good}]`, expected: 'not-an-object' },
  { name: 'top-level string', pipeline: ohlc, payload: '"ACME"', expected: 'not-an-object' },
  { name: 'top-level number', pipeline: ohlc, payload: '42', expected: 'not-an-object' },
  { name: 'top-level null', pipeline: ohlc, payload: 'null', expected: 'not-an-object' },
  { name: 'empty object', pipeline: ohlc, payload: '{}', expected: 'missing-field' },
  { name: 'whitespace-only JSON payload', pipeline: ohlc, payload: ' \t\r\n  \n', expected: 'empty-record' },
  // Depth
  {
    name: 'object nested 40 levels deep',
    pipeline: ohlc,
    payload: `${open},"n":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`,
    expected: 'json-too-deep',
  },
  {
    name: 'array nested 100,000 levels deep inside an object',
    pipeline: ohlc,
    payload: `${open},"n":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    expected: 'json-too-deep',
  },
  {
    name: 'top-level array nested 500,000 levels deep (1 MB)',
    pipeline: ohlc,
    payload: `${'['.repeat(500_000)}${']'.repeat(500_000)}`,
    expected: 'not-an-object',
    note: 'checked as "not an object" before depth; JSON.parse is iterative in V8, so no stack overflow',
  },
  {
    name: 'nesting exactly at the limit (32 levels)',
    pipeline: ohlc,
    payload: `${open},"n":${'{"a":'.repeat(31)}1${'}'.repeat(31)}}`,
    expected: 'folded',
  },
  // Numbers
  {
    name: 'price 1e400 (beyond double precision)',
    pipeline: ohlc,
    payload: trade({ price: 0 }).replace('"price":0', '"price":1e400'),
    expected: 'invalid-number',
    note: 'JSON.parse gives Infinity',
  },
  {
    name: 'qty -1e400',
    pipeline: ohlc,
    payload: trade({ qty: 0 }).replace('"qty":0', '"qty":-1e400'),
    expected: 'invalid-number',
  },
  {
    name: 'qty 2^53+1',
    pipeline: ohlc,
    payload: trade({ qty: 0 }).replace('"qty":0', '"qty":9007199254740993'),
    expected: 'folded',
    note: 'accepted, but read as 9007199254740992: integers past 2^53 silently lose precision in JSON.parse',
  },
  {
    name: 'qty 1e-400 (underflows to 0)',
    pipeline: ohlc,
    payload: trade({ qty: 0 }).replace('"qty":0', '"qty":1e-400'),
    expected: 'folded',
  },
  {
    name: 'duplicate key whose last value is 1e400',
    pipeline: ohlc,
    payload: `${open},"price":1e400}`,
    expected: 'invalid-number',
    note: 'the last duplicate wins',
  },
  {
    name: 'humidity as a numeric string',
    pipeline: sensorStats,
    payload: reading({ humidity: '55' }),
    expected: 'invalid-field-type',
  },
  {
    name: 'temperature as an object',
    pipeline: sensorStats,
    payload: reading({ temperature: { c: 21 } }),
    expected: 'invalid-field-type',
  },
  // Accepted
  { name: 'JSON after a UTF-8 BOM', pipeline: ohlc, payload: `\ufeff${good}`, expected: 'folded' },
  { name: 'JSON with a CRLF line end', pipeline: ohlc, payload: `${good}\r\n`, expected: 'folded' },
  {
    name: 'NDJSON of one line and blank CRLF lines',
    pipeline: ohlc,
    payload: `\r\n${good}\r\n\r\n`,
    expected: 'folded',
  },
  {
    name: 'escaped NUL in a field that is not used',
    pipeline: ohlc,
    payload: `${open},"note":"a\\u0000b"}`,
    expected: 'folded',
  },
  // Prototype pollution: JSON.parse defines own properties, it never sets a prototype.
  {
    name: '__proto__ key carrying fields',
    pipeline: ohlc,
    payload: `${open},"__proto__":{"polluted":true,"price":1e400}}`,
    expected: 'folded',
  },
  {
    name: 'constructor.prototype keys',
    pipeline: ohlc,
    payload: `${open},"constructor":{"prototype":{"polluted":true}}}`,
    expected: 'folded',
  },
  {
    name: '__proto__ replacing the whole record',
    pipeline: ohlc,
    payload: `{"__proto__":${good}}`,
    expected: 'missing-field',
    note: 'the trade hides under an own "__proto__" key; nothing is inherited',
  },
  // Long lines
  {
    name: 'one 900 KB JSON line',
    pipeline: ohlc,
    payload: `${open},"pad":"${'x'.repeat(900_000)}"}`,
    expected: 'folded',
  },
  {
    name: 'one 900 KB JSON line with an error at its end',
    pipeline: ohlc,
    payload: `${open},"pad":"${'x'.repeat(900_000)}"`,
    expected: 'invalid-json',
  },
];
