import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lambdas/core/detector-options.ts';
import { detectWindow, lowerBound } from '../../lambdas/core/window-detector.ts';
import { buildSet, hour, snapshot } from './set-fixture.ts';

const options = (asOf: number, extra: object = {}) =>
  Object.freeze({ asOf, timeframes: Object.freeze([1]), deviationLimit: 1.5, minSamples: 1, ...extra });

describe('detectWindow', () => {
  it('the window is [asOf - T, asOf): a point at asOf - T is in, a point at asOf is out', () => {
    const asOf = hour(48);
    const set = buildSet(
      ['v'],
      [
        ['a', asOf - DAY_MS - 1, [100]],
        ['a', asOf - DAY_MS, [1]],
        ['a', asOf - 1, [2]],
        ['a', asOf, [300]],
      ],
    );
    const [r] = detectWindow(set, options(asOf));
    expect(r).toMatchObject({ asset: 'a', metric: 'v', timeframe: 1, n: 2, start: 1, end: 3, flags: [] });
    expect(r!.fences).toEqual({ q1: 1.25, q3: 1.75, iqr: 0.5, lower: 0.5, upper: 2.5 });
  });

  it('detectWindow computes R-7 fences over the window and flags every value outside them', () => {
    const rows = [1, 2, 3, 4, 100, -50].map((v, i) => ['a', hour(i), [v]] as const);
    const set = buildSet(['v'], rows);
    const [r] = detectWindow(set, options(hour(24)));
    // sorted [-50, 1, 2, 3, 4, 100]: q1 at h = 1.25, q3 at h = 3.75
    expect(r!.fences).toEqual({ q1: 1.25, q3: 3.75, iqr: 2.5, lower: -2.5, upper: 7.5 });
    expect(r!.flags).toEqual([
      { index: 4, time: hour(4), value: 100, direction: 'high', score: (100 - 7.5) / 2.5 },
      { index: 5, time: hour(5), value: -50, direction: 'low', score: (-2.5 + 50) / 2.5 },
    ]);
  });

  it('a value exactly on a fence is not flagged', () => {
    // [0, 0, 1, 1]: q1 0, q3 1, IQR 1, upper 2.5; 2.5 itself sits on the fence
    const set = buildSet(
      ['v'],
      [0, 0, 1, 1, 2.5].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const [r] = detectWindow(set, options(hour(24)));
    expect(r!.fences!.upper).toBe(2.5);
    expect(r!.flags).toEqual([]);
  });

  it('NaN values are skipped: not counted in n and never flagged', () => {
    const set = buildSet(
      ['v'],
      [
        ['a', hour(0), [Number.NaN]],
        ['a', hour(1), [5]],
        ['a', hour(2), [Number.POSITIVE_INFINITY]],
        ['a', hour(3), [5]],
      ],
    );
    const [r] = detectWindow(set, options(hour(24)));
    expect(r).toMatchObject({ n: 2, start: 0, end: 4, flags: [] });
    expect(r!.fences).toEqual({ q1: 5, q3: 5, iqr: 0, lower: 5, upper: 5 });
  });

  it('IQR 0 flags the odd value out with score null', () => {
    const set = buildSet(
      ['v'],
      [3, 3, 3, 3, 9].map((v, i) => ['a', hour(i), [v]] as const),
    );
    expect(detectWindow(set, options(hour(24)))[0]!.flags).toEqual([
      { index: 4, time: hour(4), value: 9, direction: 'high', score: null },
    ]);
  });

  it('fewer finite values than minSamples gives fences null and no flags, but n is still reported', () => {
    const set = buildSet(
      ['v'],
      [1, 1, 50].map((v, i) => ['a', hour(i), [v]] as const),
    );
    expect(detectWindow(set, options(hour(24), { minSamples: 4 }))[0]).toMatchObject({
      n: 3,
      fences: null,
      flags: [],
    });
    expect(detectWindow(set, options(hour(24), { minSamples: 3 }))[0]!.fences).not.toBeNull();
  });

  it('an asset with no data in the window gets n 0 and fences null', () => {
    const set = buildSet(
      ['v'],
      [
        ['a', hour(0), [1]],
        ['b', hour(100), [1]],
      ],
    );
    const results = detectWindow(set, options(hour(24)));
    expect(results.map((r) => [r.asset, r.n, r.fences])).toEqual([
      ['a', 1, { q1: 1, q3: 1, iqr: 0, lower: 1, upper: 1 }],
      ['b', 0, null],
    ]);
    expect(results[1]).toMatchObject({ start: 0, end: 0, flags: [] });
  });

  it('detectWindow returns one result per asset × timeframe × metric, in that order', () => {
    const set = buildSet(
      ['x', 'y'],
      [
        ['b', hour(0), [1, 2]],
        ['a', hour(0), [1, 2]],
      ],
    );
    const results = detectWindow(set, {
      asOf: hour(24),
      timeframes: [3, 0.5],
      deviationLimit: 1.5,
      minSamples: 1,
    });
    expect(results.map((r) => `${r.asset}/${r.timeframe}/${r.metric}`)).toEqual([
      'a/3/x',
      'a/3/y',
      'a/0.5/x',
      'a/0.5/y',
      'b/3/x',
      'b/3/y',
      'b/0.5/x',
      'b/0.5/y',
    ]);
    // 0.5 days before hour 24 is hour 12: the point at hour 0 is outside
    expect(results[2]!.n).toBe(0);
  });

  it('duplicate timestamps in the window are all counted and judged', () => {
    const set = buildSet(
      ['v'],
      [
        ['a', hour(1), [1]],
        ['a', hour(1), [1]],
        ['a', hour(1), [1]],
        ['a', hour(1), [1]],
        ['a', hour(1), [2]],
      ],
    );
    expect(detectWindow(set, options(hour(24)))[0]).toMatchObject({
      n: 5,
      flags: [{ index: 4, value: 2, direction: 'high', score: null }],
    });
  });

  it('detectWindow does not modify the series set', () => {
    const set = buildSet(
      ['v'],
      [5, Number.NaN, 1, 9, 2, 2, 100].map((v, i) => ['a', hour(i * 5), [v]] as const),
    );
    const before = snapshot(set);
    detectWindow(set, options(hour(40)));
    expect(snapshot(set)).toEqual(before);
  });

  it('gives every call the same results whatever ran before: short and long series, one after another', () => {
    // The scratch buffer the quartiles are selected in is reused across calls and grows with the
    // longest series: a long call after short ones, and short ones after it, must not see stale values.
    const series = (length: number, seed: number) =>
      buildSet(
        ['v'],
        Array.from(
          { length },
          (_, i) => ['a', hour(i), [((i * 7919 + seed) % 101) - (i % 13 === 0 ? 500 : 0)]] as const,
        ),
      );
    const sets = [series(5, 1), series(300, 2), series(40, 3), series(2000, 4), series(3, 5)];
    const at = options(hour(2000), { timeframes: Object.freeze([1, 100]) });
    // First in order of growing scratch (it grows at the second and fourth set), then in orders
    // where long series come before short ones and the same set follows different ones.
    const first = sets.map((set) => JSON.stringify(detectWindow(set, at)));
    for (const order of [
      [3, 4, 2, 1, 0],
      [1, 3, 0, 3, 1],
    ]) {
      for (const k of order) expect(JSON.stringify(detectWindow(sets[k]!, at))).toBe(first[k]);
    }
  });
});

describe('lowerBound', () => {
  it('lowerBound(times, t) is the first position whose time is >= t', () => {
    const times = Float64Array.of(1, 2, 2, 3);
    expect([0, 1, 2, 2.5, 3, 4].map((t) => lowerBound(times, t))).toEqual([0, 0, 1, 3, 3, 4]);
    expect(lowerBound(new Float64Array(0), 5)).toBe(0);
  });
});
