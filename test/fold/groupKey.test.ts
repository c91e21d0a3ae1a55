import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGroupKey, encodeGroupKey } from '../../shared/fold/index.ts';

describe('Function: encodeGroupKey', () => {
  it.each([
    [['203.0.113.9'], '203.0.113.9'],
    [['eu', 'a|b'], 'eu|a%7Cb'],
    [['100%', ''], '100%25|'],
  ])('encodes %j as %s', (values, key) => {
    expect(encodeGroupKey(values)).toBe(key);
    expect(decodeGroupKey(key, values.length)).toStrictEqual(values);
  });

  it('is injective: decode(encode(values)) = values', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (values) => {
        expect(decodeGroupKey(encodeGroupKey(values), values.length)).toStrictEqual(values);
      }),
    );
  });
});
