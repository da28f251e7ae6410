import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RankWindow, rankValues } from '../../lambdas/core/rank-window.ts';
import { largestWindow, SortedWindow } from '../../lambdas/core/sorted-window.ts';

/** The window's values in order, through `at`. */
function contents(w: { size: number; at: (k: number) => number }): number[] {
  return Array.from({ length: w.size }, (_, k) => w.at(k));
}

/** A series of values (ties, zeros of both signs, NaN, ±Infinity) and a window width to slide over it. */
const SLIDING = [
  fc.array(
    fc.oneof(
      fc.constantFrom(0, -0, 1, 2, Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
      fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
    ),
    { minLength: 1, maxLength: 80 },
  ),
  fc.integer({ min: 1, max: 20 }),
] as const;

describe('SortedWindow', () => {
  it('keeps the finite values that entered and have not left, in order; NaN and ±Infinity never enter', () => {
    const values = Float64Array.of(5, Number.NaN, 1, 3, Number.POSITIVE_INFINITY, 3, -2);
    const before = Array.from(values);
    const w = new SortedWindow(values, values.length);
    for (let i = 0; i < values.length; i++) w.enter(i);
    expect(contents(w)).toEqual([-2, 1, 3, 3, 5]);
    w.leave(0);
    w.leave(1);
    w.leave(3);
    expect(contents(w)).toEqual([-2, 1, 3]);
    const out = new Float64Array(4);
    w.pick(0, 1, 2, 2, out);
    expect(Array.from(out)).toEqual([-2, 1, 3, 3]);
    expect(Array.from(values)).toEqual(before);
  });

  it('holds more values than its capacity when points enter before the ones they replace leave', () => {
    const values = Float64Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
    const w = new SortedWindow(values, 2);
    for (let i = 0; i < values.length; i++) w.enter(i);
    expect(contents(w)).toEqual(Array.from(values).sort((a, b) => a - b));
  });

  it('lets a zero leave as the zero of its own sign', () => {
    const values = Float64Array.of(0, -0, 0, -0);
    const w = new SortedWindow(values, 4);
    for (let i = 0; i < 4; i++) w.enter(i);
    w.leave(0);
    w.leave(2);
    expect(contents(w).every((v) => Object.is(v, -0))).toBe(true);
    w.leave(1);
    w.leave(3);
    expect(w.size).toBe(0);
  });

  it('replace(i, j) leaves the window exactly as enter(i) then leave(j), the signs of zeros included (property)', () => {
    fc.assert(
      fc.property(...SLIDING, (xs, width) => {
        const values = Float64Array.from(xs);
        const replaced = new SortedWindow(values, width);
        const stepped = new SortedWindow(values, width);
        for (let i = 0; i < values.length; i++) {
          if (i < width) {
            replaced.enter(i);
            stepped.enter(i);
          } else {
            replaced.replace(i, i - width);
            stepped.enter(i);
            stepped.leave(i - width);
          }
          expect(replaced.size).toBe(stepped.size);
          expect(contents(replaced).every((v, k) => Object.is(v, stepped.at(k)))).toBe(true);
        }
      }),
    );
  });

  it('replace swaps one value for another in place, whichever is larger', () => {
    const w = new SortedWindow(Float64Array.of(5, 1, 3, 9, 0), 3);
    w.enter(0);
    w.enter(1);
    w.enter(2);
    w.replace(3, 1); // 9 in, 1 out
    expect(contents(w)).toEqual([3, 5, 9]);
    w.replace(4, 3); // 0 in, 9 out
    expect(contents(w)).toEqual([0, 3, 5]);
  });

  it('gives the same order statistics as RankWindow over any sliding window (ties, zeros of both signs, NaN)', () => {
    fc.assert(
      fc.property(...SLIDING, (xs, width) => {
        const values = Float64Array.from(xs);
        const { rankOf, sorted } = rankValues(values);
        const ranks = new RankWindow(sorted);
        const window = new SortedWindow(values, width);
        for (let i = 0; i < values.length; i++) {
          window.enter(i);
          if (rankOf[i]! >= 0) ranks.add(rankOf[i]!);
          if (i >= width) {
            window.leave(i - width);
            if (rankOf[i - width]! >= 0) ranks.remove(rankOf[i - width]!);
          }
          expect(window.size).toBe(ranks.size);
          // Equal as numbers; a zero's sign may differ between the two, which no output can show.
          expect(contents(window).map((v) => v + 0)).toEqual(contents(ranks).map((v) => v + 0));
        }
      }),
    );
  });
});

describe('largestWindow', () => {
  it.each([
    [[], 5, 0],
    [[0], 5, 1],
    [[0, 1, 2, 10], 2, 3],
    [[0, 1, 2, 10], 0, 1],
    [[0, 0, 0, 1], 0, 3],
    [[0, 5, 10, 15, 20], 10, 3],
  ])('largestWindow(%j, %i) is %i: the most points within [t - span, t]', (times, span, expected) => {
    expect(largestWindow(Float64Array.from(times), span)).toBe(expected);
  });
});
