import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, TimeFormatError } from '../../shared/time/index.ts';

describe('Function: parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
    ['1.5s', 1_500],
    ['0', 0],
    [250, 250],
  ] as const)('parses %j as %d ms', (input, expected) => {
    // Act
    const ms = parseDuration(input);

    // Assess
    expect(ms).toBe(expected);
  });

  it('trims surrounding spaces', () => {
    expect(parseDuration(' 1m ')).toBe(60_000);
  });

  it('rejects an empty duration', () => {
    expect(() => parseDuration('')).toThrow('Duration is empty (given "")');
  });

  it.each(['1', '1x', 'm1', '-1m', '1.0001ms', 'abc'])('rejects %j naming the value', (input) => {
    // Act & Assess
    expect(() => parseDuration(input)).toThrow(TimeFormatError);
    expect(() => parseDuration(input)).toThrow(JSON.stringify(input));
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(`(given ${input})`);
  });
});

describe('Function: formatDuration', () => {
  it.each([
    [0, '0s'],
    [60_000, '1m'],
    [5_400_000, '1h30m'],
    [2_592_000_000, '30d'],
    [1_500, '1s500ms'],
  ])('formats %d ms as %s and parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
