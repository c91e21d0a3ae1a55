import { describe, expect, it } from 'vitest';
import { renderBarChart } from '../../cli/render/barChart.ts';

describe('Function: renderBarChart', () => {
  it('draws bars proportional to the largest value, values right-aligned', () => {
    // Act
    const chart = renderBarChart(
      [
        { label: 'a', value: 4 },
        { label: 'bb', value: 2 },
      ],
      { width: 12 },
    );

    // Assess
    expect(chart).toBe('a  ███████ 4\nbb ███▌    2');
  });

  it('draws eighths of a column', () => {
    // Prepare
    const bars = [1, 2, 3, 4, 5, 6, 7, 8].map((value) => ({ label: String(value), value }));

    // Act
    const chart = renderBarChart(bars, { width: 5 });

    // Assess
    expect(chart.split('\n')).toStrictEqual([
      '1 ▏ 1',
      '2 ▎ 2',
      '3 ▍ 3',
      '4 ▌ 4',
      '5 ▋ 5',
      '6 ▊ 6',
      '7 ▉ 7',
      '8 █ 8',
    ]);
  });

  it.each([20, 33, 60, 80, 120])('fills exactly %i columns', (width) => {
    // Act
    const chart = renderBarChart(
      [
        { label: '203.0.113.9', value: 1555 },
        { label: '198.51.100.23', value: 1043 },
        { label: '2001:db8::1', value: 7 },
      ],
      { width },
    );

    // Assess
    for (const line of chart.split('\n')) expect(line).toHaveLength(width);
  });

  it('shortens long labels so that the bars keep 10 columns, but not below 8', () => {
    // Act
    const wide = renderBarChart([{ label: 'a-very-long-label-name', value: 1 }], { width: 30 });
    const narrow = renderBarChart([{ label: 'a-very-long-label-name', value: 1 }], { width: 12 });

    // Assess
    expect(wide).toBe('a-very-long-labe… ██████████ 1');
    expect(narrow).toBe('a-very-… █ 1'); // too narrow: the bar keeps one column
  });

  it('draws no bar for zero, negative and non-finite values, but prints them', () => {
    // Act
    const chart = renderBarChart(
      [
        { label: 'up', value: 2 },
        { label: 'zero', value: 0 },
        { label: 'down', value: -3 },
        { label: 'nan', value: Number.NaN },
      ],
      { width: 20 },
    );

    // Assess
    expect(chart).toBe(
      ['up   ███████████   2', 'zero               0', 'down              -3', 'nan              NaN'].join(
        '\n',
      ),
    );
  });

  it('draws only empty bars when no value is positive', () => {
    // Act
    const chart = renderBarChart(
      [
        { label: 'a', value: 0 },
        { label: 'b', value: -1 },
      ],
      { width: 10 },
    );

    // Assess
    expect(chart).toBe('a        0\nb       -1');
  });

  it('keeps a sliver for a tiny positive value', () => {
    // Act
    const chart = renderBarChart(
      [
        { label: 'big', value: 1_000_000 },
        { label: 'tiny', value: 1 },
      ],
      { width: 24 },
    );

    // Assess
    expect(chart.split('\n')[1]).toBe(`tiny ▏${' '.repeat(17)}1`);
  });

  it('draws whole # columns with ascii', () => {
    // Act
    const chart = renderBarChart(
      [
        { label: 'a', value: 4 },
        { label: 'bb', value: 2 },
        { label: 'c', value: 0.1 },
      ],
      { width: 14, ascii: true },
    );

    // Assess
    expect(chart).toBe('a  #######   4\nbb ####      2\nc  #       0.1');
  });

  it('formats values with the given function', () => {
    // Act
    const chart = renderBarChart([{ label: 'a', value: 0.5 }], {
      width: 14,
      formatValue: (v) => `${v * 100}%`,
    });

    // Assess
    expect(chart).toBe('a ████████ 50%');
  });

  it('renders nothing for no bars', () => {
    expect(renderBarChart([])).toBe('');
  });
});
