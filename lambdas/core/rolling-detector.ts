import { Closed, DAY_MS, type RollingOptions } from './detector-options.ts';
import { Direction, fencesOfRanks, judge } from './fences.ts';
import { lerpForward } from './quantile.ts';
import { RankWindow, rankValues } from './rank-window.ts';
import type { AssetSeries, SeriesSet } from './series.ts';

/** Direction codes of {@link RollingResult.direction}. */
export const DirectionCode = { None: 0, High: 1, Low: -1 } as const;

/** One asset × metric × timeframe in rolling mode: point-in-time fences for every observation. */
export interface RollingResult {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
  readonly closed: Closed;
  /** The asset's series; point `i` is `series.times[i]`, `series.values[metricIndex][i]`. */
  readonly series: AssetSeries;
  readonly metricIndex: number;
  /** Per point; NaN where the window had too few values. */
  readonly q1: Float64Array;
  readonly q3: Float64Array;
  readonly iqr: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Per point: {@link DirectionCode}. */
  readonly direction: Int8Array;
  /** Per point; NaN where unflagged or where IQR is 0. */
  readonly score: Float64Array;
}

/**
 * Rolling mode: every observation at time `t` is judged against Tukey fences
 * (R-7 quartiles) of its own trailing window, with no look-ahead — the same
 * numbers as pandas' `s.rolling(f"{T}D", closed=closed, min_periods=m).quantile(q)`.
 *
 * - `closed: 'left'`: the window is `[t - T, t)`; the point and any other
 *   point at the same instant are excluded.
 * - `closed: 'right'`: `(t - T, t]` up to and including the point's own
 *   position, so with duplicate instants the window depends on input order,
 *   exactly as in pandas.
 *
 * NaN values are never flagged and never counted; a window with fewer than
 * `max(minSamples, 1)` finite values has no fences (NaN quartiles).
 * Interpolation follows pandas' rolling quantile (`a + (b - a) t`).
 *
 * Results are produced lazily, one series at a time, so callers can stream
 * them without holding every point in memory.
 *
 * @param set - sorted series (see `SeriesBuilder`); not modified
 * @param options - validated options (see `assertDetectorOptions`)
 * @returns results in order asset, timeframe, metric
 *
 * Complexity: O(n log n) per series of n points — one sort to rank the values,
 * then O(log n) per point for entering, leaving and each order statistic; no
 * window is ever sorted.
 *
 * @example
 * for (const r of detectRolling(set, { closed: 'left', timeframes: [7], deviationLimit: 1.5, minSamples: 1 })) {
 *   console.log(r.asset, r.metric, r.direction.filter((d) => d !== 0).length);
 * }
 */
export function* detectRolling(set: SeriesSet, options: RollingOptions): Generator<RollingResult> {
  for (const series of set.series) {
    const ranked = set.metrics.map((_, m) => rankValues(series.values[m]!));
    for (const timeframe of options.timeframes) {
      for (let m = 0; m < set.metrics.length; m++) {
        yield rollingSeries(series, m, ranked[m]!, timeframe, set.metrics[m]!, options);
      }
    }
  }
}

function rollingSeries(
  series: AssetSeries,
  metricIndex: number,
  ranked: ReturnType<typeof rankValues>,
  timeframe: number,
  metric: string,
  options: RollingOptions,
): RollingResult {
  const { times } = series;
  const values = series.values[metricIndex]!;
  const { rankOf, sorted } = ranked;
  const n = times.length;
  const out = {
    q1: new Float64Array(n).fill(Number.NaN),
    q3: new Float64Array(n).fill(Number.NaN),
    iqr: new Float64Array(n).fill(Number.NaN),
    lower: new Float64Array(n).fill(Number.NaN),
    upper: new Float64Array(n).fill(Number.NaN),
    direction: new Int8Array(n),
    score: new Float64Array(n).fill(Number.NaN),
  };
  const window = new RankWindow(sorted);
  const span = timeframe * DAY_MS;
  const minPeriods = Math.max(options.minSamples, 1);
  const leftClosed = options.closed === Closed.Left;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    // Both ends only move forward, so every point enters and leaves once.
    if (leftClosed) {
      for (; hi < n && times[hi]! < t; hi++) enter(window, rankOf[hi]!);
      for (; lo < hi && times[lo]! < t - span; lo++) leave(window, rankOf[lo]!);
    } else {
      for (; hi <= i; hi++) enter(window, rankOf[hi]!);
      for (; lo < hi && times[lo]! <= t - span; lo++) leave(window, rankOf[lo]!);
    }
    if (window.size < minPeriods) continue;
    const f = fencesOfRanks(window.size, window.at, options, lerpForward);
    out.q1[i] = f.q1;
    out.q3[i] = f.q3;
    out.iqr[i] = f.iqr;
    out.lower[i] = f.lower;
    out.upper[i] = f.upper;
    const verdict = judge(values[i]!, f);
    if (verdict) {
      out.direction[i] = verdict.direction === Direction.High ? DirectionCode.High : DirectionCode.Low;
      out.score[i] = verdict.score ?? Number.NaN;
    }
  }
  return { asset: series.asset, metric, timeframe, closed: options.closed, series, metricIndex, ...out };
}

function enter(window: RankWindow, rank: number): void {
  if (rank >= 0) window.add(rank);
}

function leave(window: RankWindow, rank: number): void {
  if (rank >= 0) window.remove(rank);
}
