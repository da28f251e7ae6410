import { Closed, DAY_MS, type RollingOptions } from './detector-options.ts';
import {
  DirectionCode,
  directionOf,
  fenceScore,
  fenceSide,
  type MutableFences,
  tukeyFences,
} from './fences.ts';
import { lerpForward, lowerRank, quantileOfNeighbours, quantileOfRanks } from './quantile.ts';
import { BitsetWindow, RankWindow, rankValues, type ValueRanks } from './rank-window.ts';
import type { AssetSeries, SeriesSet } from './series.ts';
import { largestWindow, SORTED_WINDOW_LIMIT, SortedWindow } from './sorted-window.ts';
import type { WindowFlag } from './window-detector.ts';

/** Direction codes of {@link RollingResult.direction} (defined with the fences; re-exported for callers of this module). */
export { DirectionCode };

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
 * Interpolation follows pandas' rolling quantile (`a + (b - a) t`). Points
 * before `options.judgeFrom` only fill later windows: no fences, no verdict
 * (the judged points' numbers are unchanged).
 *
 * Results are produced lazily, one series at a time, so callers can stream
 * them without holding every point in memory.
 *
 * @param set - sorted series (see `SeriesBuilder`); not modified
 * @param options - validated options (see `assertDetectorOptions`)
 * @param stream - `{ reuse: true }`: a result's per-point arrays are overwritten by the next
 *   result of the same length. For callers done with each result before asking for the next,
 *   which then allocate (and collect) arrays once per series length rather than once per result.
 *   `{ engine }`: a {@link RollingEngine} computes each series' arrays (with `reuse`, its own
 *   views, valid until the next result; without, copies), this module's loop only the series it
 *   declines.
 * @returns results in order asset, timeframe, metric
 *
 * Complexity: per series of n points and a timeframe whose windows hold at
 * most w values (w up to `SORTED_WINDOW_LIMIT`): when the windows are dense
 * among the series' values (w ≥ n / 32, the usual case), O(n) — the values are
 * ranked once by a radix sort, then each point moves a bitset's fingers a step
 * or two (`BitsetWindow`); otherwise O(n (log w + w)) with windows kept as
 * sorted arrays (`SortedWindow`). Larger windows: O(n log n) — O(log n) per
 * point for entering, leaving and each order statistic (`RankWindow`). No
 * window is ever sorted.
 *
 * @example
 * for (const r of detectRolling(set, { closed: 'left', timeframes: [7], deviationLimit: 1.5, minSamples: 1 })) {
 *   console.log(r.asset, r.metric, r.direction.filter((d) => d !== 0).length);
 * }
 */
export function* detectRolling(
  set: Pick<SeriesSet, 'metrics' | 'series'>,
  options: RollingOptions,
  stream: { readonly reuse?: boolean; readonly engine?: RollingEngine } = {},
): Generator<RollingResult> {
  let arrays: RollingPoints | undefined;
  const { engine } = stream;
  for (const series of set.series) {
    if (engine !== undefined) {
      const results = engineResults(engine, series, set.metrics, options, stream.reuse === true);
      if (results !== null) {
        yield* results;
        continue;
      }
    }
    // Ranks are only needed by windows not kept as sorted arrays; a metric is ranked once for all of them.
    const ranked: (ValueRanks | undefined)[] = [];
    for (const timeframe of options.timeframes) {
      // Computed here, where every timeframe is met from the first series on: 30 days of milliseconds
      // leave the small-integer range, and met first inside rollingSeries' optimised code it deoptimised.
      const span = timeframe * DAY_MS;
      const capacity = largestWindow(series.times, span);
      const dense = capacity * DENSE_WINDOW >= series.times.length;
      for (let m = 0; m < set.metrics.length; m++) {
        const values = series.values[m]!;
        let window: SlidingWindow;
        if (capacity <= SORTED_WINDOW_LIMIT && !dense) window = new SortedWindow(values, capacity);
        else {
          const ranks = ranked[m] ?? rankValues(values);
          ranked[m] = ranks;
          const rankSet =
            capacity <= SORTED_WINDOW_LIMIT ? new BitsetWindow(ranks.sorted) : new RankWindow(ranks.sorted);
          window = new RankedWindow(ranks.rankOf, rankSet);
        }
        const n = series.times.length;
        if (!stream.reuse || arrays?.q1.length !== n) arrays = pointArrays(n);
        else clearPointArrays(arrays);
        yield rollingSeries(series, m, window, timeframe, span, set.metrics[m]!, options, arrays);
      }
    }
  }
}

/**
 * What computes a series' per-point arrays instead of this module's own loop: the WebAssembly
 * kernel (`lambdas/wasm/rolling-kernel.ts`), injected by callers that have it, so that this module
 * stays free of I/O. Its numbers must be this module's bit for bit.
 */
export interface RollingEngine {
  /**
   * The fences of `series`' metric `metricIndex` over windows of `span` milliseconds, as
   * {@link detectRolling} computes them; views valid until the next call. Null when the engine
   * declines the series (then none of its metrics or timeframes is asked for again).
   */
  judge(
    series: AssetSeries,
    metricIndex: number,
    span: number,
    options: RollingOptions,
  ): RollingPoints | null;
}

/** The per-point arrays of a {@link RollingResult}. */
export type RollingPoints = Pick<
  RollingResult,
  'q1' | 'q3' | 'iqr' | 'lower' | 'upper' | 'direction' | 'score'
>;

/**
 * One series' results from an engine, in {@link detectRolling}'s order; null when it declines the
 * series. Without `reuse`, each result gets copies of the engine's arrays.
 */
function engineResults(
  engine: RollingEngine,
  series: AssetSeries,
  metrics: readonly string[],
  options: RollingOptions,
  reuse: boolean,
): Iterable<RollingResult> | null {
  // The first result decides whether the engine takes the series.
  const first = engine.judge(series, 0, options.timeframes[0]! * DAY_MS, options);
  if (first === null) return null;
  const result = (points: RollingPoints, timeframe: number, metricIndex: number): RollingResult => ({
    asset: series.asset,
    metric: metrics[metricIndex]!,
    timeframe,
    closed: options.closed,
    series,
    metricIndex,
    ...(reuse ? points : copyPoints(points)),
  });
  return (function* () {
    yield result(first, options.timeframes[0]!, 0);
    for (let k = 0; k < options.timeframes.length; k++) {
      const timeframe = options.timeframes[k]!;
      for (let m = k === 0 ? 1 : 0; m < metrics.length; m++) {
        yield result(engine.judge(series, m, timeframe * DAY_MS, options)!, timeframe, m);
      }
    }
  })();
}

function copyPoints(points: RollingPoints): RollingPoints {
  return {
    q1: points.q1.slice(),
    q3: points.q3.slice(),
    iqr: points.iqr.slice(),
    lower: points.lower.slice(),
    upper: points.upper.slice(),
    direction: points.direction.slice(),
    score: points.score.slice(),
  };
}

/**
 * A window is dense, and kept as a {@link BitsetWindow}, when its largest
 * holds at least one in this many of the series' points: its fingers' scans
 * then rarely cross more than a word of bits. Measured on hourly series with
 * 3-, 7- and 30-day windows (72 to 720 of 720 points), detection takes about
 * a third less time than with sorted arrays, ranking included.
 */
const DENSE_WINDOW = 32;

/** What rolling mode needs of a window: points entering and leaving by position, and order statistics. */
interface SlidingWindow {
  readonly size: number;
  readonly at: (k: number) => number;
  enter(i: number): void;
  leave(i: number): void;
  /** `enter(i)` then `leave(j)`. */
  replace(i: number, j: number): void;
  pick(k0: number, k1: number, k2: number, k3: number, out: Float64Array): void;
}

/** What {@link RankWindow} and {@link BitsetWindow} share: a multiset of ranks with order statistics. */
type RankSet = Pick<RankWindow, 'size' | 'at' | 'add' | 'remove' | 'pick'>;

/** A {@link RankSet} whose points enter and leave by position, through their ranks. */
class RankedWindow implements SlidingWindow {
  readonly #window: RankSet;
  readonly #rankOf: Int32Array;
  readonly at: (k: number) => number;

  constructor(rankOf: Int32Array, window: RankSet) {
    this.#window = window;
    this.#rankOf = rankOf;
    this.at = window.at;
  }

  get size(): number {
    return this.#window.size;
  }

  enter(i: number): void {
    const rank = this.#rankOf[i]!;
    if (rank >= 0) this.#window.add(rank);
  }

  leave(i: number): void {
    const rank = this.#rankOf[i]!;
    if (rank >= 0) this.#window.remove(rank);
  }

  replace(i: number, j: number): void {
    this.enter(i);
    this.leave(j);
  }

  pick(k0: number, k1: number, k2: number, k3: number, out: Float64Array): void {
    this.#window.pick(k0, k1, k2, k3, out);
  }
}

/** Point arrays for `n` points, as a result starts: NaN numbers, no direction. */
function pointArrays(n: number): RollingPoints {
  // One block for the six number arrays: a single allocation and fill.
  const block = new Float64Array(6 * n).fill(Number.NaN);
  return {
    q1: block.subarray(0, n),
    q3: block.subarray(n, 2 * n),
    iqr: block.subarray(2 * n, 3 * n),
    lower: block.subarray(3 * n, 4 * n),
    upper: block.subarray(4 * n, 5 * n),
    direction: new Int8Array(n),
    score: block.subarray(5 * n, 6 * n),
  };
}

/** Sets arrays from {@link pointArrays} back as they started. */
function clearPointArrays(arrays: RollingPoints): void {
  // The six number arrays are views of one block.
  const { buffer, byteOffset } = arrays.q1;
  new Float64Array(buffer, byteOffset, 6 * arrays.q1.length).fill(Number.NaN);
  arrays.direction.fill(0);
}

function rollingSeries(
  series: AssetSeries,
  metricIndex: number,
  window: SlidingWindow,
  timeframe: number,
  span: number,
  metric: string,
  options: RollingOptions,
  out: RollingPoints,
): RollingResult {
  const { times } = series;
  const values = series.values[metricIndex]!;
  const n = times.length;
  const minPeriods = Math.max(options.minSamples, 1);
  const leftClosed = options.closed === Closed.Left;
  const judgeFrom = options.judgeFrom ?? Number.NEGATIVE_INFINITY;
  // Fences are computed for every point, so the fences object and the four order
  // statistics are reused rather than allocated per point.
  const fences: MutableFences = { q1: 0, q3: 0, iqr: 0, lower: 0, upper: 0 };
  const picked = new Float64Array(4);
  const median = () => quantileOfRanks(window.size, 0.5, window.at, lerpForward);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    // Both ends only move forward, so every point enters and leaves once.
    let enterEnd = hi;
    let leaveEnd = lo;
    if (leftClosed) {
      while (enterEnd < n && times[enterEnd]! < t) enterEnd++;
      while (leaveEnd < enterEnd && times[leaveEnd]! < t - span) leaveEnd++;
    } else {
      enterEnd = i + 1;
      while (leaveEnd < enterEnd && times[leaveEnd]! <= t - span) leaveEnd++;
    }
    slide(window, lo, leaveEnd, hi, enterEnd);
    lo = leaveEnd;
    hi = enterEnd;
    const size = window.size;
    if (size < minPeriods || t < judgeFrom) continue;
    const r1 = lowerRank(size, 0.25);
    const r3 = lowerRank(size, 0.75);
    window.pick(r1, Math.min(r1 + 1, size - 1), r3, Math.min(r3 + 1, size - 1), picked);
    const q1 = quantileOfNeighbours(size, 0.25, picked[0]!, picked[1]!, lerpForward);
    const q3 = quantileOfNeighbours(size, 0.75, picked[2]!, picked[3]!, lerpForward);
    const f = tukeyFences(q1, q3, median, options, fences);
    out.q1[i] = f.q1;
    out.q3[i] = f.q3;
    out.iqr[i] = f.iqr;
    out.lower[i] = f.lower;
    out.upper[i] = f.upper;
    const x = values[i]!;
    const side = fenceSide(x, f);
    if (side !== DirectionCode.None) {
      out.direction[i] = side;
      out.score[i] = fenceScore(x, side, f);
    }
  }
  return { asset: series.asset, metric, timeframe, closed: options.closed, series, metricIndex, ...out };
}

/**
 * Moves a window from positions `[lo, hi)` to `[leaveEnd, enterEnd)`: points
 * that enter as others leave are swapped in pairs; a point that would enter
 * and leave in the same step (a gap in the series) never enters.
 */
function slide(window: SlidingWindow, lo: number, leaveEnd: number, hi: number, enterEnd: number): void {
  let e = Math.max(hi, leaveEnd);
  let l = lo;
  const leaveUntil = Math.min(leaveEnd, hi);
  for (; e < enterEnd && l < leaveUntil; e++, l++) window.replace(e, l);
  for (; l < leaveUntil; l++) window.leave(l);
  for (; e < enterEnd; e++) window.enter(e);
}

/** A flagged point of a rolling result, with the fences of its own window. */
export interface RollingFlag extends WindowFlag {
  readonly lower: number;
  readonly upper: number;
}

/**
 * The flagged points of one rolling result, in time order: the rolling
 * counterpart of `WindowResult.flags`, so callers never decode the per-point
 * typed arrays themselves.
 *
 * @param r - from {@link detectRolling}
 * @param start - first position to consider @default 0
 * @param end - position after the last one @default every point
 *
 * Complexity: O(end - start).
 *
 * @example
 * for (const r of detectRolling(set, options)) for (const f of rollingFlags(r)) console.log(f.time, f.direction);
 */
export function* rollingFlags(r: RollingResult, start = 0, end = r.direction.length): Generator<RollingFlag> {
  const values = r.series.values[r.metricIndex]!;
  for (let i = start; i < end; i++) {
    const direction = directionOf(r.direction[i]!);
    if (direction === null) continue;
    const score = r.score[i]!;
    yield {
      index: i,
      time: r.series.times[i]!,
      value: values[i]!,
      direction,
      score: Number.isNaN(score) ? null : score,
      lower: r.lower[i]!,
      upper: r.upper[i]!,
    };
  }
}
