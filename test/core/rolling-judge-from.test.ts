import { describe, expect, it } from 'vitest';
import { detectRolling } from '../../lambdas/core/rolling-detector.ts';
import { buildSet, hour, snapshot } from './set-fixture.ts';

describe('detectRolling with judgeFrom', () => {
  const set = buildSet(
    ['x'],
    [3, 1, 4, 1, 5, 9, 2, 6, 50, 3, 5, 8].map((v, i) => ['a', hour(i), [v]] as const),
  );
  const options = { closed: 'left' as const, timeframes: [1], deviationLimit: 1.5, minSamples: 1 };

  it('points before judgeFrom fill later windows but get no fences; later points are exactly as judged in full', () => {
    const before = snapshot(set);
    const [full] = [...detectRolling(set, options)];
    const [part] = [...detectRolling(set, { ...options, judgeFrom: hour(8) })];
    for (let i = 0; i < 8; i++) {
      expect([part!.q1[i], part!.direction[i]]).toEqual([Number.NaN, 0]);
    }
    for (const field of ['q1', 'q3', 'lower', 'upper', 'score'] as const) {
      expect([...part![field].subarray(8)]).toEqual([...full![field].subarray(8)]);
    }
    expect([...part!.direction.subarray(8)]).toEqual([...full!.direction.subarray(8)]);
    expect(part!.direction[8]).toBe(1); // 50 is high against the hours before it
    expect(snapshot(set)).toEqual(before);
  });
});
