import { DAY_MS } from '../core/detector-options.ts';
import { DirectionCode, type FenceOptions, fenceSide, fencesOfRanks } from '../core/fences.ts';
import type { AssetSeries } from '../core/series.ts';
import { lowerBound } from '../core/window-detector.ts';

/** Per point of a series: the verdict of one detector run (see `DirectionCode`) and whether its window had IQR 0. */
export interface PointVerdicts {
  /** `DirectionCode` per point; 0 where not flagged or not judged. */
  readonly direction: Int8Array;
  /** 1 where the point was judged against a window whose Q3 − Q1 was 0. */
  readonly iqrZero: Uint8Array;
}

/**
 * Window mode replayed day by day, as a scheduler calling the service once a
 * day would run it: for each UTC day D with observations, asOf = D + 1 day,
 * fences from the values in `[asOf - T days, asOf)` (exactly `detectWindow`'s
 * window and quantiles), and only the points of day D — the newest — judged.
 * The judged points are inside their own window, unlike rolling mode with
 * `closed: 'left'`.
 *
 * Each window is sorted once and its fences computed for every option set,
 * so trying several `k` and IQR floors costs little more than one.
 *
 * @param series - one asset's series; not modified
 * @param metricIndex - which of its metrics
 * @param timeframe - window length in days
 * @param fenceOptions - one entry per detector configuration
 * @param minSamples - fewest finite values for fences
 * @returns one {@link PointVerdicts} per entry of `fenceOptions`
 *
 * Complexity: O(d · w log w) for d days and windows of w points.
 *
 * @example
 * const [v] = dailyWindowVerdicts(set.series[0]!, 0, 7, [{ deviationLimit: 1.5 }], 1);
 */
export function dailyWindowVerdicts(
  series: AssetSeries,
  metricIndex: number,
  timeframe: number,
  fenceOptions: readonly FenceOptions[],
  minSamples: number,
): PointVerdicts[] {
  const { times } = series;
  const values = series.values[metricIndex]!;
  const n = times.length;
  const out = fenceOptions.map(() => ({ direction: new Int8Array(n), iqrZero: new Uint8Array(n) }));
  const scratch = new Float64Array(n);
  for (let a = 0; a < n; ) {
    const asOf = (Math.floor(times[a]! / DAY_MS) + 1) * DAY_MS;
    const b = lowerBound(times, asOf);
    let w = 0;
    for (let i = lowerBound(times, asOf - timeframe * DAY_MS); i < b; i++) {
      if (Number.isFinite(values[i]!)) scratch[w++] = values[i]!;
    }
    if (w > 0 && w >= minSamples) {
      const sorted = scratch.subarray(0, w).sort();
      const zero = quartilesEqual(sorted);
      fenceOptions.forEach((options, c) => {
        const fences = fencesOfRanks(w, (r) => sorted[r]!, options);
        for (let i = a; i < b; i++) {
          const side = fenceSide(values[i]!, fences);
          if (side === DirectionCode.None) continue;
          out[c]!.direction[i] = side;
          out[c]!.iqrZero[i] = zero ? 1 : 0;
        }
      });
    }
    a = b;
  }
  return out;
}

/** Whether the unfloored IQR of sorted values is 0: the same quartiles `fencesOfRanks` computes. */
function quartilesEqual(sorted: Float64Array): boolean {
  const f = fencesOfRanks(sorted.length, (r) => sorted[r]!, { deviationLimit: 1 });
  return f.q3 - f.q1 === 0;
}
