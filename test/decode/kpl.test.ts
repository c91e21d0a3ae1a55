import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, deaggregate, isKplAggregate } from '../../shared/decode/kpl.ts';

const MAGIC = [0xf3, 0x89, 0x9a, 0xc2];
const md5 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('md5').update(bytes).digest());
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
/** Bytes from groups of hex digits, e.g. `hex('0a 01 61', '1a 00')`. */
const hex = (...groups: string[]): Uint8Array =>
  Uint8Array.from(Buffer.from(groups.join('').replace(/\s/g, ''), 'hex'));

/** Wraps hand-written protobuf bytes into a KPL aggregate with a correct MD5. */
const withEnvelope = (protobuf: Uint8Array): Uint8Array =>
  Uint8Array.from([...MAGIC, ...protobuf, ...md5(protobuf)]);

const userRecord = fc
  .record(
    {
      partitionKey: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
      explicitHashKey: fc.bigInt(0n, 2n ** 128n - 1n).map(String),
      data: fc.uint8Array({ maxLength: 300 }),
    },
    { requiredKeys: ['partitionKey', 'data'] },
  )
  .map((record) => ({ ...record }));

describe('Function: isKplAggregate', () => {
  it.each([
    { name: 'an aggregate', data: aggregate([]), expected: true },
    { name: 'the magic alone', data: bytes(...MAGIC), expected: true },
    { name: 'JSON text', data: text('{"a":1}'), expected: false },
    { name: 'an empty payload', data: bytes(), expected: false },
    { name: 'a truncated magic', data: bytes(0xf3, 0x89, 0x9a), expected: false },
    { name: 'gzip', data: bytes(0x1f, 0x8b, 8, 0), expected: false },
  ])('returns $expected for $name', ({ data, expected }) => {
    // Act
    const result = isKplAggregate(data);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: aggregate', () => {
  it('writes the byte layout of the KPL format', () => {
    // Prepare
    const protobuf = hex(
      '0a 01 61', // partition_key_table[0] = 'a'
      '1a 06 08 00 1a 02 68 69', // records[0] (6 bytes): partition_key_index 0, data 'hi'
    );

    // Act
    const result = aggregate([{ partitionKey: 'a', data: text('hi') }]);

    // Assess: magic, protobuf, then MD5 of the protobuf (computed independently, with Python's hashlib)
    expect(result).toStrictEqual(
      Uint8Array.from([...MAGIC, ...protobuf, ...hex('ed4ff28777966ae6df59911cb0530cc2')]),
    );
  });

  it('deduplicates keys into tables and writes explicit hash key indexes', () => {
    // Prepare
    const protobuf = hex(
      '0a 01 61 0a 01 62', // partition_key_table: 'a', 'b'
      '12 01 35', // explicit_hash_key_table: '5'
      '1a 07 08 00 10 00 1a 01 78', // records[0]: pk 0, ehk 0, data 'x'
      '1a 04 08 01 1a 00', // records[1]: pk 1, data ''
      '1a 07 08 00 10 00 1a 01 79', // records[2]: pk 0, ehk 0, data 'y'
    );

    // Act
    const result = aggregate([
      { partitionKey: 'a', explicitHashKey: '5', data: text('x') },
      { partitionKey: 'b', data: new Uint8Array(0) },
      { partitionKey: 'a', explicitHashKey: '5', data: text('y') },
    ]);

    // Assess
    expect(result).toStrictEqual(withEnvelope(protobuf));
  });

  it('writes multi-byte varints for long data', () => {
    // Prepare
    const data = new Uint8Array(300).fill(7);

    // Act
    const result = aggregate([{ partitionKey: 'k', data }]);

    // Assess: record length 2 + 3 + 300 = 305 = 0xb1 0x02; data length 300 = 0xac 0x02
    expect(Array.from(result.subarray(4, 14))).toStrictEqual([
      0x0a, 0x01, 0x6b, 0x1a, 0xb1, 0x02, 0x08, 0x00, 0x1a, 0xac,
    ]);
    expect(result[14]).toBe(0x02);
  });
});

describe('Function: deaggregate', () => {
  it('reads a hand-built aggregate with tags, unknown fields and tables after the records', () => {
    // Prepare
    const protobuf = hex(
      '1a 11 08 01', // records[0] (17 bytes): pk 1,
      '22 06 0a 01 74 12 01 76', //   tag { key 't', value 'v' },
      '48 96 01', //   unknown varint field 9 = 150,
      '1a 02 68 69', //   data 'hi'
      '75 01 02 03 04', // unknown fixed32 field 14
      '79 01 02 03 04 05 06 07 08', // unknown fixed64 field 15
      '0a 01 61 0a 02 62 63', // partition_key_table: 'a', 'bc' (after a record)
      '1a 06 08 00 10 00 1a 00', // records[1]: pk 0, ehk 0, data ''
      '12 02 34 32', // explicit_hash_key_table: '42'
    );

    // Act
    const result = deaggregate(withEnvelope(protobuf));

    // Assess
    expect(result).toStrictEqual({
      ok: true,
      records: [
        { partitionKey: 'bc', data: text('hi') },
        { partitionKey: 'a', explicitHashKey: '42', data: new Uint8Array(0) },
      ],
    });
  });

  it('reads an aggregate with no records', () => {
    // Act
    const result = deaggregate(withEnvelope(new Uint8Array(0)));

    // Assess
    expect(result).toStrictEqual({ ok: true, records: [] });
  });

  it('round-trips what aggregate writes', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { maxLength: 40 }), (records) => {
        // Act
        const result = deaggregate(aggregate(records));

        // Assess
        expect(result).toStrictEqual({ ok: true, records });
      }),
    );
  });

  it('reports a checksum that does not match', () => {
    // Prepare
    const data = aggregate([{ partitionKey: 'a', data: text('hi') }]);
    data[data.length - 1] = (data[data.length - 1] as number) ^ 0xff;

    // Act
    const result = deaggregate(data);

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      reason: 'kpl-md5-mismatch',
      message: expect.stringMatching(
        /^KPL aggregate MD5 [0-9a-f]{32} does not match its content \(computed /,
      ),
    });
  });

  it('reports content changed under the checksum', () => {
    // Prepare
    const data = aggregate([{ partitionKey: 'a', data: text('hi') }]);
    data[data.length - 17] = 0x6a;

    // Act
    const result = deaggregate(data);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'kpl-md5-mismatch' });
  });

  it.each([
    {
      name: 'a partition key index past the table',
      record: hex('1a 06 08 05 1a 02 68 69'), // records[1]: pk 5, data 'hi'
      problem: 'records[1] partition_key_index 5 is past the partition key table (1 entries)',
      partitionKey: '',
    },
    {
      name: 'a huge partition key index',
      record: hex('1a 0f 08 ff ff ff ff ff ff ff ff ff 01 1a 02 68 69'), // pk 2^64 - 1
      problem:
        'records[1] partition_key_index 18446744073709552000 is past the partition key table (1 entries)',
      partitionKey: '',
    },
    {
      name: 'an explicit hash key index past the table',
      record: hex('1a 08 08 00 10 00 1a 02 68 69'), // pk 0, ehk 0 (there is no ehk table), data 'hi'
      problem: 'records[1] explicit_hash_key_index 0 is past the explicit hash key table (0 entries)',
      partitionKey: 'a',
    },
  ])(
    'marks only the record with $name, and returns its siblings intact',
    ({ record, problem, partitionKey }) => {
      // Prepare: three records of which the middle one has the bad index.
      const protobuf = Uint8Array.from([
        ...hex('0a 01 61'), // partition_key_table: 'a'
        ...hex('1a 05 08 00 1a 01 78'), // records[0]: pk 0, data 'x'
        ...record,
        ...hex('1a 05 08 00 1a 01 79'), // records[2]: pk 0, data 'y'
      ]);

      // Act
      const result = deaggregate(withEnvelope(protobuf));

      // Assess
      expect(result).toStrictEqual({
        ok: true,
        records: [
          { partitionKey: 'a', data: text('x') },
          { partitionKey, data: text('hi'), problem },
          { partitionKey: 'a', data: text('y') },
        ],
      });
    },
  );

  it.each([
    {
      name: 'a truncated varint',
      protobuf: bytes(0x0a, 0x01, 0x61, 0x1a, 0x80),
      message: 'truncated varint (records[0] length) at offset 8',
    },
    {
      name: 'a varint longer than 10 bytes',
      protobuf: bytes(0x1a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      message: 'varint (records[0] length) longer than 10 bytes at offset 5',
    },
    {
      name: 'a field running past the end',
      protobuf: bytes(0x0a, 0x05, 0x61),
      message: 'partition_key_table[0] at offset 5 declares 5 byte(s) but only 1 remain',
    },
    {
      name: 'a nested field running past its message',
      protobuf: bytes(0x0a, 0x01, 0x61, 0x1a, 0x04, 0x08, 0x00, 0x1a, 0x05, 0x00),
      message: 'records[0] data at offset 12 declares 5 byte(s) but only 0 remain',
    },
    {
      name: 'a record without partition_key_index',
      protobuf: bytes(0x0a, 0x01, 0x61, 0x1a, 0x02, 0x1a, 0x00),
      message: 'records[0] is missing required field partition_key_index (1)',
    },
    {
      name: 'a record without data',
      protobuf: bytes(0x0a, 0x01, 0x61, 0x1a, 0x02, 0x08, 0x00),
      message: 'records[0] is missing required field data (3)',
    },
    {
      name: 'a tag without key',
      protobuf: bytes(0x0a, 0x01, 0x61, 0x1a, 0x08, 0x08, 0x00, 0x1a, 0x00, 0x22, 0x02, 0x12, 0x00),
      message: 'records[0] Tag is missing required field key (1)',
    },
    {
      name: 'a table entry with the wrong wire type',
      protobuf: bytes(0x08, 0x00),
      message: 'AggregatedRecord field 1 has wire type varint, expected length-delimited',
    },
    {
      name: 'data with the wrong wire type',
      protobuf: bytes(0x0a, 0x01, 0x61, 0x1a, 0x04, 0x08, 0x00, 0x18, 0x00),
      message: 'records[0] field 3 has wire type varint, expected length-delimited',
    },
    {
      name: 'an unknown field of group wire type',
      protobuf: bytes(0x7b, 0x7c),
      message: 'AggregatedRecord field 15 has unsupported wire type group start at offset 4',
    },
    {
      name: 'an invalid wire type',
      protobuf: bytes(0x7e),
      message: 'AggregatedRecord field 15 has unsupported wire type invalid (6) at offset 4',
    },
    {
      name: 'field number 0',
      protobuf: bytes(0x02, 0x00),
      message: 'AggregatedRecord has field number 0 at offset 4',
    },
    {
      name: 'a truncated fixed64 field',
      protobuf: bytes(0x79, 1, 2, 3),
      message: 'AggregatedRecord field 15 (fixed64) at offset 4 is truncated',
    },
    {
      name: 'a partition key that is not UTF-8',
      protobuf: bytes(0x0a, 0x01, 0xff),
      message: 'partition_key_table[0] at offset 6 is not valid UTF-8',
    },
  ])('reports $name as kpl-corrupt', ({ protobuf, message }) => {
    // Act
    const result = deaggregate(withEnvelope(protobuf));

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      reason: 'kpl-corrupt',
      message: `KPL aggregate is corrupt: ${message}`,
    });
  });

  it.each([
    { name: 'the magic alone', data: bytes(...MAGIC) },
    { name: 'a cut checksum', data: bytes(...MAGIC, ...new Uint8Array(15)) },
  ])('reports $name as truncated', ({ data }) => {
    // Act
    const result = deaggregate(data);

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      reason: 'kpl-corrupt',
      message: `KPL aggregate is truncated: ${data.length} byte(s), at least 20 needed for magic and MD5`,
    });
  });

  it('reports data without the magic', () => {
    // Act
    const result = deaggregate(text('{"a":1}'));

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      reason: 'kpl-corrupt',
      message: 'KPL aggregate does not start with the magic bytes',
    });
  });

  it('never throws on mutated aggregates, with or without a fixed checksum', () => {
    fc.assert(
      fc.property(
        fc.array(userRecord, { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat()),
        fc.boolean(),
        (records, mutations, cut, fixChecksum) => {
          // Prepare
          const original = aggregate(records);
          let protobuf: Uint8Array = original.slice(4, original.length - 16);
          for (const [at, value] of mutations) {
            if (protobuf.length > 0) protobuf[at % protobuf.length] = value;
          }
          if (cut !== null) protobuf = protobuf.subarray(0, cut % (protobuf.length + 1));
          const data = fixChecksum
            ? withEnvelope(protobuf)
            : Uint8Array.from([...MAGIC, ...protobuf, ...original.subarray(original.length - 16)]);

          // Act
          const result = deaggregate(data);

          // Assess
          if (result.ok) {
            for (const record of result.records) expect(typeof record.partitionKey).toBe('string');
          } else {
            expect(['kpl-corrupt', 'kpl-md5-mismatch']).toContain(result.reason);
            expect(result.message).not.toBe('');
          }
        },
      ),
    );
  });

  it('never throws on arbitrary bytes after the magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, fixChecksum) => {
        // Prepare
        const data = fixChecksum ? withEnvelope(tail) : Uint8Array.from([...MAGIC, ...tail]);

        // Act
        const result = deaggregate(data);

        // Assess
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
