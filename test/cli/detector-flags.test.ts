import { describe, expect, it } from 'vitest';
import { UsageError } from '../../lambdas/cli/command.ts';
import { parseDetectorFlags } from '../../lambdas/cli/detector-flags.ts';

const WINDOW = Object.freeze({ mode: 'window', deviationLimit: () => 1.5 } as const);

describe('parseDetectorFlags', () => {
  it('fills every absent flag from the defaults: the command’s mode, 3,7,30 days, min samples 1, no IQR floor', () => {
    expect(parseDetectorFlags({}, WINDOW)).toEqual({
      mode: 'window',
      asOf: undefined,
      closed: 'left',
      timeframes: [3, 7, 30],
      deviationLimit: 1.5,
      minSamples: 1,
      minRelativeIqr: 0,
    });
    expect(parseDetectorFlags({}, { ...WINDOW, mode: 'rolling' }).mode).toBe('rolling');
  });

  it('asks for the default deviation limit only when --deviation-limit is absent', () => {
    const unreadable = () => {
      throw new Error('QUANTILE_DEVIATION_LIMIT must not be read when the flag is given');
    };
    expect(
      parseDetectorFlags({ 'deviation-limit': '3' }, { mode: 'window', deviationLimit: unreadable })
        .deviationLimit,
    ).toBe(3);
  });

  it.each([
    [{ mode: 'sideways' }, /--mode: 'sideways' is not one of window, rolling/],
    [{ closed: 'right' }, /--closed applies to --mode rolling/],
    [{ mode: 'rolling', 'as-of': '2022-05-12' }, /--as-of applies to --mode window/],
    [{ 'as-of': 'soon' }, /--as-of: not an ISO-8601 date/],
    [{ timeframes: '7,x' }, /--timeframes: 'x' is not a number/],
    [{ 'min-samples': '0' }, /minSamples: 0/],
    [{ 'deviation-limit': '101' }, /deviationLimit: 101/],
  ])('%j is a usage error', (values, message) => {
    expect(() => parseDetectorFlags(values, WINDOW)).toThrow(UsageError);
    expect(() => parseDetectorFlags(values, WINDOW)).toThrow(message);
  });
});
