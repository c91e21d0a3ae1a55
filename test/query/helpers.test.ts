import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ohlc, requestsByIp, sensorStats } from '../../shared/examples/index.ts';
import {
  AwsAccessError,
  countWindowStarts,
  IndexNotFoundError,
  numericMetricNames,
  QueryError,
  QueryInputError,
  readQueryResult,
  selectGroup,
  TableNotFoundError,
  translateAwsError,
  windowIndexOf,
  windowStartAtOrBefore,
  windowStartsBetween,
} from '../../shared/query/index.ts';
import { hopping, tumbling, validateWindow } from '../../shared/window/index.ts';
import { unranked, venueTrades } from './fixtures.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const minute = validateWindow(tumbling('1m'));
const fiveEveryMinute = validateWindow(hopping('5m', '1m'));

describe('Function: windowStartsBetween', () => {
  it.each([
    [minute, '2026-11-21T08:30:00Z', '2026-11-21T08:32:00Z', ['08:30', '08:31', '08:32']],
    [minute, '2026-11-21T08:30:01Z', '2026-11-21T08:31:59Z', ['08:31']],
    [minute, '2026-11-21T08:30:30Z', '2026-11-21T08:30:40Z', []],
    [fiveEveryMinute, '2026-11-21T08:29:30Z', '2026-11-21T08:31:00Z', ['08:30', '08:31']],
  ])('lists window starts in [from, to] (%#)', (spec, from, to, starts) => {
    // Act
    const found = windowStartsBetween(spec, at(from), at(to));

    // Assess
    expect(found.map((ms) => iso(ms).slice(11, 16))).toStrictEqual(starts);
    expect(countWindowStarts(spec, at(from), at(to))).toBe(starts.length);
  });

  it('finds the newest window starting at or before a time', () => {
    expect(iso(windowStartAtOrBefore(minute, at('2026-11-21T08:30:42Z')))).toBe('2026-11-21T08:30:00.000Z');
    expect(iso(windowStartAtOrBefore(fiveEveryMinute, at('2026-11-21T08:33:10Z')))).toBe(
      '2026-11-21T08:33:00.000Z',
    );
    expect(windowStartAtOrBefore(minute, -1)).toBe(-60_000);
  });
});

describe('Function: selectGroup', () => {
  it.each([
    [requestsByIp, { ip: '203.0.113.9' }, { ip: '203.0.113.9' }, '203.0.113.9'],
    [requestsByIp, {}, {}, undefined],
    [venueTrades, { symbol: 'B', venue: 'Y' }, { venue: 'Y', symbol: 'B' }, 'Y|B'],
    [venueTrades, { venue: 'a|b', symbol: '50%' }, { venue: 'a|b', symbol: '50%' }, 'a%7Cb|50%25'],
    [venueTrades, { symbol: 'B' }, { symbol: 'B' }, undefined],
  ])('selects %#', (definition, group, fields, groupKey) => {
    expect(selectGroup(definition, group)).toStrictEqual({ fields, groupKey });
  });

  it('names an unknown field and the valid ones', () => {
    expect(() => selectGroup(venueTrades, { ip: '1' })).toThrow(
      new QueryInputError(
        'Unknown group field "ip" for pipeline "venue-trades" (group-by fields: venue, symbol)',
      ),
    );
  });
});

describe('Function: windowIndexOf', () => {
  it.each([
    [requestsByIp, { indexName: 'rank-requests', metric: 'requests', complete: true }],
    [ohlc, { indexName: 'rank-trades', metric: 'trades', complete: true }], // a count before the first rankBy (a sum)
    [sensorStats, { indexName: 'rank-readings', metric: 'readings', complete: true }],
    [venueTrades, { indexName: 'rank-high', metric: 'high', complete: false }], // a max can be empty
    [unranked, undefined],
  ])('chooses the index listing every group of a window (%#)', (definition, index) => {
    expect(windowIndexOf(definition)).toStrictEqual(index);
  });
});

describe('Function: numericMetricNames', () => {
  it('lists the single-number metrics in definition order', () => {
    expect(numericMetricNames(requestsByIp)).toStrictEqual(['requests', 'errors', 'bytes', 'paths']);
    expect(numericMetricNames(sensorStats)).toStrictEqual(['readings', 'minTemp', 'maxTemp', 'meanTemp']);
  });
});

describe('Function: readQueryResult', () => {
  it('orders group fields as groupBy and percentiles as the metric does, whatever the item’s map order', () => {
    // Prepare
    const item: Record<string, AttributeValue> = {
      group: { M: { symbol: { S: 'A' }, venue: { S: 'X' } } },
      windowStart: { S: '2026-11-21T08:30:00.000Z' },
      windowEnd: { S: '2026-11-21T08:35:00.000Z' },
      status: { S: 'final' },
      records: { N: '2' },
      updatedAt: { S: '2026-11-21T08:41:00.000Z' },
      trades: { N: '2' },
      high: { N: '12.5' },
    };
    const sensorItem: Record<string, AttributeValue> = {
      ...item,
      group: { M: { device: { S: 'd' } } },
      humidity: { M: { p99: { N: '9' }, p50: { N: '5' }, p95: { NULL: true }, p90: { N: '8' } } },
    };

    // Act
    const venue = readQueryResult(venueTrades, item);
    const sensor = readQueryResult(sensorStats, sensorItem);

    // Assess
    expect(JSON.stringify(venue)).toBe(
      JSON.stringify({
        group: { venue: 'X', symbol: 'A' },
        window: { start: '2026-11-21T08:30:00.000Z', end: '2026-11-21T08:35:00.000Z' },
        records: 2,
        metrics: { trades: 2, high: 12.5, volume: null },
        status: 'final',
        updatedAt: '2026-11-21T08:41:00.000Z',
      }),
    );
    expect(JSON.stringify(sensor.metrics.humidity)).toBe('{"p50":5,"p90":8,"p95":null,"p99":9}');
  });
});

describe('Function: translateAwsError', () => {
  const awsError = (name: string, message = name): Error => Object.assign(new Error(message), { name });

  it.each([
    [
      awsError('ResourceNotFoundException', 'Requested resource not found'),
      undefined,
      TableNotFoundError,
      'Results table "t" does not exist',
    ],
    [
      awsError('ValidationException', 'The table does not have the specified index: rank-x'),
      'rank-x',
      IndexNotFoundError,
      'Results table "t" has no index "rank-x"',
    ],
    [
      awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      undefined,
      AwsAccessError,
      'No AWS credentials found',
    ],
    [awsError('Error', 'Region is missing'), undefined, AwsAccessError, 'No AWS region'],
    [
      awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      undefined,
      AwsAccessError,
      'AWS rejected the credentials (UnrecognizedClientException)',
    ],
    [
      awsError('ExpiredTokenException', 'The security token included in the request is expired'),
      undefined,
      AwsAccessError,
      'AWS rejected the credentials (ExpiredTokenException)',
    ],
    [
      awsError('AccessDeniedException', 'not authorized to perform: dynamodb:Query'),
      undefined,
      AwsAccessError,
      'Access denied reading table "t": not authorized',
    ],
    [
      awsError('DeadlineError', 'Deadline reached before attempt 3'),
      undefined,
      QueryError,
      'Reading results table "t" took longer than allowed (Deadline reached before attempt 3); retry, or read a shorter range',
    ],
  ])('explains %s', (error, indexName, type, message) => {
    // Act
    const translated = translateAwsError(error, 't', indexName);

    // Assess
    expect(translated).toBeInstanceOf(type);
    expect((translated as Error).message).toContain(message);
    expect((translated as Error).cause).toBe(error);
  });

  it('returns other errors unchanged', () => {
    const error = awsError('ValidationException', 'Invalid KeyConditionExpression');
    expect(translateAwsError(error, 't')).toBe(error);
    expect(translateAwsError('text', 't')).toBe('text');
  });
});
