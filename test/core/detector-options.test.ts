import { describe, expect, it } from 'vitest';
import {
  assertDetectorOptions,
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
  InvalidOptionsError,
} from '../../lambdas/core/detector-options.ts';

const ok = Object.freeze({ timeframes: Object.freeze([3, 7, 30]), deviationLimit: 1.5, minSamples: 1 });

describe('assertDetectorOptions', () => {
  it('assertDetectorOptions returns valid options unchanged (same object)', () => {
    expect(assertDetectorOptions(ok)).toBe(ok);
    const wide = { ...ok, timeframes: [0.25, 365], minRelativeIqr: 0.05 };
    expect(assertDetectorOptions(wide)).toBe(wide);
  });

  const BAD: readonly (readonly [string, object, RegExp])[] = [
    ['no timeframes', { timeframes: [] }, /timeframes/],
    ['a zero timeframe', { timeframes: [0] }, /timeframes/],
    ['a timeframe over a year', { timeframes: [366] }, /timeframes/],
    ['a NaN timeframe', { timeframes: [Number.NaN] }, /timeframes/],
    ['duplicate timeframes', { timeframes: [7, 7] }, /duplicates/],
    ['deviationLimit 0', { deviationLimit: 0 }, /deviationLimit/],
    ['deviationLimit over 100', { deviationLimit: 101 }, /deviationLimit/],
    ['deviationLimit Infinity', { deviationLimit: Number.POSITIVE_INFINITY }, /deviationLimit/],
    ['minSamples 0', { minSamples: 0 }, /minSamples/],
    ['fractional minSamples', { minSamples: 1.5 }, /minSamples/],
    ['negative minRelativeIqr', { minRelativeIqr: -0.1 }, /minRelativeIqr/],
  ];
  for (const [name, change, message] of BAD) {
    it(`assertDetectorOptions rejects ${name} with InvalidOptionsError naming the parameter`, () => {
      expect(() => assertDetectorOptions({ ...ok, ...change })).toThrow(InvalidOptionsError);
      expect(() => assertDetectorOptions({ ...ok, ...change })).toThrow(message);
    });
  }

  it('the defaults are the original service’s seven metrics and 3/7/30 days', () => {
    expect(DEFAULT_METRICS).toHaveLength(7);
    expect(DEFAULT_TIMEFRAMES).toEqual([3, 7, 30]);
  });
});
