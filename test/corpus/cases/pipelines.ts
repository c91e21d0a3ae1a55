import { csv, json } from '../../../shared/decode/index.ts';
import { definePipeline, type PipelineDefinition } from '../../../shared/definition/index.ts';
import { categoryAverages, ohlc, requestsByIp, sensorStats } from '../../../shared/examples/index.ts';
import { count, sum } from '../../../shared/metrics/index.ts';
import { tumbling } from '../../../shared/window/index.ts';

/** Arrival time of every corpus record unless a case says otherwise. */
export const ARRIVAL_MS = Date.parse('2026-11-21T08:34:00Z');
/** Event time of the good records: on time (the 08:30 window closes at 08:36 with 5 minutes of lateness). */
export const EVENT_MS = Date.parse('2026-11-21T08:30:01Z');

const window = tumbling('1m', { allowedLateness: '5m' });

/** JSON `{ g, t (epoch ms), v }`: one group field, a sum. For event times, group keys and metric fields. */
export const keyed = definePipeline({
  name: 'corpus-keyed',
  stream: 'corpus',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count(), total: sum('v') },
  retention: '1d',
});

/** Like {@link keyed}, for group values whose text is suspect (controls, unpaired surrogates). */
export const keyText = definePipeline({
  name: 'corpus-key-text',
  stream: 'corpus',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count(), total: sum('v') },
  retention: '1d',
});

/**
 * Like {@link keyed}, for numbers a double holds but a DynamoDB number does not (magnitude above ~1e126 or
 * below 1e-130): the fold accepts them, the readable `total` attribute cannot be written.
 */
export const numberRange = definePipeline({
  name: 'corpus-number-range',
  stream: 'corpus',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count(), total: sum('v') },
  retention: '1d',
});

/** JSON `{ a, b, t, v }` grouped by two fields (the group key escapes `%` and `|`). */
export const pair = definePipeline({
  name: 'corpus-pair',
  stream: 'corpus',
  decode: json(),
  groupBy: ['a', 'b'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count() },
  retention: '1d',
});

/** JSON grouped by a nested field `user.id`. */
export const nested = definePipeline({
  name: 'corpus-nested',
  stream: 'corpus',
  decode: json(),
  groupBy: ['user.id'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count() },
  retention: '1d',
});

/** JSON with small decode limits: 4 KiB per record, 64 KiB after gunzip. */
export const smallLimits = definePipeline({
  name: 'corpus-small-limits',
  stream: 'corpus',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count() },
  retention: '1d',
  limits: { maxRecordBytes: 4096, maxDecompressedBytes: 65_536 },
});

/** CSV with declared integer and boolean columns. */
export const typedCsv = definePipeline({
  name: 'corpus-typed-csv',
  stream: 'corpus',
  decode: csv({ columns: ['t', 'g', 'n', 'ok'], types: { n: 'integer', ok: 'boolean' } }),
  groupBy: ['g'],
  eventTime: 't',
  window,
  metrics: { rows: count(), total: sum('n'), oks: count({ where: (r) => r.ok === true }) },
  retention: '1d',
});

/** CSV whose columns come from each payload's header line, which must name `v`. */
export const headerCsv = definePipeline({
  name: 'corpus-header-csv',
  stream: 'corpus',
  decode: csv({ types: { v: 'number' } }),
  groupBy: ['g'],
  eventTime: 't',
  window,
  metrics: { n: count(), total: sum('v') },
  retention: '1d',
});

/** Grouped by a field named like an `Object.prototype` member. */
export const protoGroup = definePipeline({
  name: 'corpus-proto-group',
  stream: 'corpus',
  decode: json(),
  groupBy: ['constructor'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count() },
  retention: '1d',
});

/** Sums a field named like an `Object.prototype` member. */
export const protoMetric = definePipeline({
  name: 'corpus-proto-metric',
  stream: 'corpus',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 't', format: 'epoch-millis' },
  window,
  metrics: { n: count(), total: sum('valueOf') },
  retention: '1d',
});

/** Event time read from a field named like an `Object.prototype` member. */
export const protoTime = definePipeline({
  name: 'corpus-proto-time',
  stream: 'corpus',
  decode: json(),
  groupBy: ['g'],
  eventTime: { field: 'toString', format: 'epoch-millis' },
  window,
  metrics: { n: count() },
  retention: '1d',
});

const iso = (ms: number): string => new Date(ms).toISOString();
const at = (seconds: number): number => EVENT_MS + seconds * 1000;

/** One ohlc trade; fields can be overridden or removed (`undefined`). */
export const trade = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ symbol: 'ACME', price: 101.5, qty: 3, time: iso(EVENT_MS), ...overrides });

/** One sensorStats reading. */
export const reading = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ device: 'd-1', temperature: 21.5, humidity: 40, time: iso(EVENT_MS), ...overrides });

/** One categoryAverages row `time,category,price,quantity`, fields as written. */
export const row = (
  fields: Partial<Record<'time' | 'category' | 'price' | 'quantity', string>> = {},
): string =>
  [
    fields.time ?? iso(EVENT_MS),
    fields.category ?? 'books',
    fields.price ?? '12.5',
    fields.quantity ?? '2',
  ].join(',');

/** One requestsByIp access log line (Common Log Format), parts as written. */
export const logLine = (
  parts: Partial<Record<'ip' | 'time' | 'request' | 'status' | 'bytes' | 'tail', string>> = {},
): string =>
  `${parts.ip ?? '203.0.113.9'} - - [${parts.time ?? '21/Nov/2026:08:30:01 +0000'}] "${parts.request ?? 'GET /index.html HTTP/1.1'}" ${parts.status ?? '200'} ${parts.bytes ?? '512'}${parts.tail ?? ''}`;

/** One record of the `keyed`, `smallLimits`, `protoMetric` pipelines. */
export const keyedRecord = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ g: 'alpha', t: EVENT_MS, v: 7, ...overrides });

/** Good records of each pipeline: the corpus puts each bad payload among them. */
const GOOD: ReadonlyMap<PipelineDefinition, readonly string[]> = new Map<
  PipelineDefinition,
  readonly string[]
>([
  [
    ohlc,
    [
      trade(),
      trade({ symbol: 'INIT', price: 20, qty: 1, time: iso(at(9)) }),
      trade({ price: 102, qty: 5, time: iso(at(29)) }),
      trade({ symbol: 'INIT', price: 21.25, qty: 4, time: iso(at(75)) }),
    ],
  ],
  [
    sensorStats,
    [
      reading(),
      reading({ device: 'd-2', temperature: 19, humidity: 55, time: iso(at(20)) }),
      reading({ temperature: 22.5, humidity: 42.5, time: iso(at(65)) }),
      reading({ device: 'd-2', temperature: 18.5, humidity: 60, time: iso(at(95)) }),
    ],
  ],
  [
    categoryAverages,
    [
      row(),
      row({ category: 'games', price: '59.99', quantity: '1', time: iso(at(4)) }),
      row({ price: '8', quantity: '3', time: iso(at(40)) }),
      row({ category: 'games', price: '19.5', quantity: '2', time: iso(at(70)) }),
    ],
  ],
  [
    requestsByIp,
    [
      logLine(),
      logLine({ ip: '198.51.100.7', request: 'POST /api/orders HTTP/1.1', status: '503', bytes: '0' }),
      logLine({ time: '21/Nov/2026:08:30:41 +0000', request: 'GET /img/logo.png HTTP/1.1', bytes: '2048' }),
      logLine({ ip: '198.51.100.7', time: '21/Nov/2026:08:31:02 +0000', tail: ' 0.042' }),
    ],
  ],
  [
    keyed,
    [
      keyedRecord(),
      keyedRecord({ g: 'beta', v: 2 }),
      keyedRecord({ t: at(30), v: 5 }),
      keyedRecord({ g: 'beta', t: at(70), v: 1 }),
    ],
  ],
  [
    pair,
    [
      JSON.stringify({ a: 'eu', b: 'web', t: EVENT_MS, v: 1 }),
      JSON.stringify({ a: 'eu', b: 'app', t: at(10), v: 1 }),
      JSON.stringify({ a: 'us', b: 'web', t: at(20), v: 1 }),
      JSON.stringify({ a: 'eu', b: 'web', t: at(80), v: 1 }),
    ],
  ],
  [
    nested,
    [
      JSON.stringify({ user: { id: 'u-1' }, t: EVENT_MS }),
      JSON.stringify({ user: { id: 'u-2' }, t: at(5) }),
      JSON.stringify({ user: { id: 'u-1' }, t: at(50) }),
      JSON.stringify({ user: { id: 42 }, t: at(61) }),
    ],
  ],
  [
    keyText,
    [
      keyedRecord(),
      keyedRecord({ g: 'beta', v: 2 }),
      keyedRecord({ t: at(30), v: 5 }),
      keyedRecord({ g: 'beta', t: at(70) }),
    ],
  ],
  [
    numberRange,
    [
      keyedRecord(),
      keyedRecord({ g: 'beta', v: 2 }),
      keyedRecord({ t: at(30), v: 5 }),
      keyedRecord({ g: 'beta', t: at(70) }),
    ],
  ],
  [
    smallLimits,
    [keyedRecord(), keyedRecord({ g: 'beta' }), keyedRecord({ t: at(30) }), keyedRecord({ t: at(70) })],
  ],
  [
    typedCsv,
    [
      `${iso(EVENT_MS)},alpha,3,true`,
      `${iso(at(5))},beta,-2,false`,
      `${iso(at(30))},alpha,10,`,
      `${iso(at(70))},beta,7,TRUE`,
    ],
  ],
  [
    headerCsv,
    [
      `t,g,v\n${iso(EVENT_MS)},alpha,1.5`,
      `g,t,v\nbeta,${iso(at(5))},2`,
      `t,g,v\r\n${iso(at(30))},alpha,-4e2\r\n`,
      `v,g,t\n0.25,beta,${iso(at(70))}`,
    ],
  ],
  [
    protoGroup,
    [
      JSON.stringify({ constructor: 'c-1', t: EVENT_MS }),
      JSON.stringify({ constructor: 'c-2', t: at(5) }),
      JSON.stringify({ constructor: 'c-1', t: at(30) }),
      JSON.stringify({ constructor: 'c-2', t: at(70) }),
    ],
  ],
  [
    protoMetric,
    [
      JSON.stringify({ g: 'alpha', t: EVENT_MS, valueOf: 1 }),
      JSON.stringify({ g: 'beta', t: at(5), valueOf: 2 }),
      JSON.stringify({ g: 'alpha', t: at(30), valueOf: 3 }),
      JSON.stringify({ g: 'beta', t: at(70), valueOf: 4 }),
    ],
  ],
  [
    protoTime,
    [
      JSON.stringify({ g: 'alpha', toString: EVENT_MS }),
      JSON.stringify({ g: 'beta', toString: at(5) }),
      JSON.stringify({ g: 'alpha', toString: at(30) }),
      JSON.stringify({ g: 'beta', toString: at(70) }),
    ],
  ],
]);

/**
 * Four good payloads of a corpus pipeline, each folded on time into a window of its own group.
 *
 * @example
 * const [first, second] = goodPayloads(ohlc);
 */
export const goodPayloads = (pipeline: PipelineDefinition): readonly string[] => {
  const payloads = GOOD.get(pipeline);
  if (payloads === undefined) throw new Error(`No good records for corpus pipeline "${pipeline.name}"`);
  return payloads;
};
