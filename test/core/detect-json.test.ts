import { describe, expect, it } from 'vitest';
import { rollingReport, rollingResultJson, windowReport } from '../../lambdas/core/detect-json.ts';
import { detectRolling } from '../../lambdas/core/rolling-detector.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { buildSet, deepFreeze, hour } from './set-fixture.ts';

const set = buildSet(
  ['v'],
  [
    ['b', hour(2), [3]],
    ['a', hour(0), [1]],
    ['a', hour(1), [Number.NaN]],
    ['a', hour(2), [1]],
    ['a', hour(3), [5]],
  ],
);

describe('windowReport', () => {
  it('windowReport prints the golden window shape, with ISO timestamps and keys in the golden order', () => {
    const options = { asOf: hour(24), timeframes: [1], deviationLimit: 1.5, minSamples: 1 };
    const results = deepFreeze(detectWindow(set, options));
    const report = windowReport(results, { ...options, metrics: ['v'] });
    expect(JSON.stringify(report)).toBe(
      JSON.stringify({
        mode: 'window',
        params: {
          asOf: '2024-01-02T00:00:00.000Z',
          timeframes: [1],
          deviationLimit: 1.5,
          minSamples: 1,
          metrics: ['v'],
        },
        results: [
          {
            asset: 'a',
            metric: 'v',
            timeframe: 1,
            n: 3,
            fences: { q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 },
            flags: [],
          },
          {
            asset: 'b',
            metric: 'v',
            timeframe: 1,
            n: 1,
            fences: { q1: 3, q3: 3, iqr: 0, lower: 3, upper: 3 },
            flags: [],
          },
        ],
      }),
    );
  });

  it('windowReport prints flags as {timestamp, value, direction, score} and null fences as null', () => {
    const options = { asOf: hour(24), timeframes: [1], deviationLimit: 0.1, minSamples: 2 };
    const report = windowReport(detectWindow(set, options), { ...options, metrics: ['v'] });
    expect(report.results[0]!.flags).toEqual([
      { timestamp: '2024-01-01T03:00:00.000Z', value: 5, direction: 'high', score: (5 - 3.2) / 2 },
    ]);
    expect(report.results[1]).toEqual({
      asset: 'b',
      metric: 'v',
      timeframe: 1,
      n: 1,
      fences: null,
      flags: [],
    });
  });
});

describe('rollingReport', () => {
  it('rollingReport prints every point in (time, input) order with NaN as null', () => {
    const options = { closed: 'left' as const, timeframes: [1], deviationLimit: 1.5, minSamples: 1 };
    const report = rollingReport(detectRolling(set, options), { ...options, metrics: ['v'] });
    expect(report.mode).toBe('rolling');
    expect(JSON.stringify(report.params)).toBe(
      JSON.stringify({ timeframes: [1], deviationLimit: 1.5, minSamples: 1, closed: 'left', metrics: ['v'] }),
    );
    expect(report.results.map((r) => [r.asset, r.metric, r.timeframe, r.closed])).toEqual([
      ['a', 'v', 1, 'left'],
      ['b', 'v', 1, 'left'],
    ]);
    const points = report.results[0]!.points;
    expect(JSON.stringify(points[0])).toBe(
      JSON.stringify({
        timestamp: '2024-01-01T00:00:00.000Z',
        value: 1,
        q1: null,
        q3: null,
        lower: null,
        upper: null,
        direction: null,
        score: null,
      }),
    );
    expect(points[1]).toEqual({
      timestamp: '2024-01-01T01:00:00.000Z',
      value: null,
      q1: 1,
      q3: 1,
      lower: 1,
      upper: 1,
      direction: null,
      score: null,
    });
    // hour 3: window [1, 1] → IQR 0, 5 is high with score null
    expect(points[3]).toMatchObject({ value: 5, q1: 1, q3: 1, direction: 'high', score: null });
  });

  it('rollingResultJson prints low flags with their score', () => {
    const s = buildSet(
      ['v'],
      [1, 2, 3, 4, -10].map((v, i) => ['a', hour(i), [v]] as const),
    );
    const [r] = detectRolling(s, { closed: 'left', timeframes: [1], deviationLimit: 1.5, minSamples: 1 });
    expect(rollingResultJson(r!).points[4]).toEqual({
      timestamp: '2024-01-01T04:00:00.000Z',
      value: -10,
      q1: 1.75,
      q3: 3.25,
      lower: -0.5,
      upper: 5.5,
      direction: 'low',
      score: 9.5 / 1.5,
    });
  });
});
