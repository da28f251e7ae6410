import { describe, expect, it } from 'vitest';
import { formatValue, MetricUnit, metricUnit, VALUE_FORMAT } from '../../lambdas/report/metric-units.ts';

describe('formatValue', () => {
  it.each([
    [0, MetricUnit.Usd, '$0'],
    [-0.5, MetricUnit.Usd, '-$0.5'],
    [12.345, MetricUnit.None, '12.35'],
    [999.96, MetricUnit.Usd, '$1,000'],
    [1250, MetricUnit.None, '1.25K'],
    [-1.06e9, MetricUnit.Usd, '-$1.06B'],
    [3e12, MetricUnit.Usd, '$3T'],
    [1e15, MetricUnit.None, '1E15'],
    [1e308, MetricUnit.Usd, '$1E308'],
    [-Number.MAX_VALUE, MetricUnit.None, '-1.8E308'],
    [0.0000123, MetricUnit.Usd, '$0.0000123'],
    [1e-7, MetricUnit.Usd, '$1E-7'],
    [Number.MIN_VALUE, MetricUnit.None, '5E-324'],
    [45.25, MetricUnit.Percent, '45.25%'],
    [Number.POSITIVE_INFINITY, MetricUnit.Usd, '–'],
    [Number.NEGATIVE_INFINITY, MetricUnit.None, '–'],
  ] as const)('formatValue(%s, %j) is %s', (v, unit, text) => {
    expect(formatValue(v, unit)).toBe(text);
  });

  it('keeps every label short, whatever the magnitude', () => {
    for (let e = -324; e <= 308; e++) {
      for (const unit of Object.values(MetricUnit)) {
        expect(formatValue(Number(`-4.9e${e}`), unit).length).toBeLessThanOrEqual(11);
      }
    }
  });

  it('has magnitude rules in descending order ending at 0, so every finite value has one', () => {
    const froms = VALUE_FORMAT.rules.map((r) => r.from);
    expect(froms).toEqual([...froms].sort((a, b) => b - a));
    expect(froms.at(-1)).toBe(0);
  });
});

describe('metricUnit', () => {
  it.each([
    ['latest_price', 'USD'],
    ['market_cap_score', 'score'],
    ['volatility_index', '%'],
    ['anything_else', ''],
  ])('metricUnit(%s) is %j', (metric, unit) => {
    expect(metricUnit(metric)).toBe(unit);
  });
});
