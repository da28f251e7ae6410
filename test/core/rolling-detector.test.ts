import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Closed, DAY_MS } from '../../lambdas/core/detector-options.ts';
import {
  DirectionCode,
  detectRolling,
  type RollingResult,
  rollingFlags,
} from '../../lambdas/core/rolling-detector.ts';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { oracleRolling } from '../support/oracle.ts';
import { buildSet, DUPLICATE_INSTANTS, hour, snapshot } from './set-fixture.ts';

function rolling(set: SeriesSet, closed: Closed, extra: object = {}): RollingResult[] {
  return [
    ...detectRolling(
      set,
      Object.freeze({ closed, timeframes: Object.freeze([1]), deviationLimit: 1.5, minSamples: 1, ...extra }),
    ),
  ];
}

const nulls = (xs: Float64Array) => Array.from(xs, (x) => (Number.isNaN(x) ? null : x));
const zero = (x: number | null) => (x === null ? null : x + 0);

describe('detectRolling', () => {
  it('closed left excludes every point at the same instant, as pandas rolling("1D", closed="left")', () => {
    const [r] = rolling(DUPLICATE_INSTANTS, 'left');
    expect(nulls(r!.q1)).toEqual([null, null, 1.25, 1.25, 1.25]);
    expect(nulls(r!.q3)).toEqual([null, null, 1.75, 1.75, 1.75]);
  });

  it('closed right includes earlier same-instant points only, as pandas rolling("1D", closed="right")', () => {
    const [r] = rolling(DUPLICATE_INSTANTS, 'right');
    expect(nulls(r!.q1)).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(nulls(r!.q3)).toEqual([1, 1.75, 2.5, 4.75, 5]);
  });

  it('closed left includes a point exactly T earlier; closed right excludes it', () => {
    const set = buildSet(
      ['v'],
      [
        ['a', hour(0), [1]],
        ['a', hour(12), [2]],
        ['a', hour(24), [3]],
      ],
    );
    // pandas: rolling("1D").count() is [nan, 1, 2] for left and [1, 2, 2] for right
    expect(nulls(rolling(set, 'left')[0]!.q1)).toEqual([null, 1, 1.25]);
    expect(nulls(rolling(set, 'right')[0]!.q1)).toEqual([1, 1.25, 2.25]);
  });

  it('rolling quartiles interpolate as pandas rolling does (a + (b - a) t), not as numpy', () => {
    const set = buildSet(
      ['v'],
      [
        ['a', hour(0), [0.1]],
        ['a', hour(1), [0.9]],
        ['a', hour(2), [0.5]],
      ],
    );
    // pandas: [nan, 0.1, 0.7000000000000001] (left) and [0.1, 0.7000000000000001, 0.7] (right)
    expect(nulls(rolling(set, 'left')[0]!.q3)).toEqual([null, 0.1, 0.7000000000000001]);
    expect(nulls(rolling(set, 'right')[0]!.q3)).toEqual([0.1, 0.7000000000000001, 0.7]);
  });

  it('each point is judged against its own window: fences, direction code and score per point', () => {
    const set = buildSet(
      ['v'],
      [1, 2, 3, 4, 100, 2, -40].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const [r] = rolling(set, 'left');
    // point 4 (100): window [1, 2, 3, 4] → q1 1.75, q3 3.25, IQR 1.5, upper 5.5
    expect([r!.q1[4], r!.q3[4], r!.iqr[4], r!.lower[4], r!.upper[4]]).toEqual([1.75, 3.25, 1.5, -0.5, 5.5]);
    expect(r!.direction[4]).toBe(DirectionCode.High);
    expect(r!.score[4]).toBe((100 - 5.5) / 1.5);
    // point 6 (-40): window [1, 2, 3, 4, 100, 2] → q1 2, q3 3.75, IQR 1.75, lower -0.625
    expect(r!.direction[6]).toBe(DirectionCode.Low);
    expect(r!.score[6]).toBe((-0.625 + 40) / 1.75);
    // 2 and 3 also break out of their tiny early windows ([1] and [1, 2])
    expect(Array.from(r!.direction)).toEqual([0, 1, 1, 0, 1, 0, -1]);
    expect(Number.isNaN(r!.score[5]!)).toBe(true);
  });

  it('a window with IQR 0 flags with score NaN (printed as null)', () => {
    const set = buildSet(
      ['v'],
      [7, 7, 7, 8].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const [r] = rolling(set, 'left');
    expect(r!.direction[3]).toBe(DirectionCode.High);
    expect(r!.score[3]).toBeNaN();
    expect(r!.iqr[3]).toBe(0);
  });

  it('points whose window has fewer than minSamples finite values get no fences and no flag', () => {
    const set = buildSet(
      ['v'],
      [1, Number.NaN, 1, 1, 50].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const [r] = rolling(set, 'left', { minSamples: 3 });
    expect(nulls(r!.q1)).toEqual([null, null, null, null, 1]);
    expect(Array.from(r!.direction)).toEqual([0, 0, 0, 0, 1]);
  });

  it('NaN values are not counted in windows and never flagged, but still get their point fences', () => {
    const set = buildSet(
      ['v'],
      [1, 2, Number.NaN, 3].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const [r] = rolling(set, 'right');
    expect(nulls(r!.q1)).toEqual([1, 1.25, 1.25, 1.5]);
    expect(r!.direction[2]).toBe(DirectionCode.None);
  });

  it('points older than T leave the window', () => {
    const set = buildSet(
      ['v'],
      [
        ['a', 0, [100]],
        ['a', DAY_MS / 2, [1]],
        ['a', DAY_MS + 1, [2]],
      ],
    );
    expect(nulls(rolling(set, 'left')[0]!.q1)).toEqual([null, 100, 1]);
  });

  it('results come lazily in order asset, timeframe, metric and point at the set', () => {
    const set = buildSet(
      ['x', 'y'],
      [
        ['b', hour(0), [1, 2]],
        ['a', hour(0), [1, 2]],
      ],
    );
    const gen = detectRolling(set, {
      closed: 'left',
      timeframes: [7, 3],
      deviationLimit: 1.5,
      minSamples: 1,
    });
    expect(gen.next().value).toMatchObject({
      asset: 'a',
      timeframe: 7,
      metric: 'x',
      metricIndex: 0,
      closed: 'left',
    });
    const rest = [...gen];
    expect(rest.map((r) => `${r.asset}/${r.timeframe}/${r.metric}`)).toEqual([
      'a/7/y',
      'a/3/x',
      'a/3/y',
      'b/7/x',
      'b/7/y',
      'b/3/x',
      'b/3/y',
    ]);
    expect(rest[0]!.series).toBe(set.series[0]);
  });

  it('gives every point the fences of its own window, whether windows are dense or sparse among the points (property)', () => {
    // Up to 400 points a few hours apart (duplicates and gaps longer than a window included):
    // 4-hour windows hold a few of them (a sorted array), 3-day windows many (a bitset).
    const scenario = fc.array(
      fc.tuple(
        fc.constantFrom(0, 1, 2, 3, 5, 8, 13),
        fc.oneof(fc.constantFrom(0, -0, 1, 1, Number.NaN), fc.integer({ min: -50, max: 50 })),
      ),
      { minLength: 50, maxLength: 400, size: 'max' },
    );
    fc.assert(
      fc.property(scenario, fc.constantFrom('left' as const, 'right' as const), (steps, closed) => {
        let time = hour(0);
        const points = steps.map(([gap, value]) => {
          time += gap * 3_600_000;
          return { asset: 'a', time, values: [value] };
        });
        const options = { closed, timeframes: [1 / 6, 3], deviationLimit: 1.5, minSamples: 1 };
        const set = buildSet(
          ['v'],
          points.map((p) => ['a', p.time, p.values] as const),
        );
        const oracle = oracleRolling(points, 1, options);
        [...detectRolling(set, options)].forEach((r, k) => {
          const expected = oracle[k]!.points;
          // Equal as numbers: which zero a window rank holds is no order statistic.
          expect(nulls(r.q1).map(zero)).toEqual(expected.map((p) => zero(p.fences?.q1 ?? null)));
          expect(nulls(r.upper).map(zero)).toEqual(expected.map((p) => zero(p.fences?.upper ?? null)));
          expect(Array.from(r.direction)).toEqual(
            expected.map((p) => (p.verdict ? (p.verdict.direction === 'high' ? 1 : -1) : 0)),
          );
        });
      }),
      { numRuns: 100 },
    );
  });

  it('with { reuse: true }, each result equals its own fresh copy while current, its arrays passed on to the next result of its length', () => {
    const set = buildSet(
      ['v', 'w'],
      [
        ...[5, 1, 9, 2, Number.NaN, 100, 3].map((v, i) => ['a', hour(i * 5), [v, -v]] as const),
        ...[0, -0, 7].map((v, i) => ['b', hour(i), [v, v]] as const),
      ],
    );
    const options = { closed: 'left' as const, timeframes: [1, 2], deviationLimit: 1.5, minSamples: 1 };
    const fields = ['q1', 'q3', 'iqr', 'lower', 'upper', 'direction', 'score'] as const;
    const fresh = [...detectRolling(set, options)];
    let previous: RollingResult | undefined;
    let k = 0;
    for (const r of detectRolling(set, options, { reuse: true })) {
      for (const field of fields) expect(Array.from(r[field])).toEqual(Array.from(fresh[k]![field]));
      if (previous) expect(r.q1 === previous.q1).toBe(r.q1.length === previous.q1.length);
      previous = r;
      k++;
    }
    expect(k).toBe(fresh.length);
  });

  it('detectRolling does not modify the series set', () => {
    const set = buildSet(
      ['v', 'w'],
      [5, Number.NaN, 1, 9, 2, 2, 100].map((v, i) => ['a', hour(i * 5), [v, -v]] as const),
    );
    const before = snapshot(set);
    rolling(set, 'left');
    rolling(set, 'right');
    expect(snapshot(set)).toEqual(before);
  });
});

describe('rollingFlags', () => {
  it('lists the flagged points of a result with their own fences, decoded from the per-point arrays', () => {
    const [r] = rolling(DUPLICATE_INSTANTS, 'left');
    // Hour-1 points are judged against hour 0 alone: Q1 1.25, Q3 1.75, fences [0.5, 2.5].
    expect([...rollingFlags(r!)]).toEqual([
      { index: 2, time: hour(1), value: 3, direction: 'high', score: 1, lower: 0.5, upper: 2.5 },
      { index: 3, time: hour(1), value: 10, direction: 'high', score: 15, lower: 0.5, upper: 2.5 },
      { index: 4, time: hour(1), value: 5, direction: 'high', score: 5, lower: 0.5, upper: 2.5 },
    ]);
  });

  it('keeps to positions [start, end) when given', () => {
    const [r] = rolling(DUPLICATE_INSTANTS, 'left');
    expect([...rollingFlags(r!, 3, 4)].map((f) => f.index)).toEqual([3]);
  });
});
