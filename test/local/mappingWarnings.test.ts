import { describe, expect, it } from 'vitest';
import type { EventSourceMappingEvent } from '../../local/esm/types.ts';
import { MappingWarnings } from '../../local/runtime/MappingWarnings.ts';

const timedOut = (): EventSourceMappingEvent => {
  const error = new Error('Request aborted', {
    cause: new DOMException('No answer within 10000 ms', 'TimeoutError'),
  });
  error.name = 'AbortError';
  return { type: 'error', shardId: 'shardId-000000000001', operation: 'GetRecords', error, retryInMs: 200 };
};

const slow: EventSourceMappingEvent = {
  type: 'slow-call',
  shardId: 'shardId-000000000000',
  operation: 'GetRecords',
  durationMs: 12_345,
  timeoutMs: 20_000,
};

describe('Class: MappingWarnings', () => {
  it('says a GetRecords call that ran out of time, with the timeout and what the mapping does next', () => {
    // Prepare
    const warnings = new MappingWarnings({ now: () => 0 });

    // Act
    const line = warnings.warningFor('ohlc', timedOut());

    // Assess
    expect(line).toBe(
      'GetRecords failed on ohlc shardId-000000000001: No answer within 10000 ms (kinesis-local is overloaded; the next GetRecords on this shard is given twice as long); retrying in 0.2 s',
    );
  });

  it('says a slow answer, with the records put on the stream when known', () => {
    // Prepare
    const warnings = new MappingWarnings({ now: () => 0, recordsPut: () => 14_000 });

    // Act
    const line = warnings.warningFor('ohlc', slow);

    // Assess
    expect(line).toBe(
      'kinesis is slow: GetRecords on ohlc shardId-000000000000 took 12.3 s, 14000 records put on its stream so far (kinesis-local slows down as its shards fill; restart dev if reads keep slowing)',
    );
  });

  it('says each kind once per pipeline and quiet period, then counts what it left out', () => {
    // Prepare
    let nowMs = 0;
    const warnings = new MappingWarnings({ now: () => nowMs, quietMs: 30_000 });

    // Act
    const lines = [
      warnings.warningFor('ohlc', slow),
      warnings.warningFor('ohlc', slow),
      warnings.warningFor('sensor-stats', slow),
      warnings.warningFor('ohlc', timedOut()),
      warnings.warningFor('ohlc', slow),
    ];
    nowMs = 30_000;
    const later = warnings.warningFor('ohlc', slow);

    // Assess
    expect(lines.map((line) => line !== undefined)).toStrictEqual([true, false, true, true, false]);
    expect(later).toMatch(/\(\+2 more like it before\)$/);
  });

  it('says nothing about events that are not trouble', () => {
    // Prepare
    const warnings = new MappingWarnings();

    // Act
    const line = warnings.warningFor('ohlc', {
      type: 'records-read',
      shardId: 'shardId-000000000000',
      count: 5,
      millisBehindLatest: 0,
    });

    // Assess
    expect(line).toBeUndefined();
  });
});
