import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../shared/decode/constants.ts';
import { DecoderConfigError } from '../../shared/decode/errors.ts';
import { json } from '../../shared/decode/json.ts';
import type { DecodeEmitter } from '../../shared/decode/types.ts';
import { collectDecode } from '../helpers/collectDecode.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/decode/${name}`, import.meta.url), 'utf8');

/** `{"a":{"a":...1...}}` with `depth` objects. */
const nestedObjects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** The number of lines that hold at least one character besides the CR of a CRLF break. */
const nonEmptyLineCount = (text: string): number =>
  text.split('\n').filter((line) => line !== '' && line !== '\r').length;

describe('Function: json', () => {
  it('decodes a single object payload with line undefined', () => {
    // Prepare
    const payload = '{"ip":"10.0.0.1","status":200,"tags":["a"],"geo":{"lat":1.5}}';

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { ip: '10.0.0.1', status: 200, tags: ['a'], geo: { lat: 1.5 } }, line: undefined },
    ]);
    expect(result.rejections).toStrictEqual([]);
  });

  it('decodes a pretty-printed object spanning several lines as one document', () => {
    // Prepare
    const payload = '{\n  "ip": "10.0.0.1",\n  "status": 200\n}\n';

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toStrictEqual([{ fields: { ip: '10.0.0.1', status: 200 }, line: undefined }]);
  });

  it('decodes an NDJSON fixture line by line, counting empty lines in the line numbers', () => {
    // Prepare
    const payload = fixture('events.ndjson');

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { ip: '10.0.0.1', status: 200, latencyMs: 12.5, tags: ['a', 'b'] }, line: 0 },
      { fields: { ip: '10.0.0.2', status: 500, latencyMs: null, user: { id: 7, name: 'Zoë' } }, line: 1 },
      { fields: { ip: '10.0.0.3', status: 404, ok: false }, line: 3 },
    ]);
    expect(result.rejections).toStrictEqual([]);
  });

  it('tolerates CRLF line breaks in NDJSON', () => {
    // Prepare
    const payload = '{"a":1}\r\n{"a":2}\r\n\r\n{"a":3}\r\n';

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { a: 1 }, line: 0 },
      { fields: { a: 2 }, line: 1 },
      { fields: { a: 3 }, line: 3 },
    ]);
  });

  it('keeps good NDJSON lines and rejects the bad ones with their line and raw text', () => {
    // Prepare
    const payload = '{"a":1}\n[1,2]\n   \n{"a":\n{"a":2}';

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toStrictEqual([
      { fields: { a: 1 }, line: 0 },
      { fields: { a: 2 }, line: 4 },
    ]);
    expect(result.rejections.map(({ reason, line, excerpt }) => ({ reason, line, excerpt }))).toStrictEqual([
      { reason: 'not-an-object', line: 1, excerpt: '[1,2]' },
      { reason: 'empty-record', line: 2, excerpt: '   ' },
      { reason: 'invalid-json', line: 3, excerpt: '{"a":' },
    ]);
  });

  it('reports a single non-empty line that fails to parse with line undefined, even with a trailing break', () => {
    // Prepare
    const payload = '{"a":\n';

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.rejections).toHaveLength(1);
    expect(result.rejections[0]?.reason).toBe('invalid-json');
    expect(result.rejections[0]?.line).toBeUndefined();
    expect(result.rejections[0]?.excerpt).toBe(payload);
  });

  describe.each([
    { kind: 'empty payload', payload: '', reason: 'empty-record', message: 'the payload is blank' },
    {
      kind: 'whitespace payload',
      payload: ' \n\t\r\n ',
      reason: 'empty-record',
      message: 'the payload is blank',
    },
    {
      kind: 'array',
      payload: '[{"a":1}]',
      reason: 'not-an-object',
      message: 'top-level JSON value is an array, not an object',
    },
    {
      kind: 'string',
      payload: '"text"',
      reason: 'not-an-object',
      message: 'top-level JSON value is a string, not an object',
    },
    {
      kind: 'number',
      payload: '42',
      reason: 'not-an-object',
      message: 'top-level JSON value is a number, not an object',
    },
    {
      kind: 'boolean',
      payload: 'true',
      reason: 'not-an-object',
      message: 'top-level JSON value is a boolean, not an object',
    },
    {
      kind: 'null',
      payload: 'null',
      reason: 'not-an-object',
      message: 'top-level JSON value is null, not an object',
    },
    {
      kind: 'too deep',
      payload: nestedObjects(MAX_JSON_DEPTH + 1),
      reason: 'json-too-deep',
      message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    },
    {
      kind: 'too deep through arrays',
      payload: `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`,
      reason: 'json-too-deep',
      message: `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
    },
  ])('Bad input: $kind', ({ payload, reason, message }) => {
    it(`rejects the payload as ${reason}`, () => {
      // Act
      const result = collectDecode(json(), payload);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections).toStrictEqual([{ reason, message, line: undefined, excerpt: payload }]);
    });
  });

  it.each([
    { kind: 'unexpected token', payload: '{bad}' },
    { kind: 'truncated', payload: '{"a":1' },
    { kind: 'trailing comma', payload: '{"a":1,}' },
    { kind: 'two documents on one line', payload: '{"a":1}{"b":2}' },
    { kind: 'NaN', payload: '{"a":NaN}' },
  ])('rejects malformed JSON ($kind) as invalid-json with the parser reason', ({ payload }) => {
    // Prepare
    let reason = '';
    try {
      JSON.parse(payload);
    } catch (error) {
      reason = (error as Error).message;
    }

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.rejections).toStrictEqual([
      { reason: 'invalid-json', message: `invalid JSON: ${reason}`, line: undefined, excerpt: payload },
    ]);
  });

  it('escapes control characters of the parser reason in the message', () => {
    // Act
    const result = collectDecode(json(), 'x\u0001');

    // Assess
    expect(result.rejections[0]?.message).not.toMatch(/\p{Cc}/u);
  });

  it(`accepts nesting of exactly ${MAX_JSON_DEPTH} levels`, () => {
    // Prepare
    const payload = `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toHaveLength(1);
    expect(result.rejections).toStrictEqual([]);
  });

  it('rejects hostile nesting far beyond the limit without throwing', () => {
    // Prepare
    const payload = nestedObjects(100_000);

    // Act
    const result = collectDecode(json(), payload);

    // Assess
    expect(result.records).toStrictEqual([]);
    expect(result.rejections.map(({ reason }) => reason)).toStrictEqual(['json-too-deep']);
  });

  it('keeps a "__proto__" key as an own property', () => {
    // Act
    const result = collectDecode(json(), '{"__proto__":{"polluted":true}}');

    // Assess
    const fields = result.records[0]?.fields ?? {};
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
  });

  describe('Option: lines', () => {
    it('true numbers even a single-line payload', () => {
      // Act
      const result = collectDecode(json({ lines: true }), '{"a":1}\n');

      // Assess
      expect(result.records).toStrictEqual([{ fields: { a: 1 }, line: 0 }]);
    });

    it('true decodes each line of a pretty-printed document on its own', () => {
      // Act
      const result = collectDecode(json({ lines: true }), '{\n"a":1\n}');

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections.map(({ reason, line }) => ({ reason, line }))).toStrictEqual([
        { reason: 'invalid-json', line: 0 },
        { reason: 'invalid-json', line: 1 },
        { reason: 'invalid-json', line: 2 },
      ]);
    });

    it('true rejects a blank payload once, with line undefined', () => {
      // Act
      const result = collectDecode(json({ lines: true }), '\n\n');

      // Assess
      expect(result.rejections).toStrictEqual([
        { reason: 'empty-record', message: 'the payload is blank', line: undefined, excerpt: '\n\n' },
      ]);
    });

    it('false rejects an NDJSON payload as one invalid document', () => {
      // Act
      const result = collectDecode(json({ lines: false }), '{"a":1}\n{"a":2}');

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections.map(({ reason, line }) => ({ reason, line }))).toStrictEqual([
        { reason: 'invalid-json', line: undefined },
      ]);
    });

    it.each([
      { given: 'yes', shown: '"yes"' },
      { given: 1, shown: '1' },
      { given: 'true', shown: '"true"' },
    ])('rejects $given when the decoder is built', ({ given, shown }) => {
      // Act
      const build = (): unknown => json({ lines: given as unknown as boolean });

      // Assess
      expect(build).toThrow(DecoderConfigError);
      expect(build).toThrow(`json option "lines" must be 'auto', true or false (given ${shown})`);
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
      const result = collectDecode(json(), hostile);

      // Assess
      expect(result.records).toStrictEqual([]);
      expect(result.rejections.map(({ reason, message, line }) => ({ reason, message, line }))).toStrictEqual(
        [
          {
            reason: 'decoder-failure',
            message: 'the JSON decoder failed unexpectedly: Error: boom',
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
      const run = (): void => json().decode('{"a":1}', emit);

      // Assess
      expect(run).toThrow(failure);
      expect(rejected).toStrictEqual([]);
    });
  });

  describe('Properties', () => {
    const jsonObject = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 4 }));

    it('decodes any serialized JSON object back to the same fields', () => {
      fc.assert(
        fc.property(jsonObject, fc.boolean(), (object, pretty) => {
          // Prepare
          const text = pretty ? JSON.stringify(object, null, 2) : JSON.stringify(object);

          // Act
          const result = collectDecode(json(), text);

          // Assess
          expect(result.records).toStrictEqual([{ fields: JSON.parse(text), line: undefined }]);
        }),
      );
    });

    it('decodes any list of objects written as NDJSON back to the same fields, one per line', () => {
      fc.assert(
        fc.property(
          fc.array(jsonObject, { minLength: 2, maxLength: 20 }),
          fc.constantFrom('\n', '\r\n'),
          (objects, eol) => {
            // Prepare
            const lines = objects.map((object) => JSON.stringify(object));

            // Act
            const result = collectDecode(json(), lines.join(eol) + eol);

            // Assess
            expect(result.records).toStrictEqual(
              lines.map((line, index) => ({ fields: JSON.parse(line), line: index })),
            );
          },
        ),
      );
    });

    it('never throws, and conserves: one emission per non-empty line (one for the whole single-line or blank payload)', () => {
      const line = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.json(),
        fc.jsonValue().map((value) => JSON.stringify({ value })),
        fc.constantFrom('', ' ', '\r', '{', '}', '[]'),
      );
      const payload = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc
          .tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'))
          .map(([lines, eol]) => lines.join(eol)),
      );
      fc.assert(
        fc.property(payload, (text) => {
          // Act
          const result = collectDecode(json(), text);

          // Assess
          let parsesWhole = true;
          try {
            JSON.parse(text);
          } catch {
            parsesWhole = false;
          }
          const lineCount = nonEmptyLineCount(text);
          const expected = text.trim() === '' || parsesWhole || lineCount < 2 ? 1 : lineCount;
          expect(result.lines).toHaveLength(expected);
          if (expected === 1) expect(result.lines).toStrictEqual([undefined]);
        }),
      );
    });
  });
});
