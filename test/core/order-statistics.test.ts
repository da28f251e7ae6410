import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankSelector } from '../../lambdas/core/order-statistics.ts';

describe('RankSelector', () => {
  it('at(rank) returns the value of that rank in sorted order, in any order of requests', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
          {
            minLength: 1,
            maxLength: 200,
          },
        ),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (values, requests) => {
          const sorted = Float64Array.from(values).sort();
          const selector = new RankSelector(Float64Array.from(values));
          for (const r of requests) {
            const rank = r % values.length;
            expect(Object.is(selector.at(rank), sorted[rank]) || selector.at(rank) === sorted[rank]).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    { values: [5, 1, 4, 2, 3], rank: 0, expected: 1 },
    { values: [5, 1, 4, 2, 3], rank: 4, expected: 5 },
    { values: [2, 2, 2, 1, 2], rank: 1, expected: 2 },
    { values: [7], rank: 0, expected: 7 },
    { values: [1e308, -1e308, 0], rank: 1, expected: 0 },
  ])('selects rank $rank of $values as $expected', ({ values, rank, expected }) => {
    expect(new RankSelector(Float64Array.from(values)).at(rank)).toBe(expected);
  });
});
