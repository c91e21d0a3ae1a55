import { describe, expect, it } from 'vitest';
import { count, definePipeline, json, sum, tumbling } from '../../shared/index.ts';
import { sampleGenerator } from '../../shared/producer/generators/sampleGenerator.ts';

const actions = definePipeline({
  name: 'actions',
  stream: 'actions',
  decode: json(),
  groupBy: ['user'],
  eventTime: 'time',
  window: tumbling('1m'),
  metrics: { actions: count(), spent: sum('amount', { missing: 'skip' }) },
  retention: '7d',
});

const SAMPLE = [
  '{"user":"ada","time":"2026-11-21T08:30:05Z"}',
  '{"user":"bob","amount":"lots","time":"2026-11-21T08:30:40Z"}',
  '{"user":"cy","time":',
];

describe('Function: sampleGenerator', () => {
  it('replays the sample with every event time moved to now, marking the lines the pipeline rejects', () => {
    // Prepare
    const now = Date.parse('2026-12-06T18:00:00.400Z');

    // Act
    const records = sampleGenerator(actions, SAMPLE)({ now: () => now });
    const taken = Array.from({ length: 6 }, () => records.next().value);

    // Assess
    expect(taken.map((r) => r.data)).toStrictEqual([
      '{"user":"ada","time":"2026-12-06T18:00:00Z"}',
      '{"user":"bob","amount":"lots","time":"2026-12-06T18:00:00Z"}',
      '{"user":"cy","time":',
      '{"user":"ada","time":"2026-12-06T18:00:00Z"}',
      '{"user":"bob","amount":"lots","time":"2026-12-06T18:00:00Z"}',
      '{"user":"cy","time":',
    ]);
    expect(taken.map((r) => r.malformed)).toStrictEqual([false, true, true, false, true, true]);
    expect(new Set(taken.map((r) => r.partitionKey)).size).toBe(6);
  });

  it('refuses an empty sample with the pipeline named', () => {
    // Act
    const records = sampleGenerator(actions, ['', '  '])();

    // Assess
    expect(() => records.next()).toThrow('The sample of pipeline "actions" is empty');
  });
});
