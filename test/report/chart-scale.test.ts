import fc from 'fast-check';
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

  it.each([
    ['alternating ±1e308', [-1e308, 1e308], [-1e308, -5e307, 0, 5e307, 1e308]],
    ['[1e308, 1.7e308]', [1e308, 1.7e308], [1e308, 1.2e308, 1.4e308, 1.6e308]],
    [
      'the whole double range',
      [-Number.MAX_VALUE, Number.MAX_VALUE],
      [-Number.MAX_VALUE, -8e307, 2e307, 1.2e308],
    ],
    [
      '±Infinity, reversed',
      [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [-Number.MAX_VALUE, -8e307, 2e307, 1.2e308],
    ],
    ['a NaN end', [Number.NaN, 5], [4.94, 4.96, 4.98, 5, 5.02, 5.04, 5.06]],
    ['a subnormal constant', [5e-324, 5e-324], [-1, -0.5, 0, 0.5, 1]],
    [
      'a large offset with unit steps',
      [1e15, 1e15 + 5],
      [1e15, 1e15 + 1, 1e15 + 2, 1e15 + 3, 1e15 + 4, 1e15 + 5],
    ],
  ] as const)('linearScale on %s keeps a finite axis with ticks %j', (_, domain, ticks) => {
    const s = linearScale(domain, [200, 0]);
    expect(s.ticks).toEqual(ticks);
    expect(s.domain.every(Number.isFinite)).toBe(true);
  });

  it('linearScale gives a finite domain, finite positions and at most 4·count+2 ascending ticks inside it, for any finite extent', () => {
    const value = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(value, value, fc.integer({ min: 2, max: 12 }), (a, b, count) => {
        const s = linearScale([Math.min(a, b), Math.max(a, b)], [300, 0], count);
        const [lo, hi] = s.domain;
        expect(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi).toBe(true);
        expect(s.ticks.length).toBeLessThanOrEqual(4 * count + 2);
        expect(s.ticks.length).toBeGreaterThanOrEqual(2);
        for (let i = 0; i < s.ticks.length; i++) {
          expect(s.ticks[i]! >= lo && s.ticks[i]! <= hi).toBe(true);
          if (i > 0) expect(s.ticks[i]!).toBeGreaterThan(s.ticks[i - 1]!);
        }
        for (const v of [a, b]) expect(Number.isFinite(s.at(v))).toBe(true);
      }),
      { numRuns: 2000 },
    );
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
    ['from a subnormal to near the largest double', [1e-320, 1.7e308], [1e-321, 1e308]],
    ['from 0', [0, 10], [1e-323, 10]],
    ['to Infinity', [1, Number.POSITIVE_INFINITY], [1, 1e308]],
  ] as const)(
    'logScale %s stays on the decades a double holds, %j, with at most 9 ticks',
    (_, domain, extent) => {
      const s = logScale(domain, [200, 0]);
      expect(s.domain).toEqual(extent);
      expect(s.ticks.length).toBeLessThanOrEqual(9);
      expect(s.ticks.every((t) => t > 0 && Number.isFinite(t))).toBe(true);
    },
  );

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

  it('timeTicks clips to the dates a Date holds and labels six-digit years whole', () => {
    expect(timeTicks(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY).map((t) => t.label)).toEqual([
      '-200000',
      '-100000',
      '0000',
      '+100000',
      '+200000',
    ]);
    expect(timeTicks(0, 1e17).length).toBeLessThanOrEqual(9);
  });

  it.each([
    ['from after to', 10, 5],
    ['a NaN end', Number.NaN, 5],
    ['both past the last date', 9e15, 1e16],
  ] as const)('timeTicks gives no ticks for %s', (_, from, to) => {
    expect(timeTicks(from, to)).toEqual([]);
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
