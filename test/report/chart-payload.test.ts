import { describe, expect, it } from 'vitest';
import { Direction } from '../../lambdas/core/fences.ts';
import { AxisKind, chartId, chartPayload, plotExponent } from '../../lambdas/report/chart-payload.ts';
import type { ChartModel } from '../../lambdas/report/report-model.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2022, 4, 10);

function chart(metric: string, values: readonly number[], asset = 'bitcoin'): ChartModel {
  return Object.freeze({
    asset,
    metric,
    times: Float64Array.from(values, (_, i) => T0 + i * DAY),
    values: Float64Array.from(values),
    bands: [
      {
        timeframe: 7,
        lower: Float64Array.from(values, (_, i) => (i === 1 ? Number.NaN : 1)),
        upper: Float64Array.from(values, (_, i) =>
          i === 1 ? Number.NaN : i === 2 ? Number.POSITIVE_INFINITY : 2,
        ),
      },
    ],
    flags: [
      {
        timeframe: 7,
        time: T0,
        value: values[0]!,
        direction: Direction.High,
        score: 1.5,
        lower: 1,
        upper: 2,
        iqrZero: false,
      },
    ],
  });
}

const PERIOD = Object.freeze({ from: T0, to: T0 + 10 * DAY });

describe('plotExponent', () => {
  it.each([
    [[], 0],
    [[0, 0], 0],
    [[1, 2, 3], 0],
    [[1e-6, 0], 0],
    [[9.99e11, -5], 0],
    [[1e12], 12],
    [[1, -3e307], 307],
    [[Number.MAX_VALUE], 308],
    [[5e-7, 1e-9], -7],
    [[Number.MIN_VALUE], -324],
  ] as const)('plotExponent(%j) is %i', (values, exponent) => {
    expect(plotExponent(values)).toBe(exponent);
  });
});

describe('chartPayload', () => {
  it.each([
    ['latest_price', [80, 0.0001], AxisKind.Log, 'latest_price (USD, log scale)'],
    ['latest_price', [80, 1], AxisKind.Linear, 'latest_price (USD)'],
    ['volume', [1e9, 1e12], AxisKind.Log, 'volume (USD, log scale)'],
    ['volatility_index', [1, 1000], AxisKind.Linear, 'volatility_index (%)'],
    ['market_cap_score', [0.5, 99], AxisKind.Score, 'market_cap_score (score 0–100)'],
    ['custom', [1, 1e9], AxisKind.Linear, 'custom'],
  ] as const)('%s over %j gets a %s axis titled %j', (metric, values, axis, title) => {
    expect(chartPayload(chart(metric, values), PERIOD)).toMatchObject({ axis, title });
  });

  it('writes missing values and fences as null, fences per point and flags without their fences', () => {
    const p = chartPayload(chart('volume', [5, Number.NaN, 7]), PERIOD);
    expect(p).toMatchObject({
      id: 'chart-bitcoin-volume',
      unit: 'USD',
      exponent: 0,
      times: [T0, T0 + DAY, T0 + 2 * DAY],
      values: [5, null, 7],
      bands: [{ timeframe: 7, lower: [1, null, 1], upper: [2, null, null] }],
      flags: [{ timeframe: 7, time: T0, value: 5, direction: 'high', score: 1.5 }],
    });
    expect(Object.keys(p.flags[0]!)).toEqual(['timeframe', 'time', 'value', 'direction', 'score']);
  });

  it('selects the events of the asset in the period', () => {
    expect(chartPayload(chart('volume', [1], 'terra-luna'), PERIOD).events.map((e) => e.id)).toEqual([
      'terra-luna',
    ]);
    expect(chartPayload(chart('volume', [1], 'bitcoin'), PERIOD).events).toEqual([]);
  });
});

describe('chartId', () => {
  it.each([
    ['terra-luna', 'volume', 'chart-terra-luna-volume'],
    ['usd.coin:x', 'a b', 'chart-usd_coin_x-a_b'],
    ['"><x', 'm', 'chart-___x-m'],
  ])('chartId(%s, %s) is %s', (asset, metric, id) => {
    expect(chartId({ asset, metric })).toBe(id);
  });
});
