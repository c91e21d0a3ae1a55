import { categoryAverages } from '../../../shared/examples/index.ts';
import { EVENT_MS, headerCsv, row, typedCsv } from './pipelines.ts';
import type { CorpusCase } from './types.ts';

const time = new Date(EVENT_MS).toISOString();
const HEADER = 'time,category,price,quantity';

/** Bad and tricky CSV payloads (decoder `csv()`, pipelines categoryAverages, typedCsv, headerCsv). */
export const csvCases: readonly CorpusCase[] = [
  // Quoting
  {
    name: 'unterminated quoted field',
    pipeline: categoryAverages,
    payload: row({ category: '"books' }),
    expected: 'csv-quote',
  },
  {
    name: 'stray quote inside an unquoted field',
    pipeline: categoryAverages,
    payload: row({ category: 'bo"oks' }),
    expected: 'csv-quote',
  },
  {
    name: 'text after a closing quote',
    pipeline: categoryAverages,
    payload: row({ category: '"books"x' }),
    expected: 'csv-quote',
  },
  {
    name: 'unterminated quote swallowing later lines',
    pipeline: categoryAverages,
    payload: `${row({ category: '"books' })}\n${row()}\n${row()}`,
    expected: 'csv-quote',
    note: 'the open quote takes the rest of the payload with it: one rejection, not three records',
  },
  // Column count
  {
    name: 'CSV row with too few fields',
    pipeline: categoryAverages,
    payload: `${time},books,12.5`,
    expected: 'csv-column-count',
  },
  {
    name: 'CSV row with too many fields',
    pipeline: categoryAverages,
    payload: `${row()},extra`,
    expected: 'csv-column-count',
  },
  {
    name: 'plain text sent to a CSV pipeline',
    pipeline: categoryAverages,
    payload: 'hello world',
    expected: 'csv-column-count',
  },
  {
    name: 'semicolon-delimited row',
    pipeline: categoryAverages,
    payload: `${time};books;12.5;2`,
    expected: 'csv-column-count',
  },
  // Typed values
  {
    name: 'price not a number',
    pipeline: categoryAverages,
    payload: row({ price: 'abc' }),
    expected: 'csv-type',
  },
  { name: 'price NaN', pipeline: categoryAverages, payload: row({ price: 'NaN' }), expected: 'csv-type' },
  {
    name: 'price Infinity',
    pipeline: categoryAverages,
    payload: row({ price: 'Infinity' }),
    expected: 'csv-type',
  },
  {
    name: 'price 1e400 (out of the double range)',
    pipeline: categoryAverages,
    payload: row({ price: '1e400' }),
    expected: 'csv-type',
  },
  {
    name: 'price in hexadecimal',
    pipeline: categoryAverages,
    payload: row({ price: '0x1F' }),
    expected: 'csv-type',
  },
  {
    name: 'price with a unit suffix',
    pipeline: categoryAverages,
    payload: row({ price: '12abc' }),
    expected: 'csv-type',
  },
  {
    name: 'price with a leading space',
    pipeline: categoryAverages,
    payload: row({ price: ' 12' }),
    expected: 'csv-type',
  },
  {
    name: 'price empty (null)',
    pipeline: categoryAverages,
    payload: row({ price: '' }),
    expected: 'missing-field',
  },
  {
    name: 'CSV time not a timestamp',
    pipeline: categoryAverages,
    payload: row({ time: 'yesterday' }),
    expected: 'invalid-timestamp',
  },
  {
    name: 'integer column holding a decimal',
    pipeline: typedCsv,
    payload: `${time},alpha,1.5,true`,
    expected: 'csv-type',
  },
  {
    name: 'integer column holding 2^53+1',
    pipeline: typedCsv,
    payload: `${time},alpha,9007199254740993,true`,
    expected: 'csv-type',
    note: 'unlike JSON, the CSV integer type refuses values it cannot hold exactly',
  },
  {
    name: 'boolean column holding yes',
    pipeline: typedCsv,
    payload: `${time},alpha,1,yes`,
    expected: 'csv-type',
  },
  {
    name: 'boolean column in upper case',
    pipeline: typedCsv,
    payload: `${time},alpha,1,TRUE`,
    expected: 'folded',
  },
  // Header lines
  {
    name: 'header-mode payload without a header',
    pipeline: headerCsv,
    payload: `${time},alpha,1\n${time},beta,2`,
    expected: 'csv-no-header',
  },
  {
    name: 'header with a duplicate column name',
    pipeline: headerCsv,
    payload: `t,g,g,v\n${time},alpha,a,1`,
    expected: 'csv-no-header',
  },
  {
    name: 'header with an empty column name',
    pipeline: headerCsv,
    payload: `t,,g,v\n${time},x,alpha,1`,
    expected: 'csv-no-header',
  },
  {
    name: 'header with a quoting error',
    pipeline: headerCsv,
    payload: `t,"g,v\n${time},alpha,1`,
    expected: 'csv-no-header',
  },
  {
    name: 'header naming a __proto__ column',
    pipeline: headerCsv,
    payload: `__proto__,t,g,v\npolluted,${time},alpha,1`,
    expected: 'folded',
    note: 'the column becomes an own field; no prototype is set',
  },
  // Group keys from CSV
  {
    name: 'quoted category holding a line break',
    pipeline: categoryAverages,
    payload: row({ category: '"boo\nks"' }),
    expected: 'invalid-group-key',
  },
  {
    name: 'NUL byte in an unquoted category',
    pipeline: categoryAverages,
    payload: row({ category: 'bo\u0000oks' }),
    expected: 'invalid-group-key',
  },
  {
    name: 'category of 2,000 characters',
    pipeline: categoryAverages,
    payload: row({ category: 'c'.repeat(2000) }),
    expected: 'group-key-too-long',
  },
  // Accepted
  {
    name: 'CSV row with a CRLF line end',
    pipeline: categoryAverages,
    payload: `${row()}\r\n`,
    expected: 'folded',
  },
  {
    name: 'BOM, header line and CRLF',
    pipeline: categoryAverages,
    payload: `\ufeff${HEADER}\r\n${row()}\r\n`,
    expected: 'folded',
  },
  {
    name: 'doubled quotes inside a quoted category',
    pipeline: categoryAverages,
    payload: row({ category: '"bo""oks"' }),
    expected: 'folded',
  },
  {
    name: 'whitespace-only CSV payload',
    pipeline: categoryAverages,
    payload: '  \r\n\t\n',
    expected: 'empty-record',
  },
];
