import { describe, expect, it } from 'vitest';
import { requestsByIp, sensorStats } from '../../shared/examples/index.ts';
import { QueryInputError } from '../../shared/query/errors.ts';
import { rollupPlan } from '../../shared/query/rollupPlan.ts';
import { hopping } from '../../shared/window/hopping.ts';
import { webMinutes } from './rollupPipelines.ts';

const at = (iso: string): number => Date.parse(iso);

describe('Function: rollupPlan', () => {
  it('widens the range to whole buckets aligned to the epoch and lists every window in it', () => {
    // Act
    const plan = rollupPlan(requestsByIp, at('2026-11-21T08:10:30Z'), at('2026-11-21T09:00:01Z'), 3_600_000);

    // Assess
    expect(plan).toMatchObject({
      tileMs: 60_000,
      fromMs: at('2026-11-21T08:00:00Z'),
      toMs: at('2026-11-21T10:00:00Z'),
      bucketMs: 3_600_000,
    });
    expect(plan.windowStarts).toHaveLength(120);
    expect(plan.windowStarts[0]).toBe(at('2026-11-21T08:00:00Z'));
    expect(plan.windowStarts[119]).toBe(at('2026-11-21T09:59:00Z'));
  });

  it('counts the windows of a range too long to list (5 billion one-minute windows) without listing them', () => {
    // Act
    const plan = rollupPlan(requestsByIp, at('0001-01-01T00:00:00Z'), at('9999-12-31T00:00:00Z'), 86_400_000);

    // Assess: more windows than an array can hold
    expect(plan).toMatchObject({
      fromMs: at('0001-01-01T00:00:00Z'),
      toMs: at('9999-12-31T00:00:00Z'),
      windowCount: 5_258_963_520,
    });
    expect(plan.windowCount).toBeGreaterThan(2 ** 32);
  });

  it('lists the windows on first use, as many as it counts, the same list each time', () => {
    // Act
    const plan = rollupPlan(requestsByIp, at('2026-11-21T08:10:30Z'), at('2026-11-21T09:00:01Z'), 3_600_000);

    // Assess
    expect(plan.windowCount).toBe(120);
    expect(plan.windowStarts).toHaveLength(plan.windowCount);
    expect(plan.windowStarts).toBe(plan.windowStarts);
  });

  it('makes one bucket of whole windows for all', () => {
    // Act
    const plan = rollupPlan(requestsByIp, at('2026-11-21T08:10:30Z'), at('2026-11-21T08:13:00Z'), 'all');

    // Assess
    expect(plan).toMatchObject({
      fromMs: at('2026-11-21T08:10:00Z'),
      toMs: at('2026-11-21T08:13:00Z'),
      bucketMs: 180_000,
    });
    expect(plan.windowStarts).toStrictEqual([
      at('2026-11-21T08:10:00Z'),
      at('2026-11-21T08:11:00Z'),
      at('2026-11-21T08:12:00Z'),
    ]);
  });

  it('aligns day buckets to UTC days', () => {
    // Act
    const plan = rollupPlan(webMinutes, at('2026-11-21T23:30:00Z'), at('2026-11-22T00:30:00Z'), 86_400_000);

    // Assess
    expect([plan.fromMs, plan.toMs]).toStrictEqual([at('2026-11-21T00:00:00Z'), at('2026-11-23T00:00:00Z')]);
  });

  it('lists only the hopping windows that tile the bucket', () => {
    // Act
    const plan = rollupPlan(sensorStats, at('2026-11-21T08:00:00Z'), at('2026-11-21T09:00:00Z'), 3_600_000);

    // Assess
    expect(plan.tileMs).toBe(300_000);
    expect(plan.windowStarts).toHaveLength(12);
    expect(plan.windowStarts.every((start) => start % 300_000 === 0)).toBe(true);
  });

  it.each([
    [
      'an interval that is not a multiple of the window size',
      requestsByIp,
      90_000,
      /multiple of pipeline "requests-by-ip"'s window size 1m \(given 1m30s\)/,
    ],
    [
      'a hopping window whose size is not a multiple of its advance',
      { ...sensorStats, window: hopping('5m', '2m') },
      'all' as const,
      /cannot be rolled up without counting records twice/,
    ],
    ['a zero interval', requestsByIp, 0, /\(given 0\)/],
    [
      // was read anyway, then failed as "Invalid time value" or a DynamoDB key error (exit 1)
      'an interval whose buckets end after the year 9999 (10,000 years)',
      requestsByIp,
      3_652_500 * 86_400_000,
      'Buckets of 3652500d (aligned to multiples of it since 1970) reach beyond the years 0000 to 9999 that results are keyed by: give a shorter interval or a narrower range',
    ],
    [
      // was "must be a multiple of the window size", which it is
      'an interval too long for a safe integer',
      requestsByIp,
      99_999_999_999 * 86_400_000,
      /^Buckets of 99999999999d \(aligned/,
    ],
  ])('refuses %s, naming the value', (_, definition, every, message) => {
    expect(() =>
      rollupPlan(definition, at('2026-11-21T08:00:00Z'), at('2026-11-21T09:00:00Z'), every),
    ).toThrow(QueryInputError);
    expect(() =>
      rollupPlan(definition, at('2026-11-21T08:00:00Z'), at('2026-11-21T09:00:00Z'), every),
    ).toThrow(message);
  });

  it('refuses an empty range, naming both ends', () => {
    expect(() =>
      rollupPlan(requestsByIp, at('2026-11-21T09:00:00Z'), at('2026-11-21T08:00:00Z'), 'all'),
    ).toThrow(
      'The time range is empty: from 2026-11-21T09:00:00.000Z is not before to 2026-11-21T08:00:00.000Z',
    );
  });
});
