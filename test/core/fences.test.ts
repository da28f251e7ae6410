import { describe, expect, it } from 'vitest';
import {
  Direction,
  DirectionCode,
  directionOf,
  type Fences,
  fenceScore,
  fenceSide,
  fencesOfRanks,
  judge,
  type MutableFences,
  tukeyFences,
} from '../../lambdas/core/fences.ts';
import { lerpForward } from '../../lambdas/core/quantile.ts';

const reader = (xs: readonly number[]) => (r: number) => xs[r]!;

describe('fencesOfRanks', () => {
  it('fencesOfRanks(n, at, {k}) gives Q1 - k IQR and Q3 + k IQR from R-7 quartiles', () => {
    const xs = Object.freeze([1, 2, 3, 4]);
    expect(fencesOfRanks(4, reader(xs), { deviationLimit: 1.5 })).toEqual({
      q1: 1.75,
      q3: 3.25,
      iqr: 1.5,
      lower: -0.5,
      upper: 5.5,
    });
    expect(fencesOfRanks(4, reader(xs), { deviationLimit: 3 })).toEqual({
      q1: 1.75,
      q3: 3.25,
      iqr: 1.5,
      lower: -2.75,
      upper: 7.75,
    });
  });

  it('fencesOfRanks of one value has IQR 0 and fences on the value', () => {
    expect(fencesOfRanks(1, reader([42]), { deviationLimit: 1.5 })).toEqual({
      q1: 42,
      q3: 42,
      iqr: 0,
      lower: 42,
      upper: 42,
    });
  });

  it('fencesOfRanks uses numpy interpolation by default and the lerp it is given otherwise', () => {
    const xs = [0.1, 0.9];
    expect(fencesOfRanks(2, reader(xs), { deviationLimit: 1.5 }).q3).toBe(0.7);
    expect(fencesOfRanks(2, reader(xs), { deviationLimit: 1.5 }, lerpForward).q3).toBe(0.7000000000000001);
  });

  it('a constant series has IQR 0 without minRelativeIqr (pandas-exact by default)', () => {
    const xs = [10, 10, 10, 10];
    for (const minRelativeIqr of [undefined, 0]) {
      expect(fencesOfRanks(4, reader(xs), { deviationLimit: 1.5, minRelativeIqr })).toEqual({
        q1: 10,
        q3: 10,
        iqr: 0,
        lower: 10,
        upper: 10,
      });
    }
  });

  it('minRelativeIqr floors the IQR at minRelativeIqr * |median| on a constant series', () => {
    expect(fencesOfRanks(4, reader([10, 10, 10, 10]), { deviationLimit: 1.5, minRelativeIqr: 0.1 })).toEqual({
      q1: 10,
      q3: 10,
      iqr: 1,
      lower: 8.5,
      upper: 11.5,
    });
    expect(fencesOfRanks(3, reader([-8, -8, -8]), { deviationLimit: 2, minRelativeIqr: 0.25 })).toEqual({
      q1: -8,
      q3: -8,
      iqr: 2,
      lower: -12,
      upper: -4,
    });
  });

  it('minRelativeIqr leaves an IQR that is already above the floor unchanged', () => {
    const xs = [1, 2, 3, 4];
    expect(fencesOfRanks(4, reader(xs), { deviationLimit: 1.5, minRelativeIqr: 0.1 }).iqr).toBe(1.5);
  });
});

describe('tukeyFences', () => {
  it('tukeyFences(q1, q3, median, {k}) gives the IQR and both fences from given quartiles', () => {
    expect(tukeyFences(1.75, 3.25, () => 2.5, { deviationLimit: 1.5 })).toEqual({
      q1: 1.75,
      q3: 3.25,
      iqr: 1.5,
      lower: -0.5,
      upper: 5.5,
    });
  });

  it('tukeyFences asks for the median only when the IQR floor is on', () => {
    let calls = 0;
    const median = () => {
      calls++;
      return 10;
    };
    tukeyFences(10, 10, median, { deviationLimit: 1.5 });
    expect(calls).toBe(0);
    expect(tukeyFences(10, 10, median, { deviationLimit: 1.5, minRelativeIqr: 0.1 }).iqr).toBe(1);
    expect(calls).toBe(1);
  });

  it('tukeyFences(..., into) overwrites and returns the given object instead of allocating one', () => {
    const into: MutableFences = { q1: 0, q3: 0, iqr: 0, lower: 0, upper: 0 };
    expect(tukeyFences(1, 3, () => 2, { deviationLimit: 2 }, into)).toBe(into);
    expect(into).toEqual({ q1: 1, q3: 3, iqr: 2, lower: -3, upper: 7 });
  });
});

describe('judge', () => {
  const f: Fences = Object.freeze({ q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 });

  it('judge(x, fences) flags high beyond the upper fence with score (x - upper) / IQR', () => {
    expect(judge(9, f)).toEqual({ direction: Direction.High, score: 1.5 });
  });

  it('judge(x, fences) flags low beyond the lower fence with score (lower - x) / IQR', () => {
    expect(judge(-5, f)).toEqual({ direction: Direction.Low, score: 1.5 });
  });

  it('judge compares strictly: a value exactly on a fence is not flagged, one ulp beyond is', () => {
    expect(judge(6, f)).toBeNull();
    expect(judge(-2, f)).toBeNull();
    expect(judge(6 + Number.EPSILON * 4, f)?.direction).toBe('high');
    expect(judge(-2 - Number.EPSILON * 2, f)?.direction).toBe('low');
    expect(judge(2, f)).toBeNull();
  });

  it('judge gives score null when the IQR is 0', () => {
    const flat: Fences = { q1: 5, q3: 5, iqr: 0, lower: 5, upper: 5 };
    expect(judge(6, flat)).toEqual({ direction: 'high', score: null });
    expect(judge(4, flat)).toEqual({ direction: 'low', score: null });
    expect(judge(5, flat)).toBeNull();
  });

  it('judge never flags a non-finite value', () => {
    expect(judge(Number.NaN, f)).toBeNull();
    expect(judge(Number.POSITIVE_INFINITY, f)).toBeNull();
    expect(judge(Number.NEGATIVE_INFINITY, f)).toBeNull();
  });

  it('judge flags nothing when the lower fence is not finite (IQR overflow), as the pandas reference', () => {
    const overflow: Fences = {
      q1: -1e308,
      q3: 1e308,
      iqr: Number.POSITIVE_INFINITY,
      lower: -Infinity,
      upper: Infinity,
    };
    expect(judge(1e308, overflow)).toBeNull();
    const nanLower: Fences = { q1: Number.NaN, q3: 1, iqr: Number.NaN, lower: Number.NaN, upper: 1 };
    expect(judge(5, nanLower)).toBeNull();
  });
});

describe('fenceSide and fenceScore (the allocation-free halves of judge)', () => {
  const f: Fences = Object.freeze({ q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 });

  it('fenceSide gives High, Low or None with the same strict rule as judge', () => {
    expect([9, -5, 6, -2, 2].map((x) => fenceSide(x, f))).toEqual([
      DirectionCode.High,
      DirectionCode.Low,
      DirectionCode.None,
      DirectionCode.None,
      DirectionCode.None,
    ]);
    expect(fenceSide(Number.NaN, f)).toBe(DirectionCode.None);
    expect(fenceSide(1e308, { ...f, lower: Number.NEGATIVE_INFINITY })).toBe(DirectionCode.None);
  });

  it('fenceScore is the distance beyond the fence in IQR units, NaN when IQR is 0', () => {
    expect(fenceScore(9, DirectionCode.High, f)).toBe(1.5);
    expect(fenceScore(-5, DirectionCode.Low, f)).toBe(1.5);
    expect(fenceScore(6, DirectionCode.High, { q1: 5, q3: 5, iqr: 0, lower: 5, upper: 5 })).toBeNaN();
  });
});

describe('directionOf', () => {
  it.each([
    [DirectionCode.High, 'high'],
    [DirectionCode.Low, 'low'],
    [DirectionCode.None, null],
  ])('decodes direction code %i as %s', (code, direction) => {
    expect(directionOf(code)).toBe(direction);
  });
});
