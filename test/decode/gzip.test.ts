import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gunzipBounded, isGzip } from '../../shared/decode/gzip.ts';

const MiB = 1024 * 1024;
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const gzip = (data: Uint8Array | string): Uint8Array => new Uint8Array(gzipSync(data));

describe('Function: isGzip', () => {
  it.each([
    { name: 'a gzip member', data: gzip('x'), expected: true },
    { name: 'the magic alone', data: Uint8Array.of(0x1f, 0x8b), expected: true },
    { name: 'JSON text', data: text('{"a":1}'), expected: false },
    { name: 'one magic byte', data: Uint8Array.of(0x1f), expected: false },
    { name: 'an empty payload', data: new Uint8Array(0), expected: false },
  ])('returns $expected for $name', ({ data, expected }) => {
    // Act
    const result = isGzip(data);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: gunzipBounded', () => {
  it('round-trips arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (data) => {
        // Act
        const result = gunzipBounded(gzip(data), 10 * MiB);

        // Assess
        expect(result).toStrictEqual({ ok: true, data: expect.any(Uint8Array) });
        expect(result.ok && new Uint8Array(result.data)).toStrictEqual(data);
      }),
    );
  });

  it('decompresses concatenated members in order', () => {
    // Prepare
    const data = Uint8Array.from([...gzip('{"a":1}\n'), ...gzip(''), ...gzip('{"a":2}\n')]);

    // Act
    const result = gunzipBounded(data, 1024);

    // Assess
    expect(result.ok && new TextDecoder().decode(result.data)).toBe('{"a":1}\n{"a":2}\n');
  });

  it('accepts output of exactly the limit', () => {
    // Act
    const result = gunzipBounded(gzip(new Uint8Array(100)), 100);

    // Assess
    expect(result.ok && result.data.length).toBe(100);
  });

  it('decompresses an empty member to no bytes', () => {
    // Act
    const result = gunzipBounded(gzip(new Uint8Array(0)), 0);

    // Assess
    expect(result).toStrictEqual({ ok: true, data: expect.any(Uint8Array) });
    expect(result.ok && result.data.length).toBe(0);
  });

  it.each([
    { name: 'one byte over the limit', size: 101, limit: 100 },
    { name: 'a limit of zero', size: 1, limit: 0 },
  ])('reports $name as gzip-too-large', ({ size, limit }) => {
    // Prepare
    const data = gzip(new Uint8Array(size));

    // Act
    const result = gunzipBounded(data, limit);

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      reason: 'gzip-too-large',
      message: `gzip payload of ${data.length} byte(s) decompresses to more than ${limit} byte(s)`,
    });
  });

  it('stops a gzip bomb at the limit without allocating its whole output', () => {
    // Prepare: 50 MiB of zeros, about 50 KB compressed
    const bomb = gzip(new Uint8Array(50 * MiB));
    const before = process.memoryUsage().arrayBuffers;

    // Act
    const result = gunzipBounded(bomb, 10 * MiB);

    // Assess
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(bomb.length).toBeLessThan(100_000);
    expect(result).toStrictEqual({
      ok: false,
      reason: 'gzip-too-large',
      message: `gzip payload of ${bomb.length} byte(s) decompresses to more than ${10 * MiB} byte(s)`,
    });
    expect(grown).toBeLessThan(20 * MiB);
  });

  const member = gzip('{"ip":"203.0.113.7","status":200}');
  it.each([
    { name: 'the magic alone', data: member.subarray(0, 2), cause: 'unexpected end of file' },
    { name: 'a cut header', data: member.subarray(0, 8), cause: 'unexpected end of file' },
    { name: 'a cut body', data: member.subarray(0, member.length - 12), cause: 'unexpected end of file' },
    { name: 'a cut trailer', data: member.subarray(0, member.length - 3), cause: 'unexpected end of file' },
    {
      name: 'a cut second member',
      data: Uint8Array.from([...member, ...member.subarray(0, 5)]),
      cause: 'unexpected end of file',
    },
    {
      name: 'a wrong CRC',
      data: Uint8Array.from([...member.subarray(0, member.length - 8), 0, 0, 0, 0, ...member.subarray(-4)]),
      cause: 'incorrect data check',
    },
    {
      name: 'garbage after a member',
      data: Uint8Array.from([...member, ...text('junk')]),
      cause: 'incorrect header check',
    },
    {
      name: 'an unknown compression method',
      data: Uint8Array.of(0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 3),
      cause: 'unknown compression method',
    },
  ])('reports $name as gzip-corrupt', ({ data, cause }) => {
    // Act
    const result = gunzipBounded(data, MiB);

    // Assess
    expect(result).toStrictEqual({
      ok: false,
      reason: 'gzip-corrupt',
      message: `gzip payload of ${data.length} byte(s) does not decompress: ${cause}`,
    });
  });

  it('never throws on arbitrary bytes after the magic', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => {
        // Act
        const result = gunzipBounded(Uint8Array.from([0x1f, 0x8b, ...tail]), 4096);

        // Assess
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
