import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvOptions, csv } from '../../shared/decode/csv.ts';
import { DecoderConfigError } from '../../shared/decode/errors.ts';
import type { DecodeEmitter } from '../../shared/decode/types.ts';
import { collectDecode } from '../helpers/collectDecode.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/decode/${name}`, import.meta.url), 'utf8');

/** RFC 4180 writer: quotes a field when it must be (and when it is blank, so a row is never an empty line). */
const writeField = (field: string, delimiter: string): string =>
  field.includes('"') || field.includes(delimiter) || /[\r\n]/.test(field) || field.trim() === ''
    ? `"${field.replaceAll('"', '""')}"`
    : field;

const writeRow = (fields: readonly string[], delimiter = ','): string =>
  fields.map((field) => writeField(field, delimiter)).join(delimiter);

describe('Function: csv', () => {
  it('decodes a CSV file with a header line, quoted fields and typed columns', () => {
    // Prepare
    const decoder = csv({
      header: true,
      types: { order_id: 'integer', amount: 'number', quantity: 'integer', paid: 'boolean' },
    });

    // Act
    const result = collectDecode(decoder, fixture('orders.csv'));

    // Assess
    expect(result.rejections).toStrictEqual([]);
    expect(result.records).toStrictEqual([
      {
        fields: { order_id: 1001, customer: 'Smith, Jane', amount: 19.99, quantity: 1, paid: true, note: '' },
        line: 1,
      },
      {
        fields: {
          order_id: 1002,
          customer: 'O"Brien',
          amount: -55,
          quantity: 2,
          paid: false,
          note: 'refund, partial',
        },
        line: 2,
      },
      {
        fields: {
          order_id: 1003,
          customer: 'Zoë',
          amount: 0,
          quantity: 10,
          paid: true,
          note: 'line one\r\nline two',
        },
        line: 3,
      },
      {
        fields: { order_id: 1004, customer: '', amount: 1000, quantity: null, paid: null, note: 'plain' },
        line: 5,
      },
    ]);
  });

  it('takes the column names from the header line by default', () => {
    // Act
    const result = collectDecode(csv(), 'ip,status\n10.0.0.1,200\n');

    // Assess
    expect(result.records).toStrictEqual([{ fields: { ip: '10.0.0.1', status: '200' }, line: 1 }]);
  });

  it('decodes each payload with its own header line', () => {
    // Prepare
    const decoder = csv();

    // Act
    const first = collectDecode(decoder, 'a,b\n1,2');
    const second = collectDecode(decoder, 'b,a\n1,2');

    // Assess
    expect(first.records).toStrictEqual([{ fields: { a: '1', b: '2' }, line: 1 }]);
    expect(second.records).toStrictEqual([{ fields: { b: '1', a: '2' }, line: 1 }]);
  });

  it('skips empty lines, counting them in the line numbers, and tolerates CRLF', () => {
    // Act
    const result = collectDecode(csv({ columns: ['a', 'b'] }), '\r\n1,2\r\n\r\n\n3,4\r\n\r\n');

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { a: '1', b: '2' }, line: 1 },
      { fields: { a: '3', b: '4' }, line: 4 },
    ]);
    expect(result.rejections).toStrictEqual([]);
  });

  it('numbers rows by the physical line where they start when quoted fields hold line breaks', () => {
    // Act
    const result = collectDecode(csv({ columns: ['a', 'b'] }), '"x\ny\nz",1\n2,"3"\n');

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { a: 'x\ny\nz', b: '1' }, line: 0 },
      { fields: { a: '2', b: '3' }, line: 3 },
    ]);
  });

  it('keeps quoted delimiters, doubled quotes, spaces and empty quoted fields', () => {
    // Act
    const result = collectDecode(csv({ columns: ['a', 'b', 'c'] }), '" x, y ","say ""hi""",""');

    // Assess
    expect(result.records).toStrictEqual([{ fields: { a: ' x, y ', b: 'say "hi"', c: '' }, line: 0 }]);
  });

  it('keeps a lone CR inside an unquoted field', () => {
    // Act
    const result = collectDecode(csv({ columns: ['a', 'b'] }), 'x\ry,z\r\n');

    // Assess
    expect(result.records).toStrictEqual([{ fields: { a: 'x\ry', b: 'z' }, line: 0 }]);
  });

  it('defines a "__proto__" column as an own property', () => {
    // Act
    const result = collectDecode(csv({ columns: ['__proto__', 'b'] }), 'x,y');

    // Assess
    const fields = result.records[0]?.fields ?? {};
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(fields.b).toBe('y');
  });

  describe('Option: columns', () => {
    it('decodes a stream without a header line', () => {
      // Act
      const result = collectDecode(csv({ columns: ['ip', 'status'] }), '10.0.0.1,200');

      // Assess
      expect(result.records).toStrictEqual([{ fields: { ip: '10.0.0.1', status: '200' }, line: 0 }]);
    });

    it('skips a line equal to the column names silently, wherever it is', () => {
      // Act
      const result = collectDecode(
        csv({ columns: ['ip', 'status'] }),
        'ip,status\n10.0.0.1,200\n"ip",status\n1,2',
      );

      // Assess
      expect(result.records).toStrictEqual([
        { fields: { ip: '10.0.0.1', status: '200' }, line: 1 },
        { fields: { ip: '1', status: '2' }, line: 3 },
      ]);
      expect(result.rejections).toStrictEqual([]);
      expect(result.skipped).toStrictEqual([0, 2]);
    });

    it('reports a payload that is only a header line as a skipped header, not a record or rejection', () => {
      // Act
      const result = collectDecode(csv({ columns: ['ip', 'status'] }), 'ip,status\r\n');

      // Assess
      expect(result).toStrictEqual({ records: [], rejections: [], lines: [], skipped: [0] });
    });
  });

  describe('Option: header', () => {
    it('with columns, requires the header to name exactly the declared columns, in any order', () => {
      // Prepare
      const decoder = csv({ columns: ['a', 'b'], header: true, types: { b: 'integer' } });

      // Act
      const result = collectDecode(decoder, 'b,a\n1,x');

      // Assess
      expect(result.records).toStrictEqual([{ fields: { b: 1, a: 'x' }, line: 1 }]);
    });

    it('with columns, rejects a payload whose first line is not the declared header', () => {
      // Act
      const result = collectDecode(csv({ columns: ['a', 'b'], header: true }), '1,2\n3,4');

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections).toStrictEqual([
        {
          reason: 'csv-no-header',
          message: 'header line does not name the declared columns ["a","b"]',
          line: 0,
          excerpt: '1,2',
        },
      ]);
    });

    it('skips a header line repeated inside the payload (concatenated files)', () => {
      // Act
      const result = collectDecode(csv(), 'a,b\n1,2\na,b\n3,4');

      // Assess
      expect(result.records.map(({ line }) => line)).toStrictEqual([1, 3]);
    });

    it('reports a payload with a header line and no data rows as a skipped header', () => {
      // Act
      const result = collectDecode(csv(), '\na,b\n\n');

      // Assess
      expect(result).toStrictEqual({ records: [], rejections: [], lines: [], skipped: [1] });
    });
  });

  describe('Option: delimiter', () => {
    it.each([
      { delimiter: ';', payload: '1;"a;b";x' },
      { delimiter: '\t', payload: '1\t"a\tb"\tx' },
      { delimiter: '|', payload: '1|"a|b"|x' },
    ])('splits on $delimiter', ({ delimiter, payload }) => {
      // Act
      const result = collectDecode(csv({ columns: ['n', 's', 't'], delimiter }), payload);

      // Assess
      expect(result.records).toStrictEqual([{ fields: { n: '1', s: `a${delimiter}b`, t: 'x' }, line: 0 }]);
    });

    it('treats a comma as data when another delimiter is set', () => {
      // Act
      const result = collectDecode(csv({ columns: ['a', 'b'], delimiter: ';' }), '1,5;2');

      // Assess
      expect(result.records).toStrictEqual([{ fields: { a: '1,5', b: '2' }, line: 0 }]);
    });
  });

  describe('Option: types', () => {
    it.each([
      { type: 'number', text: '-1.5e3', value: -1500 },
      { type: 'number', text: '+2.5E-1', value: 0.25 },
      { type: 'number', text: '.5', value: 0.5 },
      { type: 'number', text: '1.', value: 1 },
      { type: 'number', text: '007', value: 7 },
      { type: 'number', text: '-0', value: 0 },
      { type: 'number', text: '', value: null },
      { type: 'integer', text: '-42', value: -42 },
      { type: 'integer', text: '9007199254740991', value: 9007199254740991 },
      { type: 'integer', text: '', value: null },
      { type: 'boolean', text: 'true', value: true },
      { type: 'boolean', text: 'FALSE', value: false },
      { type: 'boolean', text: 'True', value: true },
      { type: 'boolean', text: '', value: null },
      { type: 'string', text: '', value: '' },
      { type: 'string', text: ' 12 ', value: ' 12 ' },
    ] as const)('parses $type "$text" as $value', ({ type, text, value }) => {
      // Act
      const result = collectDecode(csv({ columns: ['k', 'v'], types: { v: type } }), `x,${text}`);

      // Assess
      expect(result.records).toStrictEqual([{ fields: { k: 'x', v: value }, line: 0 }]);
    });

    it.each([
      { type: 'number', text: '12abc', problem: 'is not a number' },
      { type: 'number', text: 'NaN', problem: 'is not a number' },
      { type: 'number', text: 'Infinity', problem: 'is not a number' },
      { type: 'number', text: ' 1', problem: 'is not a number' },
      { type: 'number', text: '0x10', problem: 'is not a number' },
      { type: 'number', text: '1e', problem: 'is not a number' },
      { type: 'number', text: '-', problem: 'is not a number' },
      { type: 'number', text: '1e999', problem: 'is out of the number range' },
      { type: 'integer', text: '1.0', problem: 'is not an integer' },
      { type: 'integer', text: '1e3', problem: 'is not an integer' },
      { type: 'integer', text: '9007199254740993', problem: 'is outside the safe integer range' },
      { type: 'boolean', text: 'yes', problem: 'is not a boolean (true or false)' },
      { type: 'boolean', text: '1', problem: 'is not a boolean (true or false)' },
    ] as const)('rejects $type "$text" as csv-type', ({ type, text, problem }) => {
      // Act
      const result = collectDecode(csv({ columns: ['k', 'price'], types: { price: type } }), `x,${text}`);

      // Assess
      expect(result.rejections).toStrictEqual([
        {
          reason: 'csv-type',
          message: `column "price": "${text}" ${problem}`,
          line: 0,
          excerpt: `x,${text}`,
        },
      ]);
    });

    it('applies types to columns named by the header line', () => {
      // Act
      const result = collectDecode(csv({ types: { n: 'number' } }), 's,n\nx,1.5');

      // Assess
      expect(result.records).toStrictEqual([{ fields: { s: 'x', n: 1.5 }, line: 1 }]);
    });

    it('cuts and escapes a long bad value in the message', () => {
      // Act
      const result = collectDecode(
        csv({ columns: ['n'], types: { n: 'number' } }),
        `${'9'.repeat(100)}\u0007`,
      );

      // Assess
      expect(result.rejections[0]?.message).toBe(`column "n": "${'9'.repeat(40)}…" is not a number`);
    });
  });

  describe.each([
    {
      kind: 'empty payload',
      payload: '',
      reason: 'empty-record',
      message: 'the payload is blank',
      line: undefined,
    },
    {
      kind: 'blank payload',
      payload: '\r\n  \n',
      reason: 'empty-record',
      message: 'the payload is blank',
      line: undefined,
    },
    {
      kind: 'quote inside an unquoted field',
      payload: 'ab"c,d',
      reason: 'csv-quote',
      message: 'stray quote inside unquoted field 1',
      line: 0,
    },
    {
      kind: 'text after a closing quote',
      payload: 'a,"b"c',
      reason: 'csv-quote',
      message: 'stray character after the closing quote of field 2',
      line: 0,
    },
    {
      kind: 'unterminated quote',
      payload: 'a,"b',
      reason: 'csv-quote',
      message: 'unterminated quoted field 2',
      line: 0,
    },
    {
      kind: 'too many fields',
      payload: 'a,b,c',
      reason: 'csv-column-count',
      message: 'expected 2 fields, got 3',
      line: 0,
    },
    {
      kind: 'too few fields',
      payload: 'a',
      reason: 'csv-column-count',
      message: 'expected 2 fields, got 1',
      line: 0,
    },
    {
      kind: 'whitespace line',
      payload: ' ',
      reason: 'empty-record',
      message: 'the payload is blank',
      line: undefined,
    },
  ])('Bad input: $kind', ({ payload, reason, message, line }) => {
    it(`rejects it as ${reason}`, () => {
      // Act
      const result = collectDecode(csv({ columns: ['x', 'y'] }), payload);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections).toStrictEqual([{ reason, message, line, excerpt: payload }]);
    });
  });

  describe.each([
    {
      kind: 'duplicate name',
      payload: 'a,b,a\n1,2,3',
      message: 'header line has a duplicate column name "a"',
    },
    {
      kind: 'empty name',
      payload: 'a,,b\n1,2,3',
      message: 'header line has an empty column name at position 2',
    },
    {
      kind: 'quoting error',
      payload: 'a,"b\n1,2',
      message: 'header line has a quoting error: unterminated quoted field 2',
    },
    {
      kind: 'typed column missing',
      payload: 'a,b\n1,2',
      message: 'header line does not name the typed column "n"',
      options: { types: { n: 'number' } } as CsvOptions,
    },
  ])('Bad header: $kind', ({ payload, message, options }) => {
    it('rejects the whole payload as csv-no-header', () => {
      // Act
      const result = collectDecode(csv(options), payload);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections).toHaveLength(1);
      expect(result.rejections[0]).toMatchObject({ reason: 'csv-no-header', message, line: 0 });
    });
  });

  it('resumes after a stray quote at the next line', () => {
    // Act
    const result = collectDecode(csv({ columns: ['a', 'b'] }), '1,2\n"x"y,3\n4,5');

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { a: '1', b: '2' }, line: 0 },
      { fields: { a: '4', b: '5' }, line: 2 },
    ]);
    expect(result.rejections).toStrictEqual([
      {
        reason: 'csv-quote',
        message: 'stray character after the closing quote of field 1',
        line: 1,
        excerpt: '"x"y,3',
      },
    ]);
  });

  it('rejects the rest of the payload with an unterminated quote, as one row', () => {
    // Act
    const result = collectDecode(csv({ columns: ['a', 'b'] }), '1,2\n3,"4\n5,6\n7,8');

    // Assess
    expect(result.records).toStrictEqual([{ fields: { a: '1', b: '2' }, line: 0 }]);
    expect(result.rejections).toStrictEqual([
      { reason: 'csv-quote', message: 'unterminated quoted field 2', line: 1, excerpt: '3,"4\n5,6\n7,8' },
    ]);
  });

  describe('Configuration errors', () => {
    it.each([
      {
        options: { delimiter: ';;' },
        message: 'csv option "delimiter" must be a single character (given ";;")',
      },
      { options: { delimiter: '' }, message: 'csv option "delimiter" must be a single character (given "")' },
      {
        options: { delimiter: '"' },
        message: 'csv option "delimiter" must not be a quote or a line break (given "\\"")',
      },
      {
        options: { delimiter: '\n' },
        message: 'csv option "delimiter" must not be a quote or a line break (given "\\n")',
      },
      {
        options: { columns: [] },
        message: 'csv option "columns" must be a non-empty array of column names (given [])',
      },
      {
        options: { columns: ['a', 'b', 'a'] },
        message: 'csv option "columns" has a duplicate column name "a" (given ["a","b","a"])',
      },
      {
        options: { columns: ['a', ''] },
        message: 'csv option "columns" has an empty column name at position 2 (given ["a",""])',
      },
      {
        options: { columns: ['a'], types: { b: 'number' } },
        message:
          'csv option "types" names column "b", which is not in "columns" ["a"] (given {"b":"number"})',
      },
      {
        options: { types: { a: 'date' } },
        message:
          'csv option "types" gives column "a" an unknown type; use string, number, integer or boolean (given "date")',
      },
      {
        options: { header: false },
        message: 'csv option "header" is false, so "columns" must be declared (given false)',
      },
    ])('throws DecoderConfigError: $message', ({ options, message }) => {
      // Act
      const build = (): unknown => csv(options as CsvOptions);

      // Assess
      expect(build).toThrow(DecoderConfigError);
      expect(build).toThrow(message);
    });

    it('sets the error name', () => {
      // Act
      let caught: unknown;
      try {
        csv({ delimiter: ',,' });
      } catch (error) {
        caught = error;
      }

      // Assess
      expect(caught).toBeInstanceOf(DecoderConfigError);
      expect((caught as Error).name).toBe('DecoderConfigError');
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
      const result = collectDecode(csv({ columns: ['a'] }), hostile);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections.map(({ reason, message, line }) => ({ reason, message, line }))).toStrictEqual(
        [
          {
            reason: 'decoder-failure',
            message: 'the CSV decoder failed unexpectedly: Error: boom',
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
      const run = (): void => csv({ columns: ['a'] }).decode('x', emit);

      // Assess
      expect(run).toThrow(failure);
      expect(rejected).toStrictEqual([]);
    });
  });

  describe('Properties', () => {
    const delimiters = fc.constantFrom(',', ';', '\t', '|');

    it('decodes any rows of arbitrary strings written with RFC 4180 quoting back to the same fields', () => {
      const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
        fc.tuple(
          fc.constant(width),
          fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: width, maxLength: width }), {
            minLength: 1,
            maxLength: 10,
          }),
        ),
      );
      fc.assert(
        fc.property(
          table,
          delimiters,
          fc.constantFrom('\n', '\r\n'),
          fc.boolean(),
          ([width, rows], delimiter, eol, last) => {
            // Prepare
            const columns = Array.from({ length: width }, (_, index) => `column ${index}`);
            const text = rows.map((row) => writeRow(row, delimiter)).join(eol) + (last ? eol : '');

            // Act
            const result = collectDecode(csv({ columns, delimiter }), text);

            // Assess
            expect(result.rejections).toStrictEqual([]);
            expect(result.records.map(({ fields }) => fields)).toStrictEqual(
              rows.map((row) => Object.fromEntries(columns.map((column, index) => [column, row[index]]))),
            );
          },
        ),
      );
    });

    it('decodes any finite number written by JavaScript back to the same number', () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
          // Act
          const result = collectDecode(csv({ columns: ['n'], types: { n: 'number' } }), String(value));

          // Assess
          expect(result.records).toStrictEqual([{ fields: { n: value === 0 ? 0 : value }, line: 0 }]);
        }),
      );
    });

    it('never throws on arbitrary strings, and emits something for every non-blank payload with a data row', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (text, withHeader) => {
          // Act
          const result = collectDecode(withHeader ? csv() : csv({ columns: ['a', 'b'] }), text);

          // Assess
          for (const line of result.lines) expect(line === undefined || Number.isInteger(line)).toBe(true);
          if (text.trim() === '') expect(result.lines).toStrictEqual([undefined]);
        }),
      );
    });

    it('conserves: without quotes, every non-empty line yields exactly one record or rejection, in order', () => {
      const line = fc.oneof(
        fc.string({ unit: 'binary' }).map((text) => text.replace(/["\r\n]/g, '')),
        fc.constantFrom('', '1,2', '1,2,3', ' '),
      );
      fc.assert(
        fc.property(
          fc.array(line, { minLength: 1, maxLength: 12 }),
          fc.constantFrom('\n', '\r\n'),
          (lines, eol) => {
            // Prepare
            const text = lines.join(eol);

            // Act
            const result = collectDecode(csv({ columns: ['a', 'b'], types: { b: 'integer' } }), text);

            // Assess
            const expected = lines.flatMap((content, index) =>
              content === '' || content === 'a,b' ? [] : [index],
            );
            expect(result.lines).toStrictEqual(text.trim() === '' ? [undefined] : expected);
          },
        ),
      );
    });
  });
});
