import { describe, expect, it } from 'vitest';
import { extent } from '../../lambdas/core/extent.ts';

describe('extent(values)', () => {
  it.each([
    { values: [3, -1, 7], expected: [-1, 7] },
    { values: [Number.NaN, 2, Number.NaN], expected: [2, 2] },
    { values: [Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY], expected: [-Infinity, Infinity] },
    { values: [], expected: [Number.NaN, Number.NaN] },
    { values: [Number.NaN], expected: [Number.NaN, Number.NaN] },
  ])('extent($values) is $expected (NaN skipped; no number gives [NaN, NaN])', ({ values, expected }) => {
    expect(extent(Object.freeze([...values]))).toEqual(expected);
  });

  it('handles a million values, more than a spread call can pass as arguments', () => {
    const values = Float64Array.from({ length: 1_000_000 }, (_, i) => (i % 2 === 0 ? i : -i));
    expect(extent(values)).toEqual([-999_999, 999_998]);
  });
});
