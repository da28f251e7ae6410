import { describe, expect, it } from 'vitest';
import { close, disagreements } from '../support/agreement.ts';
import { deepFreeze } from './set-fixture.ts';

const fences = { q1: 1.75, q3: 3.25, iqr: 1.5, lower: -0.5, upper: 5.5 };
const WINDOW = deepFreeze({
  mode: 'window',
  results: [
    {
      asset: 'bitcoin',
      metric: 'volume',
      timeframe: 7,
      n: 5,
      fences,
      flags: [{ timestamp: '2024-01-05T00:00:00.000Z', value: 100, direction: 'high', score: 63 }],
    },
    { asset: 'tether', metric: 'volume', timeframe: 7, n: 0, fences: null, flags: [] },
  ],
});

const point = {
  timestamp: '2024-01-01T00:00:00.000Z',
  value: 1,
  q1: 1,
  q3: 2,
  lower: -0.5,
  upper: 3.5,
  direction: null,
  score: null,
};
const ROLLING = deepFreeze({
  mode: 'rolling',
  results: [
    {
      asset: 'bitcoin',
      metric: 'volume',
      timeframe: 3,
      closed: 'left',
      points: [
        point,
        { ...point, timestamp: '2024-01-02T00:00:00.000Z', value: 9, direction: 'high', score: 3.7 },
      ],
    },
  ],
});

/** A deep copy of `report` with `change` applied to it. */
function changed<T>(report: T, change: (copy: T) => void): T {
  const copy = structuredClone(report) as T;
  change(copy);
  return copy;
}

type WindowCopy = { results: { n: number; fences: typeof fences | null; flags: { direction: string }[] }[] };
type RollingCopy = { results: { points: Record<string, unknown>[] }[] };

describe('disagreements (the golden agreement rule must be able to fail)', () => {
  it('disagreements of a report with itself (or a reordered copy) is empty', () => {
    expect(disagreements(WINDOW, WINDOW)).toEqual([]);
    expect(disagreements(ROLLING, structuredClone(ROLLING))).toEqual([]);
    const reordered = { ...WINDOW, results: [...WINDOW.results].reverse() };
    expect(disagreements(reordered, WINDOW)).toEqual([]);
  });

  it('disagreements reports a changed flag direction, a missing flag and an extra flag', () => {
    const flipped = changed(WINDOW as WindowCopy, (c) => {
      c.results[0]!.flags[0]!.direction = 'low';
    });
    expect(disagreements(flipped, WINDOW)).toEqual([
      'bitcoin|volume|7: missing flag 2024-01-05T00:00:00.000Z|100|high',
      'bitcoin|volume|7: unexpected flag 2024-01-05T00:00:00.000Z|100|low',
    ]);
    const none = changed(WINDOW as WindowCopy, (c) => {
      c.results[0]!.flags = [];
    });
    expect(disagreements(none, WINDOW)).toEqual([
      'bitcoin|volume|7: missing flag 2024-01-05T00:00:00.000Z|100|high',
    ]);
    expect(disagreements(WINDOW, none)).toEqual([
      'bitcoin|volume|7: unexpected flag 2024-01-05T00:00:00.000Z|100|high',
    ]);
  });

  it('disagreements reports a fence beyond 1e-9 relative error and accepts one within it', () => {
    const far = changed(WINDOW as WindowCopy, (c) => {
      c.results[0]!.fences!.upper = 5.5 * (1 + 1e-8);
    });
    expect(disagreements(far, WINDOW)).toEqual([`bitcoin|volume|7: upper ${5.5 * (1 + 1e-8)} != 5.5`]);
    const near = changed(WINDOW as WindowCopy, (c) => {
      c.results[0]!.fences!.upper = 5.5 * (1 + 1e-10);
    });
    expect(disagreements(near, WINDOW)).toEqual([]);
  });

  it('disagreements reports fences present on one side only, and a different n', () => {
    const nulled = changed(WINDOW as WindowCopy, (c) => {
      c.results[0]!.fences = null;
    });
    expect(disagreements(nulled, WINDOW)).toHaveLength(1);
    const n = changed(WINDOW as WindowCopy, (c) => {
      c.results[1]!.n = 1;
    });
    expect(disagreements(n, WINDOW)).toEqual(['tether|volume|7: n 1 != 0']);
  });

  it('disagreements reports a missing result and an unexpected one', () => {
    const missing = { ...WINDOW, results: WINDOW.results.slice(0, 1) };
    expect(disagreements(missing, WINDOW)).toEqual(['missing result tether|volume|7']);
    expect(disagreements(WINDOW, missing)).toEqual(['unexpected result tether|volume|7']);
  });

  it('disagreements reports a different mode', () => {
    expect(disagreements(ROLLING, WINDOW)).toEqual(['mode rolling != window']);
  });

  it('disagreements reports, in rolling mode, a changed point direction, a changed fence and a lost point', () => {
    const flipped = changed(ROLLING as unknown as RollingCopy, (c) => {
      c.results[0]!.points[1]!.direction = null;
      c.results[0]!.points[1]!.score = null;
    });
    expect(disagreements(flipped, ROLLING)).toEqual([
      'bitcoin|volume|3[1] 2024-01-02T00:00:00.000Z: direction null != high',
      'bitcoin|volume|3[1] 2024-01-02T00:00:00.000Z: score null != 3.7',
    ]);
    const moved = changed(ROLLING as unknown as RollingCopy, (c) => {
      c.results[0]!.points[0]!.q3 = 2.001;
    });
    expect(disagreements(moved, ROLLING)).toEqual([
      'bitcoin|volume|3[0] 2024-01-01T00:00:00.000Z: q3 2.001 != 2',
    ]);
    const lost = changed(ROLLING as unknown as RollingCopy, (c) => {
      c.results[0]!.points.pop();
    });
    expect(disagreements(lost, ROLLING)).toEqual(['bitcoin|volume|3: 1 points != 2']);
  });

  it('disagreements reports rolling points in a different order', () => {
    const swapped = changed(ROLLING as unknown as RollingCopy, (c) => {
      c.results[0]!.points.reverse();
    });
    expect(disagreements(swapped, ROLLING).length).toBeGreaterThan(0);
  });
});

describe('close', () => {
  it('close(a, b) allows 1e-9 relative error, 1e-12 absolute near zero, and null only equals null', () => {
    expect(close(1e6, 1e6 + 1e-4)).toBe(true);
    expect(close(1e6, 1e6 + 1e-2)).toBe(false);
    expect(close(0, 5e-13)).toBe(true);
    expect(close(0, 1e-11)).toBe(false);
    expect(close(null, null)).toBe(true);
    expect(close(null, 0)).toBe(false);
    expect(close(0, undefined)).toBe(false);
    expect(close(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(true);
  });
});
