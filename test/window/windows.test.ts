import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignWindows,
  hopping,
  isFinal,
  isLate,
  tumbling,
  WindowSpecError,
} from '../../shared/window/index.ts';

const at = (iso: string): number => Date.parse(iso);
const assigned = (spec: ReturnType<typeof tumbling>, eventMs: number): string[] => {
  const starts: number[] = [];
  const n = assignWindows(spec, eventMs, starts);
  return starts.slice(0, n).map((s) => new Date(s).toISOString());
};

describe('Function: assignWindows', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T00:00:59.999Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T00:01:00.000Z', '2026-01-01T00:01:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:00.000Z'],
  ])('puts %s into the tumbling minute starting %s (start inclusive, end exclusive)', (event, start) => {
    expect(assigned(tumbling('1m'), at(event))).toStrictEqual([start]);
  });

  it('puts a record into size/advance hopping windows, oldest first', () => {
    // Prepare
    const spec = hopping('5m', '1m');

    // Act
    const windows = assigned(spec, at('2026-01-01T00:02:30Z'));

    // Assess
    expect(windows).toStrictEqual([
      '2025-12-31T23:58:00.000Z',
      '2025-12-31T23:59:00.000Z',
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
    ]);
  });

  it('handles a size that is not a multiple of the advance', () => {
    expect(assigned(hopping('5m', '2m'), at('2026-01-01T00:02:30Z'))).toStrictEqual([
      '2025-12-31T23:58:00.000Z',
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:02:00.000Z',
    ]);
  });

  it('assigns exactly the windows that contain the event, for any spec and time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 19 }),
        fc.integer({ min: -1e12, max: 4e12 }),
        (advanceS, extraS, eventMs) => {
          const advanceMs = advanceS * 1000;
          const sizeMs = advanceMs + extraS * 1000; // any whole-second size from the advance up
          const spec = hopping(sizeMs, advanceMs);
          const starts: number[] = [];
          const n = assignWindows(spec, eventMs, starts);
          const got = starts.slice(0, n);
          const expected: number[] = [];
          const lastStart = Math.floor(eventMs / advanceMs) * advanceMs;
          for (let s = lastStart; s > eventMs - sizeMs; s -= advanceMs) expected.unshift(s);
          expect(got).toStrictEqual(expected);
          for (const s of got) {
            expect(s <= eventMs && eventMs < s + sizeMs).toBe(true);
            expect(((s % advanceMs) + advanceMs) % advanceMs).toBe(0);
          }
        },
      ),
    );
  });
});

describe('Function: isLate', () => {
  const spec = tumbling('1m', { allowedLateness: '5m' });
  const start = at('2026-01-01T00:00:00Z');

  it.each([
    ['2026-01-01T00:00:30Z', false],
    ['2026-01-01T00:01:00Z', false],
    ['2026-01-01T00:06:00Z', false],
    ['2026-01-01T00:06:00.001Z', true],
    ['2026-01-02T00:00:00Z', true],
  ])('arrival %s is late: %s', (arrival, late) => {
    expect(isLate(spec, start, at(arrival))).toBe(late);
  });

  it('decides the same way every time for the same record (deterministic)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4e12 }),
        fc.integer({ min: 0, max: 4e12 }),
        (startMs, arrivalMs) => {
          expect(isLate(spec, startMs, arrivalMs)).toBe(isLate(spec, startMs, arrivalMs));
          expect(isLate(spec, startMs, arrivalMs)).toBe(arrivalMs > startMs + 60_000 + 300_000);
        },
      ),
    );
  });
});

describe('Function: isFinal', () => {
  it('is final once end plus allowed lateness has passed', () => {
    const spec = tumbling('1m', { allowedLateness: '2m' });
    const start = at('2026-01-01T00:00:00Z');
    expect(isFinal(spec, start, at('2026-01-01T00:03:00Z'))).toBe(false);
    expect(isFinal(spec, start, at('2026-01-01T00:03:00.001Z'))).toBe(true);
  });
});

describe('Function: tumbling / hopping validation', () => {
  it.each([
    [() => tumbling('500ms'), 'Window size must be at least 1000 ms (given 500 ms)'],
    [() => tumbling('1500ms'), 'Window size must be a whole number of seconds (given 1500 ms)'],
    [
      () => hopping('1m', '2m'),
      'Window advance must be greater than 0 and at most the size 60000 ms (given 120000 ms)',
    ],
    [() => hopping('1h', '1s'), 'Window size / advance must be at most 60 (given 3600000 / 1000 = 3600)'],
    [
      () => hopping('1m', 0),
      'Window advance must be greater than 0 and at most the size 60000 ms (given 0 ms)',
    ],
  ])('rejects a bad window with a message naming the value (%#)', (build, message) => {
    expect(build).toThrow(WindowSpecError);
    expect(build).toThrow(message);
  });

  it('normalises durations to milliseconds', () => {
    expect(hopping('5m', '1m', { allowedLateness: '30s' })).toStrictEqual({
      kind: 'hopping',
      sizeMs: 300_000,
      advanceMs: 60_000,
      allowedLatenessMs: 30_000,
    });
  });
});
