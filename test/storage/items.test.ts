import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ohlc, requestsByIp } from '../../shared/examples/index.ts';
import { BatchFolder, encodeAggregate, type WindowAggregate, windowResult } from '../../shared/fold/index.ts';
import type { MetricResult } from '../../shared/metrics/types.ts';
import {
  buildResultItem,
  createTableInput,
  deadLetterTableSchema,
  ItemStateError,
  itemSizeBytes,
  MAX_ITEM_BYTES,
  metricAttribute,
  readMetricAttribute,
  readStoredAggregate,
  readWindowResult,
  resultKey,
  resultsTableSchema,
  windowKeyOf,
} from '../../shared/storage/index.ts';
import { sourcesFrom } from '../helpers/sources.ts';

const WINDOW = Date.parse('2026-11-21T08:30:00Z');
const ARRIVAL = Date.parse('2026-11-21T08:31:00Z');
/** Window end (08:31) plus allowed lateness (5 min) plus flushEvery (60 s, buffered writes). */
const FINAL_AT = Date.parse('2026-11-21T08:37:00Z');
const THIRTY_DAYS_MS = 30 * 86_400_000;

const accessLine = (ip: string, path: string, status: number, bytes: number, seconds: string): string =>
  `${ip} - - [21/Nov/2026:08:30:05 +0000] "GET ${path} HTTP/1.1" ${status} ${bytes} "-" "curl/8.0" ${seconds}`;

const foldOne = (lines: readonly string[]): WindowAggregate => {
  const batch = new BatchFolder(requestsByIp).fold(sourcesFrom(lines, ARRIVAL));
  expect(batch.aggregates.size).toBe(1);
  return [...batch.aggregates.values()][0] as WindowAggregate;
};

const requests = (): WindowAggregate =>
  foldOne([
    accessLine('203.0.113.9', '/a', 200, 512, '0.010'),
    accessLine('203.0.113.9', '/a', 503, 100, '0.200'),
    accessLine('203.0.113.9', '/b', 200, 300, '0.030'),
  ]);

const itemOf = (aggregate: WindowAggregate, nowMs: number, version = 1) =>
  buildResultItem(requestsByIp, {
    groupKey: aggregate.groupKey,
    group: aggregate.group,
    windowStartMs: aggregate.windowStartMs,
    aggregate,
    applied: { 'shardId-000000000000': '000042', 'shardId-000000000001': '000007' },
    version,
    nowMs,
  });

describe('Function: resultKey', () => {
  it('keys an item by pipeline and group, then window start', () => {
    // Act
    const key = resultKey('ohlc', 'ACME', WINDOW);

    // Assess
    expect(key).toStrictEqual({ pk: 'ohlc#ACME', sk: '2026-11-21T08:30:00.000Z' });
    expect(windowKeyOf('ohlc', WINDOW)).toBe('ohlc#2026-11-21T08:30:00.000Z');
  });
});

describe('Function: buildResultItem', () => {
  it('writes keys, window bounds, bookkeeping and every metric as a plain attribute', () => {
    // Prepare
    const aggregate = requests();

    // Act
    const item = itemOf(aggregate, ARRIVAL, 3);

    // Assess
    const { state, ...readable } = item;
    expect(state?.B).toStrictEqual(encodeAggregate(requestsByIp, aggregate));
    expect(readable).toStrictEqual({
      pk: { S: 'requests-by-ip#203.0.113.9' },
      sk: { S: '2026-11-21T08:30:00.000Z' },
      pipeline: { S: 'requests-by-ip' },
      group: { M: { ip: { S: '203.0.113.9' } } },
      groupKey: { S: '203.0.113.9' },
      windowStart: { S: '2026-11-21T08:30:00.000Z' },
      windowEnd: { S: '2026-11-21T08:31:00.000Z' },
      windowKey: { S: 'requests-by-ip#2026-11-21T08:30:00.000Z' },
      status: { S: 'open' },
      finalAt: { S: '2026-11-21T08:37:00.000Z' },
      openPipeline: { S: 'requests-by-ip' },
      records: { N: '3' },
      updatedAt: { S: '2026-11-21T08:31:00.000Z' },
      expiresAt: { N: String((WINDOW + 60_000 + THIRTY_DAYS_MS) / 1000) },
      version: { N: '3' },
      applied: {
        M: { 'shardId-000000000000': { S: '000042' }, 'shardId-000000000001': { S: '000007' } },
      },
      requests: { N: '3' },
      errors: { N: '1' },
      bytes: { N: '912' },
      latency: expect.objectContaining({ M: expect.any(Object) }),
      paths: { N: '2' },
      topPaths: {
        L: [
          { M: { value: { S: '/a' }, count: { N: '2' } } },
          { M: { value: { S: '/b' }, count: { N: '1' } } },
        ],
      },
    });
    expect(Object.keys(item.latency?.M ?? {})).toStrictEqual(['p50', 'p90', 'p95', 'p99']);
  });

  it.each([
    ['before the window ends', WINDOW + 30_000, 'open'],
    ['exactly at end plus allowed lateness plus flushEvery', FINAL_AT, 'open'],
    ['one millisecond after end plus allowed lateness plus flushEvery', FINAL_AT + 1, 'final'],
    ['days later', FINAL_AT + 3 * 86_400_000, 'final'],
  ])(
    'marks a window written %s (now %i) as %s, with openPipeline only while open',
    (_when, nowMs, status) => {
      // Act
      const item = itemOf(requests(), nowMs);

      // Assess
      expect(item.status).toStrictEqual({ S: status });
      expect(item.openPipeline).toStrictEqual(status === 'open' ? { S: 'requests-by-ip' } : undefined);
      expect(item.finalAt).toStrictEqual({ S: '2026-11-21T08:37:00.000Z' });
      expect(item.expiresAt).toStrictEqual({ N: '1797841860' });
    },
  );

  it('rounds expiresAt up to a whole second (TTL is in epoch seconds)', () => {
    // Prepare: a window starting 1 ms after a whole second
    const aggregate = { ...requests(), windowStartMs: WINDOW + 1 };

    // Act
    const item = buildResultItem(requestsByIp, {
      groupKey: aggregate.groupKey,
      group: aggregate.group,
      windowStartMs: WINDOW + 1,
      aggregate,
      applied: {},
      version: 1,
      nowMs: ARRIVAL,
    });

    // Assess
    expect(item.expiresAt).toStrictEqual({ N: '1797841861' });
    expect(item.applied).toStrictEqual({ M: {} });
  });

  it('leaves out metrics whose result is null (an index key cannot be NULL)', () => {
    // Prepare: a line without nginx's request time, so latency has no value
    const aggregate = foldOne(['203.0.113.9 - - [21/Nov/2026:08:30:05 +0000] "GET /a HTTP/1.1" 200 512']);

    // Act
    const item = itemOf(aggregate, ARRIVAL);

    // Assess
    expect(item.latency).toStrictEqual({
      M: { p50: { NULL: true }, p90: { NULL: true }, p95: { NULL: true }, p99: { NULL: true } },
    });
    expect(item.requests).toStrictEqual({ N: '1' });
  });
});

describe('Function: readWindowResult and readStoredAggregate', () => {
  it.each([
    ['open', ARRIVAL],
    ['final', FINAL_AT + 60_000],
  ] as const)('round-trips a %s window through the item', (status, nowMs) => {
    // Prepare
    const aggregate = requests();
    const item = itemOf(aggregate, nowMs, 5);

    // Act
    const readable = readWindowResult(requestsByIp, item);
    const stored = readStoredAggregate(requestsByIp, item);

    // Assess
    expect(readable).toStrictEqual({
      ...windowResult(requestsByIp, aggregate.group, aggregate.windowStartMs, aggregate),
      status,
      updatedAt: new Date(nowMs).toISOString(),
    });
    expect(stored.version).toBe(5);
    expect(stored.applied).toStrictEqual({
      'shardId-000000000000': '000042',
      'shardId-000000000001': '000007',
    });
    expect(windowResult(requestsByIp, {}, WINDOW, stored.aggregate).metrics).toStrictEqual(
      windowResult(requestsByIp, {}, WINDOW, aggregate).metrics,
    );
    expect(stored.aggregate.records).toBe(3);
  });

  it.each([
    [
      'no state',
      (item: Record<string, AttributeValue>) => ({ ...item, state: undefined }),
      'has no readable state or version',
    ],
    [
      'no version',
      (item: Record<string, AttributeValue>) => ({ ...item, version: undefined }),
      'has no readable state or version',
    ],
    [
      'a non-numeric version',
      (item: Record<string, AttributeValue>) => ({ ...item, version: { N: 'x' } }),
      'has no readable state or version',
    ],
    [
      'corrupt state',
      (item: Record<string, AttributeValue>) => ({ ...item, state: { B: new Uint8Array([1, 2, 3]) } }),
      'has unreadable state',
    ],
    [
      'state of another format',
      (item: Record<string, AttributeValue>) => ({ ...item, state: { B: new Uint8Array([9]) } }),
      'has unreadable state: Aggregate state has format version 9',
    ],
  ])('throws an ItemStateError for %s', (_label, spoil, message) => {
    // Prepare
    const item = spoil(itemOf(requests(), ARRIVAL)) as Record<string, AttributeValue>;

    // Act
    const read = () => readStoredAggregate(requestsByIp, item);

    // Assess
    expect(read).toThrow(ItemStateError);
    expect(read).toThrow(message);
  });

  it('refuses state written by another definition of the metrics', () => {
    // Prepare
    const item = itemOf(requests(), ARRIVAL);

    // Act
    const read = () => readStoredAggregate(ohlc, item);

    // Assess
    expect(read).toThrow(ItemStateError);
    expect(read).toThrow('was written by a different definition of pipeline "ohlc"');
  });
});

describe('Function: metricAttribute and readMetricAttribute', () => {
  it.each<[string, MetricResult, AttributeValue | undefined, MetricResult]>([
    ['an integer', 3, { N: '3' }, 3],
    ['zero', 0, { N: '0' }, 0],
    ['a negative fraction', -1.5, { N: '-1.5' }, -1.5],
    ['a large number', 1e21, { N: '1e+21' }, 1e21],
    ['null', null, undefined, null],
    ['NaN', Number.NaN, undefined, null],
    ['Infinity', Number.POSITIVE_INFINITY, undefined, null],
    ['-Infinity', Number.NEGATIVE_INFINITY, undefined, null],
    [
      'a percentile map with a null',
      { p50: 12, p99: null },
      { M: { p50: { N: '12' }, p99: { NULL: true } } },
      { p50: 12, p99: null },
    ],
    [
      'a percentile map with a non-finite value',
      { p50: Number.NaN, p90: Number.POSITIVE_INFINITY },
      { M: { p50: { NULL: true }, p90: { NULL: true } } },
      { p50: null, p90: null },
    ],
    ['an empty percentile map', {}, { M: {} }, {}],
    [
      'a top-k list',
      [
        { value: '/a', count: 3 },
        { value: '/b', count: 1 },
      ],
      {
        L: [
          { M: { value: { S: '/a' }, count: { N: '3' } } },
          { M: { value: { S: '/b' }, count: { N: '1' } } },
        ],
      },
      [
        { value: '/a', count: 3 },
        { value: '/b', count: 1 },
      ],
    ],
    ['an empty top-k list', [], { L: [] }, []],
  ])('writes %s as a readable attribute and reads it back', (_label, value, attribute, readBack) => {
    // Act
    const written = metricAttribute(value);
    const read = readMetricAttribute(written);

    // Assess
    expect(written).toStrictEqual(attribute);
    expect(read).toStrictEqual(readBack);
  });

  it.each<[string, AttributeValue | undefined]>([
    ['an absent attribute', undefined],
    ['NULL', { NULL: true }],
    ['a string', { S: '3' }],
  ])('reads %s as null', (_label, attribute) => {
    // Act
    const read = readMetricAttribute(attribute);

    // Assess
    expect(read).toBeNull();
  });
});

describe('Function: itemSizeBytes', () => {
  it.each<[string, Record<string, AttributeValue>, number]>([
    ['the documented example', { pk: { S: 'a' }, n: { N: '12' } }, 6],
    ['a multi-byte string (UTF-8 bytes)', { name: { S: 'héllo' } }, 4 + 6],
    ['binary', { b: { B: new Uint8Array(10) } }, 1 + 10],
    ['a boolean and a null', { flag: { BOOL: true }, nul: { NULL: true } }, 4 + 1 + 3 + 1],
    ['six significant digits', { n: { N: '123456' } }, 1 + 4],
    ['sign, point and leading zeros do not count', { n: { N: '-0.5' } }, 1 + 2],
    ['a map: 3 + names + values + 1 per element', { m: { M: { a: { N: '1' } } } }, 1 + 3 + 1 + 2 + 1],
    ['a list: 3 + values + 1 per element', { l: { L: [{ S: 'ab' }, { N: '-0.5' }] } }, 1 + 3 + 3 + 3],
    ['a string set', { ss: { SS: ['a', 'bc'] } }, 2 + 3],
    ['an empty item', {}, 0],
  ])('sizes %s', (_label, item, size) => {
    // Act
    const bytes = itemSizeBytes(item);

    // Assess
    expect(bytes).toBe(size);
  });

  it('sizes a built results item as the sum of its names and values', () => {
    // Prepare
    const item = itemOf(requests(), ARRIVAL);

    // Act
    const bytes = itemSizeBytes(item);

    // Assess
    const state = item.state?.B?.length as number;
    expect(bytes).toBeGreaterThan(state);
    expect(bytes).toBeLessThan(MAX_ITEM_BYTES);
    expect(MAX_ITEM_BYTES).toBe(409_600);
  });
});

describe('Function: resultsTableSchema and createTableInput', () => {
  it('has one ranking index per rankBy metric and the sparse open-windows index', () => {
    // Act
    const schema = resultsTableSchema(requestsByIp);

    // Assess
    expect(schema.indexes.map((i) => i.name)).toStrictEqual([
      'rank-requests',
      'rank-errors',
      'rank-bytes',
      'open-windows',
    ]);
    expect(schema.indexes[0]).toStrictEqual({
      name: 'rank-requests',
      partitionKey: { name: 'windowKey', type: 'S' },
      sortKey: { name: 'requests', type: 'N' },
      projection: {
        type: 'INCLUDE',
        nonKeyAttributes: [
          'group',
          'groupKey',
          'windowStart',
          'windowEnd',
          'status',
          'records',
          'updatedAt',
          'errors',
          'bytes',
          'latency',
          'paths',
          'topPaths',
        ],
      },
    });
    expect(schema.indexes[3]).toStrictEqual({
      name: 'open-windows',
      partitionKey: { name: 'openPipeline', type: 'S' },
      sortKey: { name: 'finalAt', type: 'S' },
      projection: { type: 'KEYS_ONLY' },
    });
    expect(schema.timeToLiveAttribute).toBe('expiresAt');
  });

  it('builds the CreateTable request with each key attribute defined once', () => {
    // Act
    const input = createTableInput('results', resultsTableSchema(requestsByIp));

    // Assess
    expect(input.TableName).toBe('results');
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.AttributeDefinitions).toStrictEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'windowKey', AttributeType: 'S' },
      { AttributeName: 'requests', AttributeType: 'N' },
      { AttributeName: 'errors', AttributeType: 'N' },
      { AttributeName: 'bytes', AttributeType: 'N' },
      { AttributeName: 'openPipeline', AttributeType: 'S' },
      { AttributeName: 'finalAt', AttributeType: 'S' },
    ]);
    expect(input.KeySchema).toStrictEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(input.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toStrictEqual([
      'rank-requests',
      'rank-errors',
      'rank-bytes',
      'open-windows',
    ]);
    expect(input.GlobalSecondaryIndexes?.[3]).toStrictEqual({
      IndexName: 'open-windows',
      KeySchema: [
        { AttributeName: 'openPipeline', KeyType: 'HASH' },
        { AttributeName: 'finalAt', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });

  it('builds the dead-letter table without indexes', () => {
    // Act
    const input = createTableInput('dead-letters', deadLetterTableSchema());

    // Assess
    expect(input).toStrictEqual({
      TableName: 'dead-letters',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });
});
