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

  it('reset(length) starts over on refilled contents: each window reads as a fresh selector would', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 1, maxLength: 40 }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        (windows, requests) => {
          const scratch = new Float64Array(40);
          const selector = new RankSelector(scratch);
          for (const values of windows) {
            const sorted = Float64Array.from(values).sort();
            scratch.set(values);
            selector.reset(values.length);
            for (const r of requests) expect(selector.at(r % values.length)).toBe(sorted[r % values.length]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('places every rank of a few values, gaps of one and two included, in any order of requests', () => {
    for (const values of [
      [2, 1],
      [1, 4, 1],
      [0, 1, 4, 1],
      [3, 3, 1, 2, 2],
    ]) {
      const sorted = [...values].sort((a, b) => a - b);
      for (const order of [sorted.keys(), [...sorted.keys()].reverse()]) {
        const selector = new RankSelector(Float64Array.from(values));
        for (const rank of order) expect(selector.at(rank)).toBe(sorted[rank]);
      }
    }
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
