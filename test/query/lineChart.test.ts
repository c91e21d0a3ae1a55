import { describe, expect, it } from 'vitest';
import { renderLineChart } from '../../cli/render/lineChart.ts';

describe('Function: renderLineChart', () => {
  it('draws a rising line in braille with min and max labels and time labels', () => {
    // Act
    const chart = renderLineChart([0, 1, 2, 3], { width: 6, height: 2, startLabel: 'a', endLabel: 'b' });

    // Assess
    expect(chart).toBe(['3┤  ⡠⠊', '0┤⡠⠊', ' └────', '  a  b'].join('\n'));
  });

  it('draws one point per character with ascii', () => {
    // Act
    const chart = renderLineChart([0, 1, 2, 3], { width: 6, height: 2, ascii: true });

    // Assess
    expect(chart).toBe(['3+  **', '0+**', ' +----'].join('\n'));
  });

  it('averages a series longer than the plot', () => {
    // Act
    const chart = renderLineChart([0, 0, 2, 2, 4, 4, 6, 6], { width: 6, height: 4, ascii: true });

    // Assess
    expect(chart).toBe(['6+   *', ' |  *', ' | *', '0+*', ' +----'].join('\n'));
  });

  it('leaves gaps for null values', () => {
    // Act
    const chart = renderLineChart([1, null, 3], { width: 6, height: 3, ascii: true });

    // Assess
    expect(chart).toBe(['3+   *', ' |', '1+*', ' +----'].join('\n'));
  });

  it('draws a flat series mid-height with one label', () => {
    // Act
    const ascii = renderLineChart([5, 5, 5], { width: 6, height: 3, ascii: true });
    const braille = renderLineChart([0, 0], { width: 4, height: 2 });

    // Assess
    expect(ascii).toBe([' |', '5+****', ' |', ' +----'].join('\n'));
    expect(braille).toBe([' │', '0┤⠉⠉', ' └──'].join('\n'));
  });

  it('scales negative values', () => {
    // Act
    const chart = renderLineChart([-2, 2], { width: 6, height: 2, ascii: true });

    // Assess
    expect(chart).toBe([' 2+ **', '-2+*', '  +---'].join('\n'));
  });

  it('joins steep steps with vertical runs', () => {
    // Act
    const chart = renderLineChart([0, 3, 0], { width: 5, height: 4, ascii: true });

    // Assess
    expect(chart).toBe(['3+ *', ' | **', ' | **', '0+* *', ' +---'].join('\n'));
  });

  it.each([
    [20, 4],
    [41, 8],
    [80, 12],
  ])('keeps every line within %i columns (%i rows)', (width, height) => {
    // Prepare
    const values = Array.from({ length: 500 }, (_, i) => Math.sin(i / 25) * 1000 + 0.5);

    // Act
    const chart = renderLineChart(values, { width, height, startLabel: '08:00', endLabel: '16:20' });

    // Assess
    const lines = chart.split('\n');
    expect(lines).toHaveLength(height + 2);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
    expect(lines[height]).toHaveLength(width); // the axis spans the plot
  });

  it('drops the end label when both do not fit', () => {
    // Act
    const chart = renderLineChart([1, 2], {
      width: 8,
      height: 2,
      ascii: true,
      startLabel: '08:00',
      endLabel: '09:00',
    });

    // Assess
    expect(chart.split('\n').at(-1)).toBe('  08:00');
  });

  it.each([[[]], [[null, null]], [[Number.NaN, Number.POSITIVE_INFINITY]]])(
    'renders nothing for %j',
    (values) => {
      expect(renderLineChart(values)).toBe('');
    },
  );
});
