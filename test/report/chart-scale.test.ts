import { describe, expect, it } from 'vitest';
import { spansDecades } from '../../lambdas/report/chart-scale.ts';
import { axisTitle, formatValue } from '../../lambdas/report/metric-units.ts';

describe('chart scales', () => {
  it.each([
    [[80, 0.0001], true],
    [[1, 100], false],
    [[1, 101], true],
    [[0, -5, 3], false],
  ] as const)('spansDecades(%j) is %s', (values, expected) => {
    expect(spansDecades(values)).toBe(expected);
  });

  it.each([
    [1_250_000_000, 'USD', '$1.25B'],
    [0.0001, 'USD', '$0.0001'],
    [80, 'score', '80'],
    [139.56, '%', '139.6%'],
    [Number.NaN, 'USD', '–'],
  ] as const)('formatValue(%s, %s) is %s', (v, unit, text) => {
    expect(formatValue(v, unit)).toBe(text);
  });

  it('axisTitle names unit and log scale', () => {
    expect(axisTitle('volume', true)).toBe('volume (USD, log scale)');
    expect(axisTitle('volatility_index', false)).toBe('volatility_index (%)');
    expect(axisTitle('custom', false)).toBe('custom');
  });
});
