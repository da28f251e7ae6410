import { describe, expect, it } from 'vitest';
import {
  rollingDocumentFlags,
  timeframeKey,
  windowDocumentFlags,
} from '../../lambdas/core/document-flags.ts';
import { detectRolling } from '../../lambdas/core/rolling-detector.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { buildSet, hour, snapshot } from './set-fixture.ts';

describe('timeframeKey', () => {
  it('timeframeKey(T) is d<T>', () => {
    expect(timeframeKey(7)).toBe('d7');
    expect(timeframeKey(30)).toBe('d30');
  });
});

describe('windowDocumentFlags', () => {
  // refs are input positions: 0..6 for 'a', 7 for 'b'
  const set = buildSet(
    ['x', 'y'],
    [
      ['a', hour(-80), [100, 1]], // outside both windows
      ['a', hour(-30), [1, 1]], // only in the 3-day window
      ['a', hour(-6), [1, 1]],
      ['a', hour(-5), [1, 1]],
      ['a', hour(-4), [1, 1]],
      ['a', hour(-3), [9, 1]], // x high in both windows
      ['a', hour(0), [1, 1]], // exactly at asOf: outside
      ['b', hour(-1), [Number.NaN, 2]],
    ],
  );
  const asOf = hour(0);

  it('only flagged documents get entries, per timeframe and metric, with the window end as asOf', () => {
    const before = snapshot(set);
    const results = detectWindow(set, { asOf, timeframes: [1, 3], deviationLimit: 1.5, minSamples: 1 });
    const out = windowDocumentFlags(set, results, asOf);
    expect([...out.keys()]).toEqual([5]);
    expect(out.get(5)).toEqual({
      // 1 day: x is [1, 1, 1, 9] → q3 3, IQR 2, upper 6, score (9 - 6) / 2
      d1: { x: { direction: 'high', score: 1.5, asOf } },
      // 3 days: x is [1, 1, 1, 1, 9] → IQR 0, score null
      d3: { x: { direction: 'high', score: null, asOf } },
    });
    expect(snapshot(set)).toEqual(before);
  });

  it('a window without fences (insufficient data) flags nothing, so writes nothing', () => {
    const results = detectWindow(set, { asOf, timeframes: [1], deviationLimit: 1.5, minSamples: 10 });
    expect(windowDocumentFlags(set, results, asOf).size).toBe(0);
  });

  it('results of an asset missing from the set are ignored', () => {
    const results = detectWindow(set, { asOf, timeframes: [1], deviationLimit: 1.5, minSamples: 1 });
    const other = buildSet(['x', 'y'], [['zzz', hour(-1), [1, 1]]]);
    expect(windowDocumentFlags(other, results, asOf).size).toBe(0);
  });
});

describe('rollingDocumentFlags', () => {
  it('each flagged point gets its own time as asOf; unflagged points and points without fences get nothing', () => {
    const set = buildSet(
      ['x', 'y'],
      [
        ['a', hour(0), [1, 5]],
        ['a', hour(1), [1, 5]],
        ['a', hour(2), [9, 5]],
        ['a', hour(3), [Number.NaN, 4]],
      ],
    );
    const before = snapshot(set);
    const out = rollingDocumentFlags(
      detectRolling(set, { closed: 'left', timeframes: [1], deviationLimit: 1.5, minSamples: 1 }),
    );
    expect(out.has(0)).toBe(false); // nothing before the first point
    expect(out.has(1)).toBe(false); // judged, not flagged
    expect(out.get(2)).toEqual({ d1: { x: { direction: 'high', score: null, asOf: hour(2) } } });
    // x is NaN at hour 3 (never flagged); y 4 < [5, 5, 5] with IQR 0
    expect(out.get(3)).toEqual({ d1: { y: { direction: 'low', score: null, asOf: hour(3) } } });
    expect(snapshot(set)).toEqual(before);
  });

  it('scores are numbers where the IQR is positive, keyed by timeframe', () => {
    const set = buildSet(
      ['x'],
      [1, 2, 3, 4, 100].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const out = rollingDocumentFlags(
      detectRolling(set, { closed: 'left', timeframes: [1, 2], deviationLimit: 1.5, minSamples: 4 }),
    );
    const flag = { direction: 'high', score: (100 - 5.5) / 1.5, asOf: hour(4) };
    expect(out.get(4)).toEqual({ d1: { x: flag }, d2: { x: flag } });
    expect(out.has(3)).toBe(false); // minSamples 4: three values before it
  });
});
