import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseCloudWatchEnvelope } from '../../shared/decode/cloudWatchLogs.ts';
import { gunzipBounded } from '../../shared/decode/gzip.ts';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/decode/${name}`, import.meta.url), 'utf8');

const dataMessage = JSON.parse(fixture('cloudwatch-data-message.json')) as Record<string, unknown>;
const withField = (key: string, value: unknown): string => JSON.stringify({ ...dataMessage, [key]: value });
const event = { id: '1', timestamp: 1715680800123, message: 'GET /' };

describe('Function: parseCloudWatchEnvelope', () => {
  it('returns the log events of a gzipped DATA_MESSAGE subscription payload', () => {
    // Prepare
    const payload = new Uint8Array(gzipSync(fixture('cloudwatch-data-message.json')));
    const gunzipped = gunzipBounded(payload, 10_485_760);
    const text = gunzipped.ok ? new TextDecoder().decode(gunzipped.data) : '';

    // Act
    const result = parseCloudWatchEnvelope(text);

    // Assess
    expect(result).toStrictEqual({ kind: 'data', envelope: dataMessage });
    expect(result.kind === 'data' && result.envelope.logEvents.map((e) => e.message)).toStrictEqual([
      '{"ip":"203.0.113.7","method":"GET","path":"/cart","status":200,"bytes":5120,"latencyMs":41}',
      '{"ip":"198.51.100.23","method":"POST","path":"/checkout","status":201,"bytes":733,"latencyMs":187}',
      'START RequestId: 6f1c2b3a-8d9e-4f0a-b1c2-d3e4f5a6b7c8 Version: $LATEST',
      '{"ip":"203.0.113.7","method":"GET","path":"/cart/items","status":404,"bytes":0,"latencyMs":12}',
    ]);
  });

  it('accepts a DATA_MESSAGE with no log events', () => {
    // Act
    const result = parseCloudWatchEnvelope(withField('logEvents', []));

    // Assess
    expect(result).toStrictEqual({ kind: 'data', envelope: { ...dataMessage, logEvents: [] } });
  });

  it.each([
    { name: 'a CONTROL_MESSAGE', text: fixture('cloudwatch-control-message.json') },
    { name: 'a CONTROL_MESSAGE of another shape', text: '{"messageType":"CONTROL_MESSAGE"}' },
  ])('returns control for $name', ({ text }) => {
    // Act
    const result = parseCloudWatchEnvelope(text);

    // Assess
    expect(result).toStrictEqual({ kind: 'control' });
  });

  it.each([
    { name: 'a JSON record', text: '{"ip":"203.0.113.7","status":200}' },
    { name: 'NDJSON', text: '{"messageType":"a"}\n{"messageType":"b"}' },
    { name: 'an object with messageType only', text: '{"messageType":"order-created","id":7}' },
    { name: 'an object with logEvents only', text: '{"logEvents":[]}' },
    { name: 'an array', text: '[{"messageType":"DATA_MESSAGE","logEvents":[]}]' },
    { name: 'text mentioning the key', text: 'level=info "messageType" logEvents' },
    { name: 'a nested envelope', text: '{"body":{"messageType":"DATA_MESSAGE","logEvents":[]}}' },
    { name: 'an empty text', text: '' },
  ])('returns not-envelope for $name', ({ text }) => {
    // Act
    const result = parseCloudWatchEnvelope(text);

    // Assess
    expect(result).toStrictEqual({ kind: 'not-envelope' });
  });

  it.each([
    {
      name: 'an unknown messageType',
      text: withField('messageType', 'DATA'),
      message: 'messageType is string "DATA", expected DATA_MESSAGE or CONTROL_MESSAGE',
    },
    {
      name: 'a DATA_MESSAGE without logEvents',
      text: '{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":[]}',
      message: 'logEvents is missing, expected an array',
    },
    {
      name: 'logEvents that is an object',
      text: withField('logEvents', { 0: event }),
      message: 'logEvents is an object, expected an array',
    },
    {
      name: 'a numeric owner',
      text: withField('owner', 123),
      message: 'owner is number 123, expected a string',
    },
    {
      name: 'a null logGroup',
      text: withField('logGroup', null),
      message: 'logGroup is null, expected a string',
    },
    {
      name: 'subscriptionFilters that is a string',
      text: withField('subscriptionFilters', 'f'),
      message: 'subscriptionFilters is string "f", expected an array of strings',
    },
    {
      name: 'an event that is a string',
      text: withField('logEvents', [event, 'GET /']),
      message: 'logEvents[1] is string "GET /", expected an object',
    },
    {
      name: 'an event without message',
      text: withField('logEvents', [{ id: '1', timestamp: 1 }]),
      message: 'logEvents[0].message is missing, expected a string',
    },
    {
      name: 'an event whose message is an object',
      text: withField('logEvents', [{ ...event, message: { a: 1 } }]),
      message: 'logEvents[0].message is an object, expected a string',
    },
    {
      name: 'an event with a string timestamp',
      text: withField('logEvents', [{ ...event, timestamp: '2024-05-14' }]),
      message: 'logEvents[0].timestamp is string "2024-05-14", expected a number',
    },
    {
      name: 'an event with a numeric id',
      text: withField('logEvents', [{ ...event, id: 1 }]),
      message: 'logEvents[0].id is number 1, expected a string',
    },
  ])('returns malformed for $name', ({ text, message }) => {
    // Act
    const result = parseCloudWatchEnvelope(text);

    // Assess
    expect(result).toStrictEqual({
      kind: 'malformed',
      reason: 'cloudwatch-envelope',
      message: `CloudWatch Logs envelope ${message}`,
    });
  });
});
