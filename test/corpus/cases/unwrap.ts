import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { aggregate } from '../../../shared/decode/index.ts';
import { ohlc, requestsByIp } from '../../../shared/examples/index.ts';
import { ARRIVAL_MS, keyedRecord, logLine, smallLimits, trade } from './pipelines.ts';
import type { CorpusCase } from './types.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (...parts: (Uint8Array | readonly number[] | string)[]): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? utf8(part) : Uint8Array.from(part))));
const gzip = (data: Uint8Array | string): Uint8Array => new Uint8Array(gzipSync(data));

const good = trade();
/** Bytes of the good trade cut before its closing brace, and the brace: bad bytes go in between. */
const head = `${good.slice(0, -1)},"note":"`;
const tail = '"}';

// ---------------------------------------------------------------- KPL
const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

const varint = (value: number): number[] => {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
};
/** A protobuf field: key, then the value as written (a varint value, or a length and bytes). */
const varintField = (field: number, value: number): number[] => [...varint(field * 8), ...varint(value)];
const lenField = (field: number, value: Uint8Array | readonly number[]): number[] => [
  ...varint(field * 8 + 2),
  ...varint(value.length),
  ...value,
];
/** A KPL `Record` message. */
const kplRecord = (partitionKeyIndex: number, data: Uint8Array, explicitHashKeyIndex?: number): number[] => [
  ...varintField(1, partitionKeyIndex),
  ...(explicitHashKeyIndex === undefined ? [] : varintField(2, explicitHashKeyIndex)),
  ...lenField(3, data),
];
/** Magic, the protobuf as given, and its correct MD5: only the protobuf can be at fault. */
const kpl = (protobuf: readonly number[] | Uint8Array): Uint8Array => {
  const proto = Uint8Array.from(protobuf);
  return bytes(KPL_MAGIC, proto, createHash('md5').update(proto).digest());
};
const goodAggregate = aggregate([{ partitionKey: 'pk-1', data: utf8(good) }]);
/** The protobuf of {@link goodAggregate}. */
const goodProtobuf = goodAggregate.subarray(4, goodAggregate.length - 16);
const withLastByteFlipped = (data: Uint8Array): Uint8Array => {
  const copy = Uint8Array.from(data);
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0xff;
  return copy;
};
const withByteFlipped = (data: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(data);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
};

// ---------------------------------------------------------------- gzip
/** 1 MiB of zeros gzipped is ~1 KB; concatenated members decompress into one stream. */
const zerosMember = gzip(new Uint8Array(1 << 20));
/** ~946 KB on the wire (under the 1 MiB record limit), 900 MiB decompressed. */
export const multiMemberGzipBomb: Uint8Array = Buffer.concat(Array.from({ length: 900 }, () => zerosMember));
/** One gzip member, ~11 KB, that inflates to 11 MiB: just past the 10 MiB limit. */
export const singleMemberGzipBomb: Uint8Array = gzip(new Uint8Array(11 * 1024 * 1024));

const gzippedGood = gzip(good);

// ---------------------------------------------------------------- CloudWatch Logs
const envelope = (overrides: Record<string, unknown> = {}): Uint8Array =>
  gzip(
    JSON.stringify({
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/ecs/web',
      logStream: 'web/nginx/0f3e',
      subscriptionFilters: ['streamfold'],
      logEvents: [{ id: '3795', timestamp: ARRIVAL_MS - 60_000, message: logLine() }],
      ...overrides,
    }),
  );
const event = (message: unknown): Record<string, unknown> => ({ id: '1', timestamp: ARRIVAL_MS, message });

/** Payloads that fail before the format decoder: size, UTF-8, KPL, gzip, CloudWatch Logs envelopes. */
export const unwrapCases: readonly CorpusCase[] = [
  // Size and emptiness
  { name: 'empty Kinesis record', pipeline: ohlc, payload: new Uint8Array(0), expected: 'empty-record' },
  {
    name: 'record of 1 MiB + 1 byte',
    pipeline: ohlc,
    payload: new Uint8Array(1_048_577).fill(0x20),
    expected: 'record-too-large',
  },
  {
    name: 'valid JSON of exactly 1 MiB',
    pipeline: ohlc,
    payload: (() => {
      const prefix = `${good.slice(0, -1)},"pad":"`;
      return `${prefix}${'p'.repeat(1_048_576 - prefix.length - 2)}"}`;
    })(),
    expected: 'folded',
  },
  {
    name: 'record over a pipeline limit of 4 KiB',
    pipeline: smallLimits,
    payload: keyedRecord({ pad: 'x'.repeat(5000) }),
    expected: 'record-too-large',
  },
  {
    name: 'gzip over a pipeline limit of 64 KiB decompressed',
    pipeline: smallLimits,
    payload: gzip(keyedRecord({ pad: 'x'.repeat(70_000) })),
    expected: 'gzip-too-large',
  },
  {
    name: 'a UTF-8 BOM and nothing else',
    pipeline: ohlc,
    payload: Uint8Array.of(0xef, 0xbb, 0xbf),
    expected: 'empty-record',
  },
  // UTF-8
  { name: 'byte 0xFF', pipeline: ohlc, payload: bytes(head, [0xff], tail), expected: 'invalid-utf8' },
  {
    name: 'overlong encoding of "/" (C0 AF)',
    pipeline: ohlc,
    payload: bytes(head, [0xc0, 0xaf], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'overlong 3-byte encoding (E0 80 AF)',
    pipeline: ohlc,
    payload: bytes(head, [0xe0, 0x80, 0xaf], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'overlong NUL (C0 80, modified UTF-8)',
    pipeline: ohlc,
    payload: bytes(head, [0xc0, 0x80], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'encoded lone surrogate U+D800 (ED A0 80)',
    pipeline: ohlc,
    payload: bytes(head, [0xed, 0xa0, 0x80], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'CESU-8 surrogate pair (ED A0 BD ED B8 80)',
    pipeline: ohlc,
    payload: bytes(head, [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'code point past U+10FFFF (F4 90 80 80)',
    pipeline: ohlc,
    payload: bytes(head, [0xf4, 0x90, 0x80, 0x80], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'multi-byte sequence cut at the end',
    pipeline: ohlc,
    payload: bytes(good, [0xe2, 0x82]),
    expected: 'invalid-utf8',
  },
  {
    name: 'lone continuation byte',
    pipeline: ohlc,
    payload: bytes(head, [0x80], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'Latin-1 text',
    pipeline: ohlc,
    payload: bytes(head, 'caf', [0xe9], tail),
    expected: 'invalid-utf8',
  },
  {
    name: 'UTF-16LE JSON with its BOM',
    pipeline: ohlc,
    payload: bytes([0xff, 0xfe], Buffer.from(good, 'utf16le')),
    expected: 'invalid-utf8',
  },
  // gzip
  {
    name: 'gzip cut in half',
    pipeline: ohlc,
    payload: gzippedGood.subarray(0, gzippedGood.length >> 1),
    expected: 'gzip-corrupt',
  },
  {
    name: 'gzip without its trailer',
    pipeline: ohlc,
    payload: gzippedGood.subarray(0, gzippedGood.length - 8),
    expected: 'gzip-corrupt',
  },
  {
    name: 'gzip magic bytes only',
    pipeline: ohlc,
    payload: Uint8Array.of(0x1f, 0x8b),
    expected: 'gzip-corrupt',
  },
  {
    name: 'gzip with a wrong CRC',
    pipeline: ohlc,
    payload: withByteFlipped(gzippedGood, gzippedGood.length - 6),
    expected: 'gzip-corrupt',
  },
  {
    name: 'gzip followed by garbage',
    pipeline: ohlc,
    payload: bytes(gzippedGood, 'garbage'),
    expected: 'gzip-corrupt',
  },
  {
    name: 'gzip bomb of one member (11 MiB of zeros)',
    pipeline: ohlc,
    payload: singleMemberGzipBomb,
    expected: 'gzip-too-large',
  },
  {
    name: 'gzip bomb of 900 members (900 MiB of zeros in 946 KB)',
    pipeline: ohlc,
    payload: multiMemberGzipBomb,
    expected: 'gzip-too-large',
  },
  { name: 'gzip of nothing', pipeline: ohlc, payload: gzip(''), expected: 'empty-record' },
  {
    name: 'gzip of bytes that are not UTF-8',
    pipeline: ohlc,
    payload: gzip(bytes(head, [0xff], tail)),
    expected: 'invalid-utf8',
  },
  {
    name: 'gzip of gzip',
    pipeline: ohlc,
    payload: gzip(gzippedGood),
    expected: 'invalid-utf8',
    note: 'one layer is unwrapped; the inner gzip is bytes, not text',
  },
  { name: 'gzipped JSON', pipeline: ohlc, payload: gzippedGood, expected: 'folded' },
  // CloudWatch Logs subscription envelopes (gzipped)
  {
    name: 'CloudWatch envelope with one log line',
    pipeline: requestsByIp,
    payload: envelope(),
    expected: 'folded',
  },
  {
    name: 'CloudWatch logEvents not an array',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: { 0: event(logLine()) } }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch envelope without owner',
    pipeline: requestsByIp,
    payload: envelope({ owner: undefined }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch subscriptionFilters of numbers',
    pipeline: requestsByIp,
    payload: envelope({ subscriptionFilters: [1] }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch log event message a number',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: [event(42)] }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch log event timestamp a string',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: [{ id: '1', timestamp: 'now', message: logLine() }] }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch log event null',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: [null] }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch unknown messageType',
    pipeline: requestsByIp,
    payload: envelope({ messageType: 'DATA' }),
    expected: 'cloudwatch-envelope',
  },
  {
    name: 'CloudWatch DATA_MESSAGE without log events',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: [] }),
    expected: 'empty-record',
  },
  {
    name: 'CloudWatch log event with an empty message',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: [event('')] }),
    expected: 'empty-record',
  },
  {
    name: 'CloudWatch log event that is not a log line',
    pipeline: requestsByIp,
    payload: envelope({ logEvents: [event('GET / HTTP/1.1')] }),
    expected: 'access-log-syntax',
  },
  {
    name: 'CloudWatch envelope with truncated JSON',
    pipeline: requestsByIp,
    payload: gzip('{"messageType":"DATA_MESSAGE","owner":"1234'),
    expected: 'access-log-syntax',
    note: 'not recognised as an envelope, so decoded as a log line',
  },
  // KPL aggregates
  { name: 'KPL aggregate of one record', pipeline: ohlc, payload: goodAggregate, expected: 'folded' },
  {
    name: 'KPL aggregate with a bad MD5',
    pipeline: ohlc,
    payload: withLastByteFlipped(goodAggregate),
    expected: 'kpl-md5-mismatch',
  },
  {
    name: 'KPL aggregate with a flipped data byte',
    pipeline: ohlc,
    payload: withByteFlipped(goodAggregate, 30),
    expected: 'kpl-md5-mismatch',
  },
  {
    name: 'KPL aggregate cut short',
    pipeline: ohlc,
    payload: goodAggregate.subarray(0, goodAggregate.length - 7),
    expected: 'kpl-md5-mismatch',
  },
  {
    name: 'KPL magic bytes only',
    pipeline: ohlc,
    payload: Uint8Array.from(KPL_MAGIC),
    expected: 'kpl-corrupt',
  },
  {
    name: 'KPL truncated protobuf (valid MD5)',
    pipeline: ohlc,
    payload: kpl(goodProtobuf.subarray(0, goodProtobuf.length - 5)),
    expected: 'kpl-corrupt',
  },
  {
    name: 'KPL varint longer than 10 bytes',
    pipeline: ohlc,
    payload: kpl([0x1a, ...new Array(11).fill(0xff)]),
    expected: 'kpl-corrupt',
  },
  { name: 'KPL varint cut at the end', pipeline: ohlc, payload: kpl([0x0a, 0x80]), expected: 'kpl-corrupt' },
  {
    name: 'KPL length of 2^60',
    pipeline: ohlc,
    payload: kpl([0x1a, ...varint(2 ** 60)]),
    expected: 'kpl-corrupt',
  },
  {
    name: 'KPL partition key index past the table',
    pipeline: ohlc,
    payload: kpl([...lenField(1, utf8('pk')), ...lenField(3, kplRecord(5, utf8(good)))]),
    expected: 'kpl-corrupt',
    note: 'only this user record is rejected; the test of siblings is in test/decode',
  },
  {
    name: 'KPL explicit hash key index past the table',
    pipeline: ohlc,
    payload: kpl([...lenField(1, utf8('pk')), ...lenField(3, kplRecord(0, utf8(good), 3))]),
    expected: 'kpl-corrupt',
    note: 'only this user record is rejected; the test of siblings is in test/decode',
  },
  {
    name: 'KPL partition key table entry as a varint',
    pipeline: ohlc,
    payload: kpl([...varintField(1, 7), ...lenField(3, kplRecord(0, utf8(good)))]),
    expected: 'kpl-corrupt',
  },
  { name: 'KPL group wire type', pipeline: ohlc, payload: kpl([0x0b, 0x0c]), expected: 'kpl-corrupt' },
  { name: 'KPL field number 0', pipeline: ohlc, payload: kpl([0x02, 0x00]), expected: 'kpl-corrupt' },
  {
    name: 'KPL record without data',
    pipeline: ohlc,
    payload: kpl([...lenField(1, utf8('pk')), ...lenField(3, varintField(1, 0))]),
    expected: 'kpl-corrupt',
  },
  {
    name: 'KPL partition key that is not UTF-8',
    pipeline: ohlc,
    payload: kpl([...lenField(1, [0xff, 0xfe]), ...lenField(3, kplRecord(0, utf8(good)))]),
    expected: 'kpl-corrupt',
  },
  {
    name: 'KPL aggregate of no records',
    pipeline: ohlc,
    payload: kpl(lenField(1, utf8('pk'))),
    expected: 'empty-record',
  },
  {
    name: 'KPL user record with no data',
    pipeline: ohlc,
    payload: aggregate([{ partitionKey: 'pk', data: new Uint8Array(0) }]),
    expected: 'empty-record',
  },
  {
    name: 'KPL user record of invalid JSON',
    pipeline: ohlc,
    payload: aggregate([{ partitionKey: 'pk', data: utf8('{"symbol":') }]),
    expected: 'invalid-json',
  },
  {
    name: 'KPL user record holding a gzip bomb',
    pipeline: ohlc,
    payload: aggregate([{ partitionKey: 'pk', data: singleMemberGzipBomb }]),
    expected: 'gzip-too-large',
  },
  {
    name: 'KPL aggregate inside a KPL aggregate',
    pipeline: ohlc,
    payload: aggregate([{ partitionKey: 'pk', data: goodAggregate }]),
    expected: 'invalid-utf8',
    note: 'aggregates are not unwrapped recursively',
  },
  {
    name: 'KPL user record gzipped',
    pipeline: ohlc,
    payload: aggregate([{ partitionKey: 'pk', data: gzippedGood }]),
    expected: 'folded',
  },
];
