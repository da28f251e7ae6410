import { DAY_MS, type WindowOptions } from './detector-options.ts';
import {
  type Direction,
  DirectionCode,
  directionOf,
  type Fences,
  fenceScore,
  fenceSide,
  fencesOfRanks,
} from './fences.ts';
import { RankSelector } from './order-statistics.ts';
import type { AssetSeries, SeriesSet } from './series.ts';

/** A value outside its window's fences. */
export interface WindowFlag {
  /** Position in the asset's series (see {@link AssetSeries.refs} for the source). */
  readonly index: number;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly value: number;
  readonly direction: Direction;
  /** Distance beyond the fence in IQR units; `null` when IQR is 0. */
  readonly score: number | null;
}

/** One asset × metric × timeframe in window mode. */
export interface WindowResult {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
  /** Finite values in the window. */
  readonly n: number;
  /** `null` when `n` is 0 or below `minSamples` ("insufficient data"). */
  readonly fences: Fences | null;
  /** The window is positions `[start, end)` of the asset's series. */
  readonly start: number;
  readonly end: number;
  /** Flagged values in time order. */
  readonly flags: readonly WindowFlag[];
}

/**
 * Window mode: for each asset, timeframe `T` and metric, Tukey fences (R-7
 * quartiles) over the values in `[asOf - T days, asOf)`, and every value of
 * that window judged against them (strict comparison).
 *
 * NaN values are skipped (never flagged, not counted in `n`). A window with no
 * finite value, or fewer than `minSamples`, gets `fences: null` and no flags.
 * Results come in the pandas reference's order: asset, timeframe, metric.
 *
 * @param set - sorted series (see `SeriesBuilder`); not modified
 * @param options - validated options (see `assertDetectorOptions`)
 * @returns one result per asset × timeframe × metric
 *
 * Complexity: O(w) expected per window of w values (quickselect of the four
 * quartile ranks on a copy; no sort), plus O(log n) to find each window in its series.
 *
 * @example
 * detectWindow(set, { asOf: Date.UTC(2022, 4, 14), timeframes: [7], deviationLimit: 1.5, minSamples: 1 });
 */
export function detectWindow(
  set: Pick<SeriesSet, 'metrics' | 'series'>,
  options: WindowOptions,
): WindowResult[] {
  const results: WindowResult[] = [];
  const { metrics } = set;
  let longest = 0;
  for (const s of set.series) longest = Math.max(longest, s.times.length);
  const { scratch, selector } = selection(longest);
  for (const series of set.series) {
    for (const timeframe of options.timeframes) {
      const start = lowerBound(series.times, options.asOf - timeframe * DAY_MS);
      const end = lowerBound(series.times, options.asOf);
      for (let m = 0; m < metrics.length; m++) {
        const values = series.values[m]!;
        let n = 0;
        for (let i = start; i < end; i++) {
          const v = values[i]!;
          if (Number.isFinite(v)) scratch[n++] = v;
        }
        let fences: Fences | null = null;
        let flags: readonly WindowFlag[] = NO_FLAGS;
        if (n > 0 && n >= options.minSamples) {
          selector.reset(n);
          fences = fencesOfRanks(n, selector.at, options);
          flags = windowFlags(series, values, start, end, fences);
        }
        results.push({ asset: series.asset, metric: metrics[m]!, timeframe, start, end, n, fences, flags });
      }
    }
  }
  return results;
}

/**
 * One scratch buffer and selector for every window, reused by every call on this thread and grown
 * to the longest series seen. Quickselect reorders a copy of the window's values, and allocating
 * that copy per window cost more than selecting; a selector per call would hand the optimised code
 * a new `at` function to call each time, and it deoptimises on a call target it has not seen.
 */
function selection(longest: number): { readonly scratch: Float64Array; readonly selector: RankSelector } {
  if (shared.scratch.length < longest) {
    const scratch = new Float64Array(Math.max(longest, 2 * shared.scratch.length));
    shared = { scratch, selector: new RankSelector(scratch) };
  }
  return shared;
}

let shared = { scratch: new Float64Array(0), selector: new RankSelector(new Float64Array(0)) };

// Most windows flag nothing: they share one empty list.
const NO_FLAGS: readonly WindowFlag[] = Object.freeze([]);

/** The values of `values[start..end)` outside `fences`, in time order. */
function windowFlags(
  series: AssetSeries,
  values: Float64Array,
  start: number,
  end: number,
  fences: Fences,
): readonly WindowFlag[] {
  let flags: WindowFlag[] | undefined;
  const { lower, upper } = fences;
  for (let i = start; i < end; i++) {
    const x = values[i]!;
    // Most values are inside the fences (NaN too): two comparisons rule them out before the
    // full judgement, which also rules out infinite values and fences.
    if (!(x > upper || x < lower)) continue;
    const side = fenceSide(x, fences);
    if (side === DirectionCode.None) continue;
    const score = fenceScore(x, side, fences);
    flags ??= [];
    flags.push({
      index: i,
      time: series.times[i]!,
      value: x,
      direction: directionOf(side)!,
      score: Number.isNaN(score) ? null : score,
    });
  }
  return flags ?? NO_FLAGS;
}

/**
 * First position whose time is `>= t` in a non-decreasing array (binary search).
 *
 * @param times - non-decreasing epoch milliseconds
 * @param t - the bound
 * @returns a position in `[0, times.length]`
 *
 * Complexity: O(log n).
 *
 * @example
 * lowerBound(Float64Array.of(1, 2, 2, 3), 2); // 1
 */
export function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
