import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../shared/codec/index.ts';
import { json } from '../../shared/decode/index.ts';
import { definePipeline } from '../../shared/definition/index.ts';
import { ohlc, sensorStats } from '../../shared/examples/index.ts';
import {
  BatchFolder,
  decodeAggregate,
  emptyAggregate,
  encodeAggregate,
  MAX_GROUP_KEY_BYTES,
  mergeAggregate,
} from '../../shared/fold/index.ts';
import { count, sum } from '../../shared/metrics/index.ts';
import { tumbling } from '../../shared/window/index.ts';
import { sourcesFrom } from '../helpers/sources.ts';

const ARRIVAL = Date.parse('2026-11-21T08:35:00Z');

const trade = (symbol: string, price: number, qty: number, time: string): string =>
  JSON.stringify({ symbol, price, qty, time });

describe('Class: BatchFolder', () => {
  it('folds records into one aggregate per (window, group) with every metric', () => {
    // Prepare
    const sources = sourcesFrom(
      [
        trade('ACME', 100, 10, '2026-11-21T08:30:01Z'),
        trade('ACME', 102, 5, '2026-11-21T08:30:30Z'),
        trade('INIT', 20, 1, '2026-11-21T08:30:10Z'),
        trade('ACME', 99, 1, '2026-11-21T08:31:00Z'),
      ],
      ARRIVAL,
    );

    // Act
    const batch = new BatchFolder(ohlc).fold(sources);

    // Assess
    expect(batch.stats).toStrictEqual({
      in: 4,
      folded: 4,
      filtered: 0,
      rejected: 0,
      late: 0,
      lateAssignments: 0,
    });
    const acme = [...batch.aggregates.values()].find(
      (a) => a.groupKey === 'ACME' && a.windowStartMs === Date.parse('2026-11-21T08:30:00Z'),
    );
    expect(acme?.records).toBe(2);
    expect(acme?.members).toStrictEqual([0, 1]);
    expect(acme?.group).toStrictEqual({ symbol: 'ACME' });
    expect(batch.aggregates.size).toBe(3);
  });

  it('folds RFC 3339 times with a lowercase "t" or "z" into the same window as their uppercase form', () => {
    // Prepare
    const sources = sourcesFrom(
      [
        trade('ACME', 100, 1, '2026-11-21T08:30:01Z'),
        trade('ACME', 101, 1, '2026-11-21t08:30:02Z'),
        trade('ACME', 102, 1, '2026-11-21t08:30:03z'),
        trade('ACME', 103, 1, '2026-11-21T08:30:04.5z'),
      ],
      ARRIVAL,
    );

    // Act
    const batch = new BatchFolder(ohlc).fold(sources);

    // Assess
    expect(batch.rejections).toStrictEqual([]);
    expect(batch.stats.folded).toBe(4);
    const [only] = [...batch.aggregates.values()];
    expect(batch.aggregates.size).toBe(1);
    expect(only?.windowStartMs).toBe(Date.parse('2026-11-21T08:30:00Z'));
    expect(only?.records).toBe(4);
  });

  it.each([
    ['{"symbol":"A","price":1,"qty":1}', 'missing-field', 'Event time field "time" is missing'],
    [
      '{"symbol":"A","price":1,"qty":1,"time":"yesterday"}',
      'invalid-timestamp',
      'Event time field "time" is not a valid iso timestamp ("yesterday")',
    ],
    [
      '{"symbol":"A","price":1,"qty":1,"time":"1969-12-31T23:59:59Z"}',
      'timestamp-out-of-range',
      'Event time field "time" is outside 1970–9999 ("1969-12-31T23:59:59Z")',
    ],
    [
      '{"symbol":"A","price":1,"qty":1,"time":"2026-11-21T09:00:00Z"}',
      'timestamp-in-future',
      'Event time 2026-11-21T09:00:00.000Z is 1500000 ms after the arrival time 2026-11-21T08:35:00.000Z (allowed skew 300000 ms)',
    ],
    [
      '{"price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}',
      'missing-field',
      'Group-by field "symbol" is missing',
    ],
    [
      '{"symbol":{"a":1},"price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}',
      'invalid-group-key',
      'Group-by field "symbol" must be a string, number or boolean ({"a":1})',
    ],
    [
      '{"symbol":"A\\u0007B","price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}',
      'invalid-group-key',
      'Group-by field "symbol" contains control characters or unpaired surrogates ("A\\u0007B")',
    ],
    [
      `{"symbol":"${'x'.repeat(MAX_GROUP_KEY_BYTES + 1)}","price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}`,
      'group-key-too-long',
      `Group key is ${MAX_GROUP_KEY_BYTES + 1} bytes of UTF-8; at most ${MAX_GROUP_KEY_BYTES} fit a DynamoDB key`,
    ],
    [
      `{"symbol":"${'é'.repeat(451)}","price":1,"qty":1,"time":"2026-11-21T08:30:00Z"}`,
      'group-key-too-long',
      `Group key is 902 bytes of UTF-8; at most ${MAX_GROUP_KEY_BYTES} fit a DynamoDB key`,
    ],
    [
      '{"symbol":"A","price":"1","qty":1,"time":"2026-11-21T08:30:00Z"}',
      'invalid-field-type',
      'Field "price" must be a number, got string "1"',
    ],
    [
      '{"symbol":"A","price":1,"qty":-1,"time":"2026-11-21T08:30:00Z"}',
      'invalid-number',
      'Field "qty" is a negative weight (-1)',
    ],
    [
      '{"symbol":"A","price":1e999,"qty":1,"time":"2026-11-21T08:30:00Z"}',
      'invalid-number',
      'Field "price" is not a finite number (Infinity)',
    ],
  ])('rejects %s as %s, and folds the rest of the batch', (payload, reason, message) => {
    // Prepare
    const sources = sourcesFrom([payload, trade('OK', 1, 1, '2026-11-21T08:30:00Z')], ARRIVAL);

    // Act
    const batch = new BatchFolder(ohlc).fold(sources);

    // Assess
    expect(batch.rejections.map((r) => ({ reason: r.reason, message: r.message }))).toStrictEqual([
      { reason, message },
    ]);
    expect(batch.rejectionSources).toStrictEqual([0]);
    expect(batch.stats).toMatchObject({ in: 2, folded: 1, rejected: 1 });
    expect([...batch.aggregates.values()].map((a) => a.groupKey)).toStrictEqual(['OK']);
  });

  it('is atomic per record: a record rejected by one metric contributes to no metric', () => {
    // Prepare: qty is fine for volume but price is not a number, so vwap rejects it
    const sources = sourcesFrom(
      ['{"symbol":"A","price":null,"qty":5,"time":"2026-11-21T08:30:00Z"}'],
      ARRIVAL,
    );

    // Act
    const batch = new BatchFolder(ohlc).fold(sources);

    // Assess
    expect(batch.aggregates.size).toBe(0);
    expect(batch.rejections[0]?.reason).toBe('missing-field');
  });

  it('keeps late records with the windows they missed, and folds partially late hopping records', () => {
    // Prepare: sensor-stats is hopping 5m every 1m with 5m lateness; arrival 08:35
    const sources = sourcesFrom(
      [
        '{"device":"d","temperature":1,"humidity":1,"time":"2026-11-21T08:20:00Z"}', // windows 08:16..08:20, all late
        '{"device":"d","temperature":1,"humidity":1,"time":"2026-11-21T08:26:30Z"}', // 08:22..08:26; 08:22-08:24 late
      ],
      ARRIVAL,
    );

    // Act
    const batch = new BatchFolder(sensorStats).fold(sources);

    // Assess
    expect(batch.stats).toStrictEqual({
      in: 2,
      folded: 1,
      filtered: 0,
      rejected: 0,
      late: 1,
      lateAssignments: 3,
    });
    expect(batch.late[0]?.windows.map((w) => new Date(w.startMs).toISOString())).toStrictEqual([
      '2026-11-21T08:16:00.000Z',
      '2026-11-21T08:17:00.000Z',
      '2026-11-21T08:18:00.000Z',
      '2026-11-21T08:19:00.000Z',
      '2026-11-21T08:20:00.000Z',
    ]);
    expect(batch.lateSources).toStrictEqual([0]);
    expect([...batch.aggregates.values()].map((a) => new Date(a.windowStartMs).toISOString())).toStrictEqual([
      '2026-11-21T08:25:00.000Z',
      '2026-11-21T08:26:00.000Z',
    ]);
  });

  it('counts filtered records and groups by nested fields', () => {
    // Prepare
    const definition = definePipeline({
      name: 'nested',
      stream: 's',
      decode: json(),
      filter: (r) => r.keep === true,
      groupBy: ['user.country'],
      eventTime: 'arrival',
      window: tumbling('1m'),
      metrics: { n: count(), total: sum('amount') },
      retention: '1d',
    });
    const sources = sourcesFrom(
      [
        '{"keep":true,"user":{"country":"FR"},"amount":2}',
        '{"keep":false}',
        '{"keep":true,"user":{"country":"FR"},"amount":3}',
      ],
      ARRIVAL,
    );

    // Act
    const batch = new BatchFolder(definition).fold(sources);

    // Assess
    expect(batch.stats).toMatchObject({ in: 3, folded: 2, filtered: 1 });
    const [aggregate] = [...batch.aggregates.values()];
    expect(aggregate?.group).toStrictEqual({ 'user.country': 'FR' });
    expect(aggregate?.windowStartMs).toBe(Date.parse('2026-11-21T08:35:00Z'));
  });

  const line = fc.oneof(
    fc
      .record({
        symbol: fc.constantFrom('A', 'B', 'C'),
        price: fc.integer({ min: 1, max: 500 }),
        qty: fc.integer({ min: 0, max: 100 }),
        second: fc.integer({ min: 0, max: 900 }),
      })
      .map(({ symbol, price, qty, second }) =>
        trade(symbol, price, qty, new Date(Date.parse('2026-11-21T08:20:00Z') + second * 1000).toISOString()),
      ),
    fc.string(),
    fc.constantFrom(
      '{"symbol":"A"}',
      '',
      '\u00ff\u00fe',
      '{"symbol":"A","price":1,"qty":1,"time":"2100-01-01T00:00:00Z"}',
    ),
  );

  it('conserves records: in = folded + filtered + rejected + late, for any input', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const batch = new BatchFolder(ohlc).fold(sourcesFrom(lines, ARRIVAL));
        const { stats } = batch;
        expect(stats.in).toBe(stats.folded + stats.filtered + stats.rejected + stats.late);
        expect(batch.rejections.length).toBe(stats.rejected);
        expect(batch.late.length).toBe(stats.late);
        const records = [...batch.aggregates.values()].reduce((n, a) => n + a.records, 0);
        expect(records).toBe(stats.folded); // tumbling: one window per folded record
      }),
    );
  });

  it('fold(A ++ B) equals merge(fold(A), fold(B)) for every (window, group)', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.array(line, { maxLength: 40 }), (a, b) => {
        const folder = new BatchFolder(ohlc);
        const whole = folder.fold(sourcesFrom([...a, ...b], ARRIVAL));
        const left = folder.fold(sourcesFrom(a, ARRIVAL));
        const right = folder.fold(sourcesFrom(b, ARRIVAL));
        const merged = new Map<string, ReturnType<typeof emptyAggregate>>();
        for (const part of [left, right]) {
          for (const [key, aggregate] of part.aggregates) {
            const target = merged.get(key) ?? emptyAggregate(ohlc);
            mergeAggregate(ohlc, target, aggregate);
            merged.set(key, target);
          }
        }
        expect([...merged.keys()].sort()).toStrictEqual([...whole.aggregates.keys()].sort());
        for (const [key, aggregate] of whole.aggregates) {
          expect(encodeAggregate(ohlc, merged.get(key) as never)).toStrictEqual(
            encodeAggregate(ohlc, aggregate),
          );
        }
      }),
    );
  });
});

describe('Function: encodeAggregate / decodeAggregate', () => {
  it('round-trips an aggregate', () => {
    // Prepare
    const batch = new BatchFolder(ohlc).fold(
      sourcesFrom([trade('A', 10, 2, '2026-11-21T08:30:00Z')], ARRIVAL),
    );
    const [aggregate] = [...batch.aggregates.values()];
    const bytes = encodeAggregate(ohlc, aggregate as never);

    // Act
    const decoded = decodeAggregate(ohlc, bytes);

    // Assess
    expect(encodeAggregate(ohlc, decoded)).toStrictEqual(bytes);
    expect(decoded.records).toBe(1);
  });

  it('refuses state written by a different definition of the metrics', () => {
    // Prepare
    const other = definePipeline({ ...ohlcInput(), metrics: { trades: count() } });
    const bytes = encodeAggregate(other, emptyAggregate(other));

    // Act & Assess
    expect(() => decodeAggregate(ohlc, bytes)).toThrow(CodecError);
    expect(() => decodeAggregate(ohlc, bytes)).toThrow(/different definition of pipeline "ohlc"'s metrics/);
  });
});

const ohlcInput = () => ({
  name: 'ohlc',
  stream: 'trades',
  decode: json(),
  groupBy: ['symbol'],
  eventTime: 'time',
  window: tumbling('1m'),
  retention: '1d',
});
