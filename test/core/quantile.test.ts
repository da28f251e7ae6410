import { describe, expect, it } from 'vitest';
import {
  lerpForward,
  lerpSymmetric,
  lowerRank,
  quantile,
  quantileOfNeighbours,
  quantileOfRanks,
  quantileSorted,
  sortedFinite,
} from '../../lambdas/core/quantile.ts';

const PS = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1] as const;

/** Inputs and `float(np.quantile(values, p))` for each p of {@link PS}, printed with repr() by numpy 2 / pandas 2.3.3. */
const NUMPY: readonly (readonly [string, readonly number[], readonly number[]])[] = [
  ['n = 1', [7], [7, 7, 7, 7, 7, 7, 7]],
  ['n = 2', [1, 3], [1, 1.2, 1.5, 2, 2.5, 2.8, 3]],
  ['n = 4', [1, 2, 3, 4], [1, 1.3, 1.75, 2.5, 3.25, 3.7, 4]],
  ['ties', [2, 2, 2, 5], [2, 2, 2, 2, 2.75, 4.1000000000000005, 5]],
  ['negatives, unsorted', [-5, -1, -3, 0.5, 10], [-5, -4.2, -3, -1, 0.5, 6.200000000000001, 10]],
  [
    'inexact decimals',
    [0.1, 0.2, 0.3],
    [0.1, 0.12000000000000001, 0.15000000000000002, 0.2, 0.25, 0.28, 0.3],
  ],
  [
    'six unsorted decimals',
    [0.1, 0.7, 0.2, 0.9, 0.35, 1e-3],
    [0.001, 0.0505, 0.125, 0.275, 0.6124999999999999, 0.8, 0.9],
  ],
  ['n = 3, unsorted', [3, 1, 2], [1, 1.2, 1.5, 2, 2.5, 2.8, 3]],
];

describe('quantile', () => {
  for (const [name, values, expected] of NUMPY) {
    it(`quantile(values, p) interpolates using R-7 bit-for-bit as numpy does (${name})`, () => {
      expect(PS.map((p) => quantile(values, p))).toEqual(expected);
    });
    it(`quantileSorted(sorted, p) equals numpy on the sorted input (${name})`, () => {
      const sorted = Float64Array.from(values).sort();
      expect(PS.map((p) => quantileSorted(sorted, p))).toEqual(expected);
    });
  }

  it('quantile of an empty input is NaN', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantileSorted(new Float64Array(0), 0.25)).toBeNaN();
    expect(quantileOfRanks(0, 0.75, () => 1)).toBeNaN();
  });

  it('quantile ignores NaN and ±Infinity, and is NaN when nothing is finite', () => {
    expect(quantile([4, Number.NaN, 1, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY, 2], 0.5)).toBe(
      2.5,
    );
    expect(quantile([Number.NaN, Number.POSITIVE_INFINITY], 0.5)).toBeNaN();
  });

  it('quantile at a whole rank is that order statistic even when the next one is beyond MAX_VALUE away', () => {
    // h = 1 exactly: the core reads x[1] and never interpolates. numpy interpolates anyway and
    // gets -1e308 + Infinity * 0 = NaN, so pandas' window fences are NaN (and flag nothing) here.
    const xs = [-1e308, -1e308, 1e308, 1e308, 1e308];
    expect(quantile(xs, 0.25)).toBe(-1e308);
    expect(quantile(xs, 0.75)).toBe(1e308);
  });

  it('quantile does not modify a frozen array or a Float64Array', () => {
    const frozen = Object.freeze([3, Number.NaN, 1, 2]);
    expect(quantile(frozen, 0.25)).toBe(1.5);
    expect(frozen).toEqual([3, Number.NaN, 1, 2]);
    const typed = Float64Array.of(3, Number.NaN, 1, 2);
    expect(quantile(typed, 0.75)).toBe(2.5);
    expect(Array.from(typed)).toEqual([3, Number.NaN, 1, 2]);
  });

  it('quantileOfRanks reads only the two neighbouring ranks, clamped to the last one', () => {
    const seen = new Set<number>();
    const xs = [10, 20, 30, 40, 50];
    const at = (r: number) => {
      seen.add(r);
      return xs[r]!;
    };
    expect(quantileOfRanks(5, 0.25, at)).toBe(20);
    expect(quantileOfRanks(5, 0.3, at)).toBe(22);
    expect([...seen].every((r) => r === 1 || r === 2)).toBe(true);
    seen.clear();
    expect(quantileOfRanks(5, 1, at)).toBe(50);
    expect(quantileOfRanks(1, 0.75, (r) => [7][r]!)).toBe(7);
    expect([...seen]).toEqual([4]);
  });

  it('lowerRank(n, p) is the rank just below or at the R-7 position (n - 1) p', () => {
    expect([
      lowerRank(4, 0.25),
      lowerRank(5, 0.25),
      lowerRank(4, 0.75),
      lowerRank(1, 0.5),
      lowerRank(9, 1),
    ]).toEqual([0, 1, 2, 0, 8]);
  });

  it('quantileOfNeighbours interpolates between the two neighbours and ignores the upper one at a whole rank', () => {
    expect(quantileOfNeighbours(4, 0.25, 1, 2)).toBe(1.75);
    expect(quantileOfNeighbours(2, 0.5, 0.1, 0.7)).toBe(0.39999999999999997);
    expect(quantileOfNeighbours(2, 0.5, 0.1, 0.7, lerpForward)).toBe(0.4);
    expect(quantileOfNeighbours(5, 0.25, 20, Number.NaN)).toBe(20);
  });

  it('quantileOfRanks uses the lerp it is given', () => {
    const xs = [0.1, 0.7];
    expect(quantileOfRanks(2, 0.5, (r) => xs[r]!, lerpForward)).toBe(0.4);
    expect(quantileOfRanks(2, 0.5, (r) => xs[r]!)).toBe(0.39999999999999997);
  });
});

describe('sortedFinite', () => {
  it('sortedFinite(values) returns a new ascending Float64Array of the finite values only', () => {
    const input = Object.freeze([
      3,
      Number.NaN,
      -1,
      Number.POSITIVE_INFINITY,
      2,
      2,
      Number.NEGATIVE_INFINITY,
      -0.5,
    ]);
    const out = sortedFinite(input);
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual([-1, -0.5, 2, 2, 3]);
    expect(input).toHaveLength(8);
  });

  it('sortedFinite sorts numerically (not as strings) and leaves a Float64Array input unchanged', () => {
    const typed = Float64Array.of(10, 9, 100, -20, 1e-3);
    expect(Array.from(sortedFinite(typed))).toEqual([-20, 1e-3, 9, 10, 100]);
    expect(Array.from(typed)).toEqual([10, 9, 100, -20, 1e-3]);
  });

  it('sortedFinite of nothing finite is empty', () => {
    expect(sortedFinite([Number.NaN])).toHaveLength(0);
    expect(sortedFinite([])).toHaveLength(0);
  });
});

describe('lerpSymmetric vs lerpForward', () => {
  it('lerpSymmetric(a, b, t) switches to b - (b - a)(1 - t) for t >= 0.5, as numpy does', () => {
    // numpy: np.quantile([0.1, 0.7], 0.5) == 0.39999999999999997
    expect(lerpSymmetric(0.1, 0.7, 0.5)).toBe(0.39999999999999997);
    expect(lerpSymmetric(0.1, 0.7, 0.25)).toBe(0.1 + (0.7 - 0.1) * 0.25);
  });

  it('lerpForward(a, b, t) is a + (b - a) t, as pandas rolling quantile computes it', () => {
    // pandas: Series([0.1, 0.7]).rolling("1D").quantile(0.5) == 0.4
    expect(lerpForward(0.1, 0.7, 0.5)).toBe(0.4);
    expect(lerpForward(0.1, 0.7, 0.75)).toBe(0.1 + (0.7 - 0.1) * 0.75);
  });

  it('both lerps agree on exactly representable values and hit the ends exactly', () => {
    for (const lerp of [lerpSymmetric, lerpForward]) {
      expect(lerp(1, 3, 0.25)).toBe(1.5);
      expect(lerp(-4, 4, 0.75)).toBe(2);
      expect(lerp(2, 8, 0)).toBe(2);
    }
    expect(lerpSymmetric(0.1, 0.7, 1)).toBe(0.7);
  });

  it('both lerps propagate NaN and follow IEEE overflow the way numpy and pandas do', () => {
    expect(lerpSymmetric(Number.NaN, 1, 0.5)).toBeNaN();
    expect(lerpForward(1, Number.NaN, 0.25)).toBeNaN();
    expect(lerpForward(-1e308, 1e308, 0.25)).toBe(Number.POSITIVE_INFINITY);
    expect(lerpSymmetric(-1e308, 1e308, 0.75)).toBe(Number.NEGATIVE_INFINITY);
  });
});
