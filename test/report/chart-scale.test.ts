import { describe, expect, it } from 'vitest';
import { linearScale, logScale, spansDecades, timeTicks } from '../../lambdas/report/chart-scale.ts';
import { axisTitle, formatValue } from '../../lambdas/report/metric-units.ts';

describe('chart scales', () => {
  it.each([
    [
      [0, 100],
      [0, 20, 40, 60, 80, 100],
    ],
    [
      [0.3, 0.92],
      [0.2, 0.4, 0.6, 0.8, 1],
    ],
    [
      [5, 5],
      [4.94, 4.96, 4.98, 5, 5.02, 5.04, 5.06],
    ],
  ] as const)('linearScale(%j) has nice ticks %j', (domain, ticks) => {
    expect(linearScale(domain, [100, 0]).ticks).toEqual(ticks);
  });

  it('linearScale maps the domain onto the range and clamps outside values', () => {
    const s = linearScale([0, 100], [200, 0]);
    expect([s.at(0), s.at(50), s.at(100), s.at(-50), s.at(1e9)]).toEqual([200, 100, 0, 200, 0]);
  });

  it('logScale ticks each decade and puts non-positive values at the bottom', () => {
    const s = logScale([0.0001, 80], [200, 0]);
    expect(s.ticks).toEqual([0.0001, 0.001, 0.01, 0.1, 1, 10, 100]);
    expect(s.at(0)).toBe(200);
    expect(s.at(-1)).toBe(200);
    expect(s.at(100)).toBe(0);
  });

  it.each([
    [[80, 0.0001], true],
    [[1, 100], false],
    [[1, 101], true],
    [[0, -5, 3], false],
  ] as const)('spansDecades(%j) is %s', (values, expected) => {
    expect(spansDecades(values)).toBe(expected);
  });

  it('timeTicks steps by two weeks on a quarter-long axis and by month starts on a year', () => {
    expect(timeTicks(Date.UTC(2022, 3, 1), Date.UTC(2022, 5, 30)).map((t) => t.label)).toEqual([
      '2022-04-01',
      '2022-04-15',
      '2022-04-29',
      '2022-05-13',
      '2022-05-27',
      '2022-06-10',
      '2022-06-24',
    ]);
    expect(timeTicks(Date.UTC(2022, 0, 10), Date.UTC(2022, 11, 31)).map((t) => t.label)).toEqual([
      '2022-04',
      '2022-07',
      '2022-10',
    ]);
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
