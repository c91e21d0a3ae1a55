import { describe, expect, it } from 'vitest';
import { csv } from '../../shared/decode/csv.ts';
import { json } from '../../shared/decode/json.ts';
import { definePipeline } from '../../shared/definition/definePipeline.ts';
import type { PipelineInput } from '../../shared/definition/types.ts';
import { categoryAverages, ohlc, requestsByIp } from '../../shared/examples/index.ts';
import { count } from '../../shared/metrics/count.ts';
import { RecordRetimer, RetimeConfigError, retimeShift } from '../../shared/producer/retime/index.ts';
import { formatTimestampLike } from '../../shared/time/formatTimestampLike.ts';
import { parseTimestamp, type TimestampFormat } from '../../shared/time/timestamp.ts';
import { tumbling } from '../../shared/window/tumbling.ts';

const HOUR = 3_600_000;
const pipeline = (input: Partial<PipelineInput>) =>
  definePipeline({
    name: 'probe',
    stream: 'probe',
    decode: json(),
    groupBy: [],
    eventTime: 'time',
    window: tumbling('1m'),
    metrics: { n: count() },
    retention: '1d',
    ...input,
  });
const retime = (definition: ReturnType<typeof pipeline>, line: string, shiftMs = HOUR) => {
  const result = new RecordRetimer(definition).retime(Buffer.from(line), shiftMs);
  return { ...result, text: result.data.toString('utf8') };
};

describe('Function: formatTimestampLike', () => {
  it.each<[TimestampFormat, string | number, string | number]>([
    ['iso', '2026-11-21T08:30:01Z', '2026-11-21T09:30:01Z'],
    ['iso', '2026-11-21T08:30:59.999Z', '2026-11-21T09:30:59.999Z'],
    ['iso', '2026-11-21 08:30:01', '2026-11-21 09:30:01'],
    ['iso', '2026-11-21T23:30:01+01:00', '2026-11-22T00:30:01+01:00'],
    ['iso', '2026-11-21T08:30:01.5-0700', '2026-11-21T09:30:01.5-0700'],
    ['iso', '2026-11-21T08:30z', '2026-11-21T09:30:00z'],
    ['clf', '21/Nov/2026:09:30:59 +0100', '21/Nov/2026:10:30:59 +0100'],
    ['clf', '31/Dec/2026:23:30:00 -0700', '01/Jan/2027:00:30:00 -0700'],
    ['epoch-seconds', 1_795_249_801, 1_795_253_401],
    ['epoch-seconds', '1795249801.25', '1795253401.25'],
    ['epoch-millis', 1_795_249_801_123, 1_795_253_401_123],
    ['epoch-millis', '1795249801123', '1795253401123'],
  ])('%s: %j shifted by an hour is %j, in the same style', (format, like, expected) => {
    // Act
    const shifted = formatTimestampLike((parseTimestamp(like, format) as number) + HOUR, format, like);

    // Assess
    expect(shifted).toStrictEqual(expected);
    expect(parseTimestamp(shifted, format)).toBe((parseTimestamp(like, format) as number) + HOUR);
  });

  it('refuses a value that is not of the format, and times outside 1970–9999', () => {
    expect(formatTimestampLike(0, 'iso', 42)).toBeUndefined();
    expect(formatTimestampLike(0, 'clf', '2026-11-21T08:30:01Z')).toBeUndefined();
    expect(formatTimestampLike(-1, 'epoch-millis', 5)).toBeUndefined();
  });
});

describe('Class: RecordRetimer', () => {
  it('rewrites the time of a JSON record in place and nothing else (100.0 stays 100.0)', () => {
    // Act
    const result = retime(ohlc, '{"symbol":"ACME","price":100.0,"qty":10,"time":"2026-11-21T08:30:01Z"}');

    // Assess
    expect(result).toMatchObject({
      outcome: 'retimed',
      text: '{"symbol":"ACME","price":100.0,"qty":10,"time":"2026-11-21T09:30:01Z"}',
    });
  });

  it('rewrites the event-time field, not another field holding the same text, and a nested field path', () => {
    // Prepare
    const nested = pipeline({ eventTime: 'meta.at' });

    // Act
    const same = retime(ohlc, '{"note":"2026-11-21T08:30:01Z","time":"2026-11-21T08:30:01Z","symbol":"A"}');
    const deep = retime(nested, '{"at":"2026-11-21T08:30:01Z","meta":{"at":"2026-11-21T08:30:01Z"}}');

    // Assess
    expect(same.text).toBe('{"note":"2026-11-21T08:30:01Z","time":"2026-11-21T09:30:01Z","symbol":"A"}');
    expect(deep.text).toBe('{"at":"2026-11-21T08:30:01Z","meta":{"at":"2026-11-21T09:30:01Z"}}');
  });

  it('retimes epoch seconds and epoch millis, numbers and numeric strings', () => {
    // Prepare
    const seconds = pipeline({ eventTime: { field: 'ts', format: 'epoch-seconds' } });
    const millis = pipeline({ eventTime: { field: 'ts', format: 'epoch-millis' } });

    // Act / Assess
    expect(retime(seconds, '{"ts":1795249801,"v":1795249801}').text).toBe('{"ts":1795253401,"v":1795249801}');
    expect(retime(seconds, '{"ts":"1795249801"}').text).toBe('{"ts":"1795253401"}');
    expect(retime(millis, '{"v":7,"ts":1795249801123}').text).toBe('{"v":7,"ts":1795253401123}');
  });

  it('retimes access logs (CLF, keeping the offset) and CSV rows, and passes a CSV header through', () => {
    // Act
    const log = retime(
      requestsByIp,
      '2001:db8::1 - - [21/Nov/2026:09:30:59 +0100] "GET /health HTTP/2.0" 200 - "-" "kube-probe/1.29" 0.001',
    );
    const row = retime(categoryAverages, '2026-11-21T08:30:30Z,"garden, outdoor",40.00,3');
    const header = retime(categoryAverages, 'time,category,price,quantity');
    const semicolons = pipeline({
      decode: csv({ columns: ['when', 'what'], delimiter: ';' }),
      eventTime: 'when',
    });

    // Assess
    expect(log.text).toBe(
      '2001:db8::1 - - [21/Nov/2026:10:30:59 +0100] "GET /health HTTP/2.0" 200 - "-" "kube-probe/1.29" 0.001',
    );
    expect(row.text).toBe('2026-11-21T09:30:30Z,"garden, outdoor",40.00,3');
    expect(header).toMatchObject({ outcome: 'header', text: 'time,category,price,quantity' });
    expect(retime(semicolons, '2026-11-21T08:30:00Z;x').text).toBe('2026-11-21T09:30:00Z;x');
  });

  it.each([
    ['{"symbol":"ACME","price":101.0,"qty":4', 'rejected-by-decoder'],
    ['{"symbol":"ACME"}', 'no-event-time'],
    ['{"symbol":"ACME","time":null}', 'no-event-time'],
    ['{"symbol":"ACME","time":"yesterday"}', 'invalid-event-time'],
    ['{"time":"2026-11-21T08:30:01Z"}\n{"time":"2026-11-21T08:30:02Z"}', 'several-records'],
    ['{"time":"2026-11-21T08:30:01\\u005a"}', 'not-rewritable'],
  ])('sends %j unchanged: %s', (line, reason) => {
    // Act
    const result = retime(ohlc, line);

    // Assess
    expect(result).toMatchObject({ outcome: 'unchanged', reason, text: line });
  });

  it('sends bytes that are not UTF-8 unchanged', () => {
    // Act
    const result = new RecordRetimer(ohlc).retime(Buffer.from([0x7b, 0xff, 0x7d]), HOUR);

    // Assess
    expect(result).toMatchObject({ outcome: 'unchanged', reason: 'not-utf8' });
  });

  it('reads the event time as the pipeline does, for the latest-time pass', () => {
    // Act / Assess
    const retimer = new RecordRetimer(requestsByIp);
    expect(
      retimer.eventTimeOf(Buffer.from('1.2.3.4 - - [21/Nov/2026:09:30:59 +0100] "GET / HTTP/1.1" 200 1')),
    ).toBe(Date.parse('2026-11-21T08:30:59Z'));
    expect(retimer.eventTimeOf(Buffer.from('not a log line'))).toBeUndefined();
  });

  it('refuses a pipeline whose event time is the arrival time, naming it', () => {
    // Act / Assess
    expect(() => new RecordRetimer(pipeline({ name: 'by-arrival', eventTime: 'arrival' }))).toThrow(
      new RetimeConfigError(
        'Pipeline "by-arrival" takes its event time from the Kinesis arrival time: its records carry no time to retime',
      ),
    );
  });
});

describe('Function: retimeShift', () => {
  it('moves the latest time to now in whole seconds, never past now', () => {
    expect(retimeShift(Date.parse('2026-11-21T08:31:30Z'), Date.parse('2026-12-06T10:00:00.700Z'))).toBe(
      Date.parse('2026-12-06T10:00:00Z') - Date.parse('2026-11-21T08:31:30Z'),
    );
    expect(retimeShift(1_000, 500)).toBe(-1_000);
  });
});
