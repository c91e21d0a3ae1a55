import { describe, expect, it } from 'vitest';
import { accessLog } from '../../shared/decode/accessLog.ts';
import { csv } from '../../shared/decode/csv.ts';
import { json } from '../../shared/decode/json.ts';
import { DefinitionError, definePipeline, type PipelineInput } from '../../shared/definition/index.ts';
import { count, distinct, mean, quantiles, sum, topK, weightedMean } from '../../shared/metrics/index.ts';
import { tumbling } from '../../shared/window/index.ts';
import { collectDecode } from '../helpers/collectDecode.ts';

const base: PipelineInput = {
  name: 'orders',
  stream: 'orders',
  decode: csv({ columns: ['time', 'shop', 'price', 'qty'], types: { price: 'number', qty: 'integer' } }),
  groupBy: ['shop'],
  eventTime: 'time',
  window: tumbling('1m'),
  metrics: { n: count(), price: mean('price'), vwap: weightedMean('price', 'qty') },
  retention: '1d',
};

const problemsOf = (override: Partial<PipelineInput>): readonly string[] => {
  try {
    definePipeline({ ...base, ...override });
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems;
  }
  return [];
};

describe('Fields a definition reads, checked against what its decoder produces', () => {
  it('accepts fields the decoder produces with the types the metrics need', () => {
    expect(problemsOf({})).toStrictEqual([]);
  });

  it.each<[string, Partial<PipelineInput>, string]>([
    [
      'a metric on a column csv does not have',
      { metrics: { n: count(), price: mean('prize') } },
      'metrics.price.field: csv records have no field "prize" (fields: time, shop, price, qty) (given "prize")',
    ],
    [
      'groupBy on a column csv does not have',
      { groupBy: ['store'] },
      'groupBy.0: csv records have no field "store" (fields: time, shop, price, qty) (given "store")',
    ],
    [
      'eventTime on a column csv does not have',
      { eventTime: { field: 'ts', format: 'epoch-millis' } },
      'eventTime.field: csv records have no field "ts" (fields: time, shop, price, qty) (given "ts")',
    ],
    [
      'a numeric metric on an untyped csv column',
      { metrics: { n: count(), shops: quantiles('shop') } },
      `metrics.shops.field: quantiles reads numbers, but csv decodes "shop" as text, so every record would be rejected; declare its type: csv({ types: { shop: 'number' } }) (given "shop")`,
    ],
    [
      'the weight of weightedMean on an untyped csv column',
      { metrics: { vwap: weightedMean('price', 'shop') } },
      `metrics.vwap.weightField: weightedMean reads numbers, but csv decodes "shop" as text, so every record would be rejected; declare its type: csv({ types: { shop: 'number' } }) (given "shop")`,
    ],
    [
      'a numeric metric on an untyped column of a header-named csv',
      { decode: csv({ types: { price: 'number' } }), metrics: { qty: sum('qty') } },
      `metrics.qty.field: sum reads numbers, but csv decodes "qty" as text, so every record would be rejected; declare its type: csv({ types: { qty: 'number' } }) (given "qty")`,
    ],
    [
      'an ISO event time on a numeric csv column',
      {
        decode: csv({
          columns: ['ts', 'shop', 'price', 'qty'],
          types: { ts: 'integer', price: 'number', qty: 'integer' },
        }),
        eventTime: 'ts',
      },
      `eventTime: format 'iso' reads text, but csv decodes "ts" as a number, so every record would be rejected; use format 'epoch-seconds' or 'epoch-millis' (given "ts")`,
    ],
    [
      'a misspelt access-log field',
      {
        decode: accessLog(),
        groupBy: ['ip'],
        eventTime: { field: 'time', format: 'clf' },
        metrics: { b: sum('byte') },
      },
      'metrics.b.field: access-log records have no field "byte" (fields: ip, ident, user, time, request, method, path, protocol, status, bytes, referer, userAgent, requestTime, requestTimeMs) (given "byte")',
    ],
    [
      'a numeric metric on a text access-log field',
      {
        decode: accessLog(),
        groupBy: ['ip'],
        eventTime: { field: 'time', format: 'clf' },
        metrics: { p: mean('path') },
      },
      'metrics.p.field: mean reads numbers, but access-log decodes "path" as text, so every record would be rejected; numeric fields: status, bytes, requestTime, requestTimeMs (given "path")',
    ],
  ])('rejects %s', (_, override, expected) => {
    expect(problemsOf(override)).toContain(expected);
  });

  it.each<[string, Partial<PipelineInput>]>([
    ['text metrics on untyped csv columns', { metrics: { shops: distinct('shop'), top: topK('shop', 3) } }],
    [
      'an epoch event time on a numeric csv column',
      {
        decode: csv({
          columns: ['ts', 'shop', 'price', 'qty'],
          types: { ts: 'integer', price: 'number', qty: 'integer' },
        }),
        eventTime: { field: 'ts', format: 'epoch-millis' },
      },
    ],
    [
      'any field of a csv named by its header line',
      { decode: csv(), groupBy: ['anything'], metrics: { n: count() } },
    ],
    [
      'any field of JSON records, nested too',
      { decode: json(), groupBy: ['a.b'], metrics: { x: sum('c.d') } },
    ],
  ])('accepts %s', (_, override) => {
    expect(problemsOf(override)).toStrictEqual([]);
  });

  it('declares exactly the fields an access-log record has, and which are numbers', () => {
    // Prepare
    const decoder = accessLog();
    const line =
      '10.0.0.12 - alice [21/Nov/2025:08:31:02 +0000] "GET /a HTTP/1.1" 200 1534 "https://x.example/" "curl/8" 0.052';

    // Act
    const [record] = collectDecode(decoder, line).records;

    // Assess
    expect(Object.keys(record?.fields ?? {}).sort()).toStrictEqual([...(decoder.fields?.names ?? [])].sort());
    const numeric = Object.entries(record?.fields ?? {})
      .filter(([, value]) => typeof value === 'number')
      .map(([name]) => name);
    expect(numeric.sort()).toStrictEqual([...(decoder.fields?.numeric ?? [])].sort());
  });

  it('declares the columns of a csv decoder and its numeric ones', () => {
    expect(csv({ columns: ['a', 'b', 'c'], types: { b: 'integer', c: 'boolean' } }).fields).toStrictEqual({
      names: ['a', 'b', 'c'],
      numeric: ['b'],
    });
    expect(json().fields).toBeUndefined();
  });
});
