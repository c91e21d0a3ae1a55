import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../../shared/decode/constants.ts';
import { decodeSource } from '../../shared/decode/decodeSource.ts';
import { aggregate } from '../../shared/decode/kpl.ts';
import type { DecodeLimits, DecodeSink, FormatDecoder } from '../../shared/decode/types.ts';
import type { DecodedRecord, RecordOrigin, SourceRecord } from '../../shared/record/types.ts';
import type { Rejection } from '../../shared/rejection/types.ts';

const SEQ = '49546986683135544286507457936321625675700192471156785154';
const ARRIVAL = 1_715_680_800_000;
const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);
const gzip = (data: Uint8Array | string): Uint8Array => new Uint8Array(gzipSync(data));
const source = (data: Uint8Array): SourceRecord => ({
  data,
  sequenceNumber: SEQ,
  partitionKey: 'pk',
  arrivalMs: ARRIVAL,
});
const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/decode/${name}`, import.meta.url), 'utf8');

/** A minimal JSON-object decoder: one document, or NDJSON when the text has several lines. */
const stubJson: FormatDecoder = {
  format: 'stub-json',
  decode(text, emit) {
    const one = (part: string, line: number | undefined): void => {
      let value: unknown;
      try {
        value = JSON.parse(part);
      } catch {
        emit.reject('invalid-json', 'not JSON', line, part);
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        emit.reject('not-an-object', 'not an object', line, part);
        return;
      }
      emit.record(value as DecodedRecord['fields'], line);
    };
    const lines = text.split('\n');
    if (lines.length === 1) {
      one(text, undefined);
      return;
    }
    lines.forEach((part, i) => {
      if (part.trim() !== '') one(part, i);
    });
  },
};

interface Outcome {
  records: DecodedRecord[];
  rejections: Rejection[];
  controls: RecordOrigin[];
}

const run = (
  data: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
  decoder: FormatDecoder = stubJson,
): Outcome => {
  const outcome: Outcome = { records: [], rejections: [], controls: [] };
  const sink: DecodeSink = {
    record: (record) => outcome.records.push(record),
    reject: (rejection) => outcome.rejections.push(rejection),
    control: (origin) => outcome.controls.push(origin),
  };
  decodeSource(source(data), decoder, limits, sink);
  return outcome;
};

const rec = (
  fields: DecodedRecord['fields'],
  origin: Omit<RecordOrigin, 'sequenceNumber'> = {},
): DecodedRecord => ({
  fields,
  origin: { sequenceNumber: SEQ, ...origin },
  arrivalMs: ARRIVAL,
});

describe('Function: decodeSource', () => {
  it('decodes a plain JSON record with a bare origin', () => {
    // Act
    const outcome = run(bytes('{"ip":"203.0.113.7","bytes":512}'));

    // Assess
    expect(outcome).toStrictEqual({
      records: [rec({ ip: '203.0.113.7', bytes: 512 })],
      rejections: [],
      controls: [],
    });
    expect(Object.keys(outcome.records[0]?.origin ?? {})).toStrictEqual(['sequenceNumber']);
  });

  it('keeps the line of each NDJSON line and rejects bad lines alone', () => {
    // Act
    const outcome = run(bytes('{"n":1}\n[2]\n{"n":3}\n'));

    // Assess
    expect(outcome).toStrictEqual({
      records: [rec({ n: 1 }, { line: 0 }), rec({ n: 3 }, { line: 2 })],
      rejections: [
        {
          reason: 'not-an-object',
          message: 'not an object',
          origin: { sequenceNumber: SEQ, line: 1 },
          excerpt: '[2]',
        },
      ],
      controls: [],
    });
  });

  it('rejects a payload over the size limit before looking at it', () => {
    // Act
    const outcome = run(bytes('{"ip":"203.0.113.7"}'), { maxRecordBytes: 10, maxDecompressedBytes: 100 });

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [
        {
          reason: 'record-too-large',
          message: 'Kinesis record of 20 bytes exceeds the limit of 10 bytes',
          origin: { sequenceNumber: SEQ },
          excerpt: '{"ip":"203.0.113.7"}',
        },
      ],
      controls: [],
    });
  });

  it.each([
    {
      name: 'an empty payload',
      data: new Uint8Array(0),
      message: 'Kinesis record payload is empty',
      excerpt: '',
    },
    {
      name: 'a BOM alone',
      data: Uint8Array.of(0xef, 0xbb, 0xbf),
      message: 'payload holds no text',
      excerpt: '\ufeff',
    },
    {
      name: 'an empty gzip member',
      data: gzip(''),
      message: 'payload is gzip of no bytes',
      excerpt: expect.any(String),
    },
  ])('rejects $name as empty-record', ({ data, message, excerpt }) => {
    // Act
    const outcome = run(data);

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [{ reason: 'empty-record', message, origin: { sequenceNumber: SEQ }, excerpt }],
      controls: [],
    });
  });

  it('rejects bytes that are not UTF-8, naming the offset', () => {
    // Act
    const outcome = run(Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d));

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [
        {
          reason: 'invalid-utf8',
          message: 'payload is not valid UTF-8: bad byte sequence at offset 6 (0xc328227d)',
          origin: { sequenceNumber: SEQ },
          excerpt: '{"a":"\ufffd("}',
        },
      ],
      controls: [],
    });
  });

  it.each([
    { name: 'a lone continuation byte', data: [0x61, 0x80], offset: 1 },
    { name: 'an overlong encoding', data: [0xc0, 0xaf], offset: 0 },
    { name: 'a UTF-16 surrogate', data: [0x61, 0x62, 0xed, 0xa0, 0x80], offset: 2 },
    { name: 'a code point past U+10FFFF', data: [0xf4, 0x90, 0x80, 0x80], offset: 0 },
    { name: 'a truncated sequence', data: [0x61, 0xe2, 0x82], offset: 1 },
    { name: 'a byte that never occurs', data: [0x61, 0xe2, 0x82, 0xac, 0xff], offset: 4 },
  ])('names the offset of $name', ({ data, offset }) => {
    // Act
    const outcome = run(Uint8Array.from(data));

    // Assess
    expect(outcome.rejections).toStrictEqual([
      expect.objectContaining({
        reason: 'invalid-utf8',
        message: expect.stringContaining(`at offset ${offset} (`),
      }),
    ]);
  });

  it('names the first invalid sequence: the bytes before it are UTF-8, the bytes from it are not', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (data) => {
        // Act
        const outcome = run(Uint8Array.from([0x20, ...data]));

        // Assess
        const rejection = outcome.rejections.find((r) => r.reason === 'invalid-utf8');
        if (rejection === undefined) return;
        const offset = Number(/at offset (\d+)/.exec(rejection.message)?.[1]) - 1;
        expect(() => strict.decode(data.subarray(0, offset))).not.toThrow();
        expect(() => strict.decode(data.subarray(offset))).toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('strips a leading BOM', () => {
    // Act
    const outcome = run(Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('{"a":1}')]));

    // Assess
    expect(outcome).toStrictEqual({ records: [rec({ a: 1 })], rejections: [], controls: [] });
  });

  it('decodes a gzipped payload', () => {
    // Act
    const outcome = run(gzip('{"a":1}\n{"a":2}'));

    // Assess
    expect(outcome.records).toStrictEqual([rec({ a: 1 }, { line: 0 }), rec({ a: 2 }, { line: 1 })]);
  });

  it.each([
    {
      name: 'a truncated gzip payload',
      data: gzip('{"a":1}').subarray(0, 12),
      limits: DEFAULT_DECODE_LIMITS,
      reason: 'gzip-corrupt',
      message: 'payload: gzip payload of 12 byte(s) does not decompress: unexpected end of file',
    },
    {
      name: 'a gzip bomb',
      data: gzip(new Uint8Array(1_000_000)),
      limits: { maxRecordBytes: 1_048_576, maxDecompressedBytes: 100_000 },
      reason: 'gzip-too-large',
      message: expect.stringMatching(
        /^payload: gzip payload of \d+ byte\(s\) decompresses to more than 100000 byte/,
      ),
    },
  ])('rejects $name', ({ data, limits, reason, message }) => {
    // Act
    const outcome = run(data, limits);

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [{ reason, message, origin: { sequenceNumber: SEQ }, excerpt: expect.any(String) }],
      controls: [],
    });
  });

  it('decodes KPL of gzip of JSON, with the user record index in each origin', () => {
    // Prepare
    const data = aggregate([
      { partitionKey: 'a', data: gzip('{"n":0}') },
      { partitionKey: 'b', data: bytes('{"n":1}\n{"n":2}') },
      { partitionKey: 'a', explicitHashKey: '7', data: Uint8Array.of(0xff) },
      { partitionKey: 'c', data: new Uint8Array(0) },
      { partitionKey: 'c', data: gzip('{"n":4}') },
    ]);

    // Act
    const outcome = run(data);

    // Assess
    expect(outcome).toStrictEqual({
      records: [
        rec({ n: 0 }, { subIndex: 0 }),
        rec({ n: 1 }, { subIndex: 1, line: 0 }),
        rec({ n: 2 }, { subIndex: 1, line: 1 }),
        rec({ n: 4 }, { subIndex: 4 }),
      ],
      rejections: [
        {
          reason: 'invalid-utf8',
          message: 'KPL user record 2 is not valid UTF-8: bad byte sequence at offset 0 (0xff)',
          origin: { sequenceNumber: SEQ, subIndex: 2 },
          excerpt: '\ufffd',
        },
        {
          reason: 'empty-record',
          message: 'KPL user record 3 is empty',
          origin: { sequenceNumber: SEQ, subIndex: 3 },
          excerpt: '',
        },
      ],
      controls: [],
    });
  });

  it('rejects only the KPL user record whose partition key index is past the table, and decodes its siblings', () => {
    // Prepare: partition_key_table ['a']; records 0 and 2 use key 0, record 1 key 3 (no such entry).
    const userRecord = (keyIndex: number, payload: string): number[] => {
      const data = [...bytes(payload)];
      const body = [0x08, keyIndex, 0x1a, data.length, ...data];
      return [0x1a, body.length, ...body];
    };
    const protobuf = Uint8Array.from([
      ...[0x0a, 0x01, 0x61],
      ...userRecord(0, '{"n":0}'),
      ...userRecord(3, '{"n":1}'),
      ...userRecord(0, '{"n":2}'),
    ]);
    const data = Uint8Array.from([
      ...[0xf3, 0x89, 0x9a, 0xc2],
      ...protobuf,
      ...createHash('md5').update(protobuf).digest(),
    ]);

    // Act
    const outcome = run(data);

    // Assess
    expect(outcome).toStrictEqual({
      records: [rec({ n: 0 }, { subIndex: 0 }), rec({ n: 2 }, { subIndex: 2 })],
      rejections: [
        {
          reason: 'kpl-corrupt',
          message:
            'KPL user record 1 is corrupt: records[1] partition_key_index 3 is past the partition key table (1 entries)',
          origin: { sequenceNumber: SEQ, subIndex: 1 },
          excerpt: '{"n":1}',
        },
      ],
      controls: [],
    });
  });

  it.each([
    {
      name: 'a corrupt aggregate',
      mutate: (data: Uint8Array): void => {
        data[data.length - 1] = (data[data.length - 1] as number) ^ 1;
      },
      reason: 'kpl-md5-mismatch',
    },
    {
      name: 'a truncated aggregate',
      mutate: (data: Uint8Array): void => {
        data.fill(0, 4);
      },
      reason: 'kpl-md5-mismatch',
    },
  ])('rejects $name once for the whole Kinesis record', ({ mutate, reason }) => {
    // Prepare
    const data = aggregate([
      { partitionKey: 'a', data: bytes('{"n":0}') },
      { partitionKey: 'a', data: bytes('{"n":1}') },
    ]);
    mutate(data);

    // Act
    const outcome = run(data);

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [
        { reason, message: expect.any(String), origin: { sequenceNumber: SEQ }, excerpt: expect.any(String) },
      ],
      controls: [],
    });
  });

  it('rejects an aggregate too short to hold its checksum as kpl-corrupt', () => {
    // Act
    const outcome = run(Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 0x0a));

    // Assess
    expect(outcome.rejections).toStrictEqual([
      {
        reason: 'kpl-corrupt',
        message: 'KPL aggregate is truncated: 5 byte(s), at least 20 needed for magic and MD5',
        origin: { sequenceNumber: SEQ },
        excerpt: expect.any(String),
      },
    ]);
  });

  it('rejects an aggregate with no user records as empty-record', () => {
    // Act
    const outcome = run(aggregate([]));

    // Assess
    expect(outcome.rejections).toStrictEqual([
      {
        reason: 'empty-record',
        message: 'KPL aggregate holds no user records',
        origin: { sequenceNumber: SEQ },
        excerpt: expect.any(String),
      },
    ]);
  });

  it('decodes each CloudWatch Logs event with its index as the line', () => {
    // Act
    const outcome = run(gzip(fixture('cloudwatch-data-message.json')));

    // Assess
    expect(outcome).toStrictEqual({
      records: [
        rec(
          { ip: '203.0.113.7', method: 'GET', path: '/cart', status: 200, bytes: 5120, latencyMs: 41 },
          { line: 0 },
        ),
        rec(
          { ip: '198.51.100.23', method: 'POST', path: '/checkout', status: 201, bytes: 733, latencyMs: 187 },
          { line: 1 },
        ),
        rec(
          { ip: '203.0.113.7', method: 'GET', path: '/cart/items', status: 404, bytes: 0, latencyMs: 12 },
          { line: 3 },
        ),
      ],
      rejections: [
        {
          reason: 'invalid-json',
          message: 'not JSON',
          origin: { sequenceNumber: SEQ, line: 2 },
          excerpt: 'START RequestId: 6f1c2b3a-8d9e-4f0a-b1c2-d3e4f5a6b7c8 Version: $LATEST',
        },
      ],
      controls: [],
    });
  });

  it('uses the event index, not the line inside the event, for multi-line log events', () => {
    // Prepare
    const envelope = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: 'g',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: [
        { id: '0', timestamp: 1, message: '{"n":0}' },
        { id: '1', timestamp: 2, message: '{"n":1}\n{"n":2}' },
        { id: '2', timestamp: 3, message: '' },
      ],
    };

    // Act
    const outcome = run(gzip(JSON.stringify(envelope)));

    // Assess
    expect(outcome).toStrictEqual({
      records: [rec({ n: 0 }, { line: 0 }), rec({ n: 1 }, { line: 1 }), rec({ n: 2 }, { line: 1 })],
      rejections: [
        {
          reason: 'empty-record',
          message: 'log event 2 holds no text',
          origin: { sequenceNumber: SEQ, line: 2 },
          excerpt: '',
        },
      ],
      controls: [],
    });
  });

  it('carries both the user record and the event index for CloudWatch Logs inside KPL', () => {
    // Prepare
    const data = aggregate([
      { partitionKey: 'a', data: bytes('{"n":0}') },
      { partitionKey: 'a', data: gzip(fixture('cloudwatch-data-message.json')) },
    ]);

    // Act
    const outcome = run(data);

    // Assess
    expect(outcome.records.map((r) => r.origin)).toStrictEqual([
      { sequenceNumber: SEQ, subIndex: 0 },
      { sequenceNumber: SEQ, subIndex: 1, line: 0 },
      { sequenceNumber: SEQ, subIndex: 1, line: 1 },
      { sequenceNumber: SEQ, subIndex: 1, line: 3 },
    ]);
    expect(outcome.rejections.map((r) => r.origin)).toStrictEqual([
      { sequenceNumber: SEQ, subIndex: 1, line: 2 },
    ]);
  });

  it('reports a CONTROL_MESSAGE to control only', () => {
    // Act
    const outcome = run(gzip(fixture('cloudwatch-control-message.json')));

    // Assess
    expect(outcome).toStrictEqual({ records: [], rejections: [], controls: [{ sequenceNumber: SEQ }] });
  });

  it('ignores a CONTROL_MESSAGE when the sink has no control method', () => {
    // Prepare
    const calls: unknown[] = [];

    // Act
    decodeSource(source(gzip(fixture('cloudwatch-control-message.json'))), stubJson, DEFAULT_DECODE_LIMITS, {
      record: (r) => calls.push(r),
      reject: (r) => calls.push(r),
    });

    // Assess
    expect(calls).toStrictEqual([]);
  });

  it.each([
    {
      name: 'a DATA_MESSAGE with an event that has no message',
      envelope: {
        ...JSON.parse(fixture('cloudwatch-data-message.json')),
        logEvents: [{ id: '1', timestamp: 1 }],
      },
      reason: 'cloudwatch-envelope',
      message: 'CloudWatch Logs envelope logEvents[0].message is missing, expected a string',
    },
    {
      name: 'a DATA_MESSAGE with no events',
      envelope: { ...JSON.parse(fixture('cloudwatch-data-message.json')), logEvents: [] },
      reason: 'empty-record',
      message: 'CloudWatch Logs DATA_MESSAGE holds no log events',
    },
  ])('rejects $name once', ({ envelope, reason, message }) => {
    // Act
    const outcome = run(gzip(JSON.stringify(envelope)));

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [
        {
          reason,
          message,
          origin: { sequenceNumber: SEQ },
          excerpt: expect.stringMatching(/^\{"messageType/),
        },
      ],
      controls: [],
    });
  });

  it('decodes a plain (not gzipped) CloudWatch-like JSON object as an ordinary record', () => {
    // Act
    const outcome = run(bytes('{"messageType":"DATA_MESSAGE","logEvents":[]}'));

    // Assess
    expect(outcome.records).toStrictEqual([rec({ messageType: 'DATA_MESSAGE', logEvents: [] })]);
  });

  it('rejects a payload whose decoder throws, saying it was an internal error', () => {
    // Prepare
    const throwing: FormatDecoder = {
      format: 'broken',
      decode() {
        throw new TypeError('boom');
      },
    };

    // Act
    const outcome = run(bytes('{"a":1}'), DEFAULT_DECODE_LIMITS, throwing);

    // Assess
    expect(outcome).toStrictEqual({
      records: [],
      rejections: [
        {
          reason: 'decoder-failure',
          message: 'internal error: the broken decoder threw on payload: boom',
          origin: { sequenceNumber: SEQ },
          excerpt: '{"a":1}',
        },
      ],
      controls: [],
    });
  });

  it('rejects a payload for which the decoder reports nothing', () => {
    // Prepare
    const silent: FormatDecoder = { format: 'silent', decode() {} };

    // Act
    const outcome = run(bytes('\n\n'), DEFAULT_DECODE_LIMITS, silent);

    // Assess
    expect(outcome.rejections).toStrictEqual([
      {
        reason: 'empty-record',
        message: 'the silent decoder found no records in payload',
        origin: { sequenceNumber: SEQ },
        excerpt: '\\n\\n',
      },
    ]);
  });

  it.each([
    { name: 'record', data: bytes('{"a":1}') },
    { name: 'reject', data: bytes('nope') },
    { name: 'reject (unwrap)', data: new Uint8Array(0) },
  ])('lets an error thrown by the sink on $name propagate', ({ data }) => {
    // Prepare
    const failure = new Error('sink down');
    const sink: DecodeSink = {
      record: () => {
        throw failure;
      },
      reject: () => {
        throw failure;
      },
    };

    // Act
    const act = (): void => decodeSource(source(data), stubJson, DEFAULT_DECODE_LIMITS, sink);

    // Assess
    expect(act).toThrow(failure);
  });

  it('never throws and always reports something, whatever the bytes', () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((tail) => Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2, ...tail])),
      fc.uint8Array({ maxLength: 200 }).map((tail) => Uint8Array.from([0x1f, 0x8b, ...tail])),
      fc.uint8Array({ maxLength: 200 }).map((data) => gzip(data)),
      fc
        .array(fc.uint8Array({ maxLength: 60 }), { maxLength: 5 })
        .map((parts) => aggregate(parts.map((data) => ({ partitionKey: 'k', data })))),
    );
    fc.assert(
      fc.property(payload, (data) => {
        // Act
        const outcome = run(data, { maxRecordBytes: 150, maxDecompressedBytes: 150 });

        // Assess
        expect(outcome.records.length + outcome.rejections.length + outcome.controls.length).toBeGreaterThan(
          0,
        );
        for (const r of [...outcome.records, ...outcome.rejections]) {
          expect(Object.values(r.origin)).not.toContain(undefined);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('conserves records: each user record ends as exactly its records or one rejection', () => {
    const item = fc.oneof(
      fc.record({ kind: fc.constant('ok' as const), n: fc.integer() }),
      fc.record({ kind: fc.constant('bad' as const), raw: fc.constantFrom('nope', '[1]', '{', '\u0000') }),
      fc.record({ kind: fc.constant('binary' as const) }),
    );
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        (items, kpl, zip) => {
          // Prepare
          const encode = (i: (typeof items)[number]): Uint8Array => {
            const raw =
              i.kind === 'ok'
                ? bytes(JSON.stringify({ n: i.n }))
                : i.kind === 'bad'
                  ? bytes(i.raw)
                  : Uint8Array.of(0xfe);
            return zip ? gzip(raw) : raw;
          };
          const data = kpl
            ? aggregate(items.map((i) => ({ partitionKey: 'k', data: encode(i) })))
            : encode(items[0] as (typeof items)[number]);
          const expected = kpl ? items : items.slice(0, 1);

          // Act
          const outcome = run(data);

          // Assess
          const okCount = expected.filter((i) => i.kind === 'ok').length;
          expect(outcome.records).toHaveLength(okCount);
          expect(outcome.rejections).toHaveLength(expected.length - okCount);
          const seen = [...outcome.records, ...outcome.rejections]
            .map((r) => r.origin.subIndex ?? -1)
            .sort((a, b) => a - b);
          expect(seen).toStrictEqual(kpl ? expected.map((_, i) => i) : [-1]);
        },
      ),
    );
  });
});
