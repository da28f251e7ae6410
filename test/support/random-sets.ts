import fc from 'fast-check';
import type { SeriesSet } from '../../lambdas/core/series.ts';
import { buildSet, hour, type Row } from '../core/set-fixture.ts';

/**
 * Sets of one to three assets with metrics `v` and `w`, each of up to 300 points an hour or a few
 * apart (duplicate instants and gaps longer than a window included), with the values a detector
 * must get right: zeros of both signs, NaN, infinities, extremes, integers with ties and doubles.
 */
export function randomSets(): fc.Arbitrary<SeriesSet> {
  const value = fc.oneof(
    {
      weight: 1,
      arbitrary: fc.constantFrom(0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY, -1e308, 1e308, 5e-324),
    },
    { weight: 4, arbitrary: fc.integer({ min: -50, max: 50 }) },
    { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  );
  const series = fc.array(fc.tuple(fc.constantFrom(0, 0, 1, 1, 1, 2, 5, 30, 200), value, value), {
    minLength: 0,
    maxLength: 300,
    size: 'max',
  });
  return fc.array(series, { minLength: 1, maxLength: 3 }).map((assets) => {
    const rows: Row[] = [];
    assets.forEach((steps, a) => {
      let time = hour(0);
      for (const [gap, v, w] of steps) {
        time += gap * 3_600_000;
        rows.push([`asset-${a}`, time, [v, w]]);
      }
    });
    return buildSet(['v', 'w'], rows);
  });
}
