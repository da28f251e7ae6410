import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lambdas/cli/command.ts';
import { parseDetectorFlags } from '../../lambdas/cli/detector-flags.ts';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';

const DEFAULTS = loadServiceConfig({});

describe('parseDetectorFlags', () => {
  it('fills every absent option: window mode, closed left, no IQR floor, the rest from the configuration', () => {
    expect(parseDetectorFlags({}, DEFAULTS)).toEqual({
      mode: 'window',
      asOf: undefined,
      closed: 'left',
      timeframes: [3, 7, 30],
      deviationLimit: 1.5,
      minSamples: 1,
      minRelativeIqr: 0,
    });
    expect(parseDetectorFlags({ mode: 'rolling' }, DEFAULTS).mode).toBe('rolling');
  });

  it('takes timeframes, k and min samples from the configuration (environment with options in its place)', () => {
    const config = loadServiceConfig({ TIMEFRAMES: '7', QUANTILE_DEVIATION_LIMIT: '3', MIN_SAMPLES: '2' });
    expect(parseDetectorFlags({}, config)).toMatchObject({
      timeframes: [7],
      deviationLimit: 3,
      minSamples: 2,
    });
  });

  it.each([
    [{ closed: 'right' }, /--closed applies to --mode rolling/],
    [{ mode: 'rolling', 'as-of': '2022-05-12' }, /--as-of applies to --mode window/],
    [{ 'as-of': 'soon' }, /--as-of: not an ISO-8601 date/],
    [{ 'min-relative-iqr': '-1' }, /minRelativeIqr/],
  ])('%j is a usage error', (values, message) => {
    expect(() => parseDetectorFlags(values, DEFAULTS)).toThrow(UsageError);
    expect(() => parseDetectorFlags(values, DEFAULTS)).toThrow(message);
  });
});
