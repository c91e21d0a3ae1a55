import { describe, expect, it } from 'vitest';
import { isDefinition } from '../../shared/config/isDefinition.ts';
import { ohlc, requestsByIp } from '../../shared/examples/index.ts';

describe('Function: isDefinition', () => {
  it.each([
    ['requests-by-ip', requestsByIp],
    ['ohlc', ohlc],
  ])('accepts the definition %s made with definePipeline', (_, definition) => {
    expect(isDefinition(definition)).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a name', 'ohlc'],
    ['a list of definitions', [ohlc]],
    ['an object without metric names', { name: 'ohlc', window: {} }],
    ['an object without a window', { name: 'ohlc', metricNames: [] }],
    ['an object with a name that is not a string', { name: 1, metricNames: [], window: {} }],
  ])('rejects %s', (_, value) => {
    expect(isDefinition(value)).toBe(false);
  });
});
