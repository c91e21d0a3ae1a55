import { describe, expect, it } from 'vitest';
import { json } from '../../shared/decode/json.ts';
import { DefinitionError, definePipeline, type PipelineInput } from '../../shared/definition/index.ts';
import { count, sum } from '../../shared/metrics/index.ts';
import { hopping, tumbling } from '../../shared/window/index.ts';

const valid: PipelineInput = {
  name: 'trades-per-symbol',
  stream: 'trades',
  decode: json(),
  groupBy: ['symbol'],
  eventTime: 'time',
  window: tumbling('1m'),
  metrics: { trades: count(), volume: sum('qty') },
  retention: '7d',
};

const problemsOf = (input: unknown): readonly string[] => {
  try {
    definePipeline(input as PipelineInput);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems;
  }
  throw new Error('definePipeline accepted an invalid definition');
};

describe('Function: definePipeline', () => {
  it('normalises a valid definition', () => {
    // Act
    const definition = definePipeline(valid);

    // Assess
    expect(definition.name).toBe('trades-per-symbol');
    expect(definition.eventTime).toStrictEqual({ source: 'field', field: 'time', format: 'iso' });
    expect(definition.metricNames).toStrictEqual(['trades', 'volume']);
    expect(definition.retentionMs).toBe(7 * 86_400_000);
    expect(definition.maxClockSkewMs).toBe(300_000);
    expect(definition.limits).toStrictEqual({ maxRecordBytes: 1_048_576, maxDecompressedBytes: 10_485_760 });
    expect(Object.isFrozen(definition)).toBe(true);
  });

  it.each([
    ['arrival', { source: 'arrival' }],
    [
      { field: 'ts', format: 'epoch-millis' },
      { source: 'field', field: 'ts', format: 'epoch-millis' },
    ],
    [
      { field: 'at', format: 'clf' },
      { source: 'field', field: 'at', format: 'clf' },
    ],
  ] as const)('reads eventTime %j', (eventTime, expected) => {
    expect(definePipeline({ ...valid, eventTime }).eventTime).toStrictEqual(expected);
  });

  it.each([
    [
      { name: 'Requests By IP' },
      'name: must be lower-case letters, digits and dashes, starting with a letter, at most 48 characters (given "Requests By IP")',
    ],
    [
      { stream: 'bad stream!' },
      'stream: must be a Kinesis stream name: 1–128 of [a-zA-Z0-9_.-] (given "bad stream!")',
    ],
    [
      { decode: 'json' },
      'decode: must be a decoder such as json(), csv({...}) or accessLog() (given "json")',
    ],
    [
      { groupBy: 'ip' },
      `groupBy: must be an array of field names such as ['ip'] ([] for one group) (given "ip")`,
    ],
    [{ groupBy: ['ip', 'ip'] }, 'groupBy: must not repeat a field (given ["ip","ip"])'],
    [
      { groupBy: ['a..b'] },
      `groupBy.0: must be a field name or dotted path such as 'ip' or 'request.path' (given "a..b")`,
    ],
    [
      { eventTime: { field: 'time', format: 'rfc2822' } },
      'eventTime.format: must be one of iso, epoch-seconds, epoch-millis, clf (given "rfc2822")',
    ],
    [
      { eventTime: { field: '', format: 'iso', zone: 'UTC' } },
      "eventTime.field: must be a field name or dotted path such as 'ip' or 'request.path' (given \"\")",
    ],
    [
      { eventTime: { field: 'time', format: 'iso', zone: 'UTC' } },
      'eventTime.zone: is not an option of eventTime (its options: field, format) (given "UTC")',
    ],
    [
      { eventTime: 42 },
      "eventTime: must be 'arrival', a field name, or { field, format } with format iso, epoch-seconds, epoch-millis, clf (given 42)",
    ],
    [
      { eventTime: 'a..b' },
      "eventTime: must be 'arrival' or a field name or dotted path such as 'ip' or 'request.path' (given \"a..b\")",
    ],
    [{ window: '1m' }, 'window: must be tumbling(size) or hopping(size, advance) (given "1m")'],
    [{ metrics: {} }, 'metrics: must define at least one metric (given {})'],
    [
      { metrics: [count()] },
      'metrics: must be an object of named metrics such as { requests: count(), bytes: sum(\'bytes\') } (given [{"kind":"count","fields":[],"description":"count()"}])',
    ],
    [
      { metrics: { trades: 'count' } },
      'metrics.trades: must be a metric such as count(), sum(\'field\') (given "count")',
    ],
    [
      { metrics: { 'bad-name': count() } },
      'metrics.bad-name: metric name must be a letter then letters, digits or _, at most 64 characters (given "bad-name")',
    ],
    [
      { metrics: { records: count() } },
      'metrics.records: "records" is reserved for the results item; choose another metric name',
    ],
    [
      { retention: '3 days' },
      `retention: must be a duration: a whole number of milliseconds or text like '500ms', '30s', '1m', '1h30m', '30d' (given "3 days")`,
    ],
    [{ retention: 0 }, 'retention: must be longer than 0 (given 0)'],
    [
      { retention: '30s' },
      'retention: must be at least the window size plus allowed lateness (1m) (given "30s")',
    ],
    [
      { window: hopping('10m', '1m', { allowedLateness: '1h' }), retention: '1h' },
      'retention: must be at least the window size plus allowed lateness (1h10m) (given "1h")',
    ],
    [
      { limits: { maxRecordBytes: -1 } },
      'limits.maxRecordBytes: must be a whole number of bytes from 1 to 10485760 (given -1)',
    ],
    [
      { limits: { maxRecordBytes: 1000, maxRecordSize: 1000 } },
      'limits.maxRecordSize: is not an option of limits (its options: maxRecordBytes, maxDecompressedBytes) (given 1000)',
    ],
    [
      { colour: 'blue' },
      'colour: is not an option of definePipeline (its options: name, description, stream, decode, filter, groupBy, eventTime, window, metrics, retention, maxClockSkew, flushEvery, limits, rankBy) (given "blue")',
    ],
    [{ description: 7 }, 'description: must be text (given 7)'],
    [{ filter: true }, 'filter: must be a function (record) => boolean (given true)'],
    [
      { maxClockSkew: -5 },
      `maxClockSkew: must be a duration: a whole number of milliseconds or text like '500ms', '30s', '1m', '1h30m', '30d' (given -5)`,
    ],
    [
      { flushEvery: '1500ms' },
      'flushEvery: must be a whole number of seconds (Lambda\'s TumblingWindowInSeconds) (given "1500ms")',
    ],
    [
      { flushEvery: '16m' },
      'flushEvery: must be at most 900s, Lambda\'s limit for TumblingWindowInSeconds (given "16m")',
    ],
    [
      { window: { kind: 'tumbling', sizeMs: 60_000, advanceMs: 30_000, allowedLatenessMs: 0 } },
      'window: A tumbling window advances by its size (given advance 30000 ms)',
    ],
    [
      { rankBy: ['nope'] },
      'rankBy.0: names no metric of this pipeline (metrics: trades, volume) (given "nope")',
    ],
    [{ rankBy: ['trades', 'trades'] }, 'rankBy.1: repeats metric "trades" (given "trades")'],
    [{ rankBy: 'trades' }, `rankBy: must be an array of metric names such as ['requests'] (given "trades")`],
    [{ name: undefined }, 'name: must be a pipeline name such as requests-by-ip (given nothing)'],
  ])('rejects %j with a message naming the field and value', (override, message) => {
    // Act
    const problems = problemsOf({ ...valid, ...override });

    // Assess
    expect(problems).toContain(message);
  });

  it('lists shape problems and problems across options together, in option order', () => {
    // Prepare: a bad stream (shape) used to hide the retention and rankBy problems (across options)
    const input = {
      ...valid,
      rankBy: ['trades', 'nope'],
      retention: '10s',
      stream: 'no spaces',
      groupBy: ['symbol', ''],
      metrics: { ...valid.metrics, version: count() },
    };

    // Act
    let error: unknown;
    try {
      definePipeline(input);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).details).toStrictEqual([
      {
        path: 'stream',
        message: 'must be a Kinesis stream name: 1–128 of [a-zA-Z0-9_.-]',
        given: '"no spaces"',
      },
      {
        path: 'groupBy.1',
        message: "must be a field name or dotted path such as 'ip' or 'request.path'",
        given: '""',
      },
      {
        path: 'metrics.version',
        message: '"version" is reserved for the results item; choose another metric name',
        given: undefined,
      },
      {
        path: 'retention',
        message: 'must be at least the window size plus allowed lateness (1m)',
        given: '"10s"',
      },
      {
        path: 'rankBy.1',
        message: 'names no metric of this pipeline (metrics: trades, volume, version)',
        given: '"nope"',
      },
    ]);
  });

  it('rejects a definition that is not an object', () => {
    expect(problemsOf(undefined)).toStrictEqual([
      '(definition): must be an object: definePipeline({ name, stream, … }) (given nothing)',
    ]);
  });

  it('reports every problem at once, under the pipeline name', () => {
    // Act & Assess
    expect(() => definePipeline({ ...valid, stream: '', retention: 'x' })).toThrow(
      /^Pipeline "trades-per-symbol" is invalid:\n {2}- stream: .*\n {2}- retention: /,
    );
  });
});
