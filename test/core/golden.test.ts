import { describe, expect, it } from 'vitest';
import { rollingReport, windowReport } from '../../lambdas/core/detect-json.ts';
import { detectRolling } from '../../lambdas/core/rolling-detector.ts';
import { parseIsoTimestamp } from '../../lambdas/core/timestamp.ts';
import { detectWindow } from '../../lambdas/core/window-detector.ts';
import { disagreements } from '../support/agreement.ts';
import { type GoldenCase, goldenNames, goldenSeries, readGolden } from '../support/golden.ts';

function runCore(c: GoldenCase): unknown {
  const { set, common } = goldenSeries(c);
  if (c.mode === 'window') {
    const asOf = parseIsoTimestamp(c.options.asOf!);
    return windowReport(detectWindow(set, { ...common, asOf }), { ...common, asOf });
  }
  const closed = c.options.closed ?? 'left';
  return rollingReport(detectRolling(set, { ...common, closed }), { ...common, closed });
}

describe('the detector core agrees with pandas on every golden case', () => {
  const names = goldenNames();
  it('has the golden cases to test', () => {
    expect(names.length).toBeGreaterThanOrEqual(21);
  });
  for (const name of names) {
    it(`${name}`, () => {
      const c = readGolden(name);
      expect(disagreements(runCore(c), c.expected)).toEqual([]);
    });
  }
});
