import {
  type Closed,
  DAY_MS,
  type DetectorOptions,
  Mode,
  type Mode as ModeType,
} from '../core/detector-options.ts';
import {
  detectRolling,
  type RollingFlag,
  type RollingResult,
  rollingFlags,
} from '../core/rolling-detector.ts';
import type { AssetSeries, SeriesSet } from '../core/series.ts';
import { detectWindow, lowerBound, type WindowResult } from '../core/window-detector.ts';

/** What to draw and how to detect. */
export interface ReportOptions extends DetectorOptions {
  readonly mode: ModeType;
  /** Rolling mode only. @default 'left' */
  readonly closed: Closed;
  /** First time shown, epoch ms (inclusive). Rolling fences still use the history before it. */
  readonly from?: number;
  /** Last time shown, epoch ms (inclusive). */
  readonly to?: number;
  /** Window mode: end of every window (exclusive). @default start of the UTC day after the last shown observation */
  readonly asOf?: number;
}

/**
 * The fences of one timeframe over the shown period: for each shown point, the
 * fences it was judged against, aligned with {@link ChartModel.times}.
 */
export interface FenceBand {
  readonly timeframe: number;
  /** Lower fence per shown point; NaN where there are none (too few values, or outside window mode's window). */
  readonly lower: Float64Array;
  /** Upper fence per shown point; NaN exactly where `lower` is. */
  readonly upper: Float64Array;
}

/** One flagged point for one timeframe: one marker in the chart. */
export interface ChartFlag extends Omit<RollingFlag, 'index'> {
  readonly timeframe: number;
  /** Whether the window's Q3 − Q1 was 0 (every value different from the quartiles is flagged). */
  readonly iqrZero: boolean;
}

/** One asset × metric chart. */
export interface ChartModel {
  readonly asset: string;
  readonly metric: string;
  /** Shown observation times, epoch ms, ascending. */
  readonly times: Float64Array;
  /** Shown values; NaN = missing. */
  readonly values: Float64Array;
  /** One band per timeframe, in the options' order. */
  readonly bands: readonly FenceBand[];
  /** Flags inside the shown period, by timeframe order then time. */
  readonly flags: readonly ChartFlag[];
}

/** Everything a report shows, independent of how it is rendered. */
export interface ReportModel {
  readonly mode: ModeType;
  readonly closed: Closed;
  readonly timeframes: readonly number[];
  readonly deviationLimit: number;
  readonly minSamples: number;
  readonly minRelativeIqr: number;
  /** Window mode only: the windows' end. */
  readonly asOf: number | undefined;
  /** Shown period, epoch ms; NaN when nothing is shown. */
  readonly from: number;
  readonly to: number;
  readonly charts: readonly ChartModel[];
}

/**
 * Runs the detector for a report and keeps what the charts need: the shown
 * observations, for each timeframe the fences every shown point was judged
 * against, and the flags of the shown period (one per flagged point per
 * timeframe).
 *
 * Rolling mode judges every point against its own trailing window, computed
 * on the whole history so the first shown points have real fences. Window
 * mode computes one set of fences per timeframe over `[asOf - T, asOf)`, which
 * the points of that window share; unless `from` is given, the shown period
 * starts three longest windows before `asOf` for context.
 *
 * @param set - series, already narrowed to the wanted assets and metrics; not modified
 * @param options - validated detector options plus mode and period
 * @returns charts in asset, then metric order
 *
 * Complexity: that of the detector (O(n log n) per series in rolling mode).
 *
 * @example
 * buildReportModel(set, { mode: 'rolling', closed: 'left', timeframes: [7], deviationLimit: 1.5, minSamples: 1 });
 */
export function buildReportModel(set: SeriesSet, options: ReportOptions): ReportModel {
  const lastShown = lastTime(set, options.to);
  const asOf = options.mode === Mode.Window ? (options.asOf ?? nextUtcDay(lastShown)) : undefined;
  const maxTimeframe = Math.max(...options.timeframes);
  const from = options.from ?? (asOf === undefined ? firstTime(set) : asOf - 3 * maxTimeframe * DAY_MS);
  const to = options.to ?? (asOf === undefined ? lastShown : Math.max(lastShown, asOf - 1));
  const charts =
    asOf === undefined
      ? rollingCharts(set, options, from, to)
      : windowCharts(set, detectWindow(set, { ...options, asOf }), asOf, from, to);
  return {
    mode: options.mode,
    closed: options.closed,
    timeframes: options.timeframes,
    deviationLimit: options.deviationLimit,
    minSamples: options.minSamples,
    minRelativeIqr: options.minRelativeIqr ?? 0,
    asOf,
    from,
    to,
    charts,
  };
}

function rollingCharts(set: SeriesSet, options: ReportOptions, from: number, to: number): ChartModel[] {
  const byKey = new Map<string, RollingResult[]>();
  for (const r of detectRolling(set, options)) {
    const key = `${r.asset}\u0000${r.metric}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const charts: ChartModel[] = [];
  for (const series of set.series) {
    const [start, end] = shownRange(series, from, to);
    set.metrics.forEach((metric, m) => {
      const results = byKey.get(`${series.asset}\u0000${metric}`) ?? [];
      charts.push({
        ...shownValues(series, m, start, end),
        asset: series.asset,
        metric,
        bands: results.map((r) => ({
          timeframe: r.timeframe,
          lower: r.lower.slice(start, end),
          upper: r.upper.slice(start, end),
        })),
        flags: results.flatMap((r) => chartFlags(r, start, end)),
      });
    });
  }
  return charts;
}

function chartFlags(r: RollingResult, start: number, end: number): ChartFlag[] {
  return Array.from(
    rollingFlags(r, start, end),
    ({ index, time, value, direction, score, lower, upper }) => ({
      timeframe: r.timeframe,
      time,
      value,
      direction,
      score,
      lower,
      upper,
      iqrZero: r.q3[index]! - r.q1[index]! === 0,
    }),
  );
}

function windowCharts(
  set: SeriesSet,
  results: readonly WindowResult[],
  asOf: number,
  from: number,
  to: number,
): ChartModel[] {
  const charts: ChartModel[] = [];
  for (const series of set.series) {
    const [start, end] = shownRange(series, from, to);
    set.metrics.forEach((metric, m) => {
      const mine = results.filter((r) => r.asset === series.asset && r.metric === metric);
      charts.push({
        ...shownValues(series, m, start, end),
        asset: series.asset,
        metric,
        bands: mine.map((r) => windowBand(r, series.times.subarray(start, end), asOf)),
        flags: mine.flatMap((r) =>
          r.fences === null
            ? []
            : r.flags
                .filter((f) => f.time >= from && f.time <= to)
                .map((f) => ({
                  timeframe: r.timeframe,
                  time: f.time,
                  value: f.value,
                  direction: f.direction,
                  score: f.score,
                  lower: r.fences!.lower,
                  upper: r.fences!.upper,
                  iqrZero: r.fences!.q3 - r.fences!.q1 === 0,
                })),
        ),
      });
    });
  }
  return charts;
}

/** The window's fences at the shown points inside `[asOf - T, asOf)`, none elsewhere. */
function windowBand(r: WindowResult, times: Float64Array, asOf: number): FenceBand {
  const lower = new Float64Array(times.length).fill(Number.NaN);
  const upper = new Float64Array(times.length).fill(Number.NaN);
  if (r.fences !== null) {
    const windowStart = asOf - r.timeframe * DAY_MS;
    times.forEach((t, i) => {
      if (t >= windowStart && t < asOf) {
        lower[i] = r.fences!.lower;
        upper[i] = r.fences!.upper;
      }
    });
  }
  return { timeframe: r.timeframe, lower, upper };
}

function shownRange(series: AssetSeries, from: number, to: number): [number, number] {
  return [lowerBound(series.times, from), lowerBound(series.times, to + 1)];
}

function shownValues(series: AssetSeries, metric: number, start: number, end: number) {
  return { times: series.times.slice(start, end), values: series.values[metric]!.slice(start, end) };
}

function firstTime(set: SeriesSet): number {
  let t = Number.POSITIVE_INFINITY;
  for (const s of set.series) if (s.times.length > 0) t = Math.min(t, s.times[0]!);
  return Number.isFinite(t) ? t : Number.NaN;
}

function lastTime(set: SeriesSet, to: number | undefined): number {
  let t = Number.NEGATIVE_INFINITY;
  for (const s of set.series) {
    const end = to === undefined ? s.times.length : lowerBound(s.times, to + 1);
    if (end > 0) t = Math.max(t, s.times[end - 1]!);
  }
  return Number.isFinite(t) ? t : Number.NaN;
}

/** Start of the UTC day after `t`, the original producer's asOf for a date. */
function nextUtcDay(t: number): number {
  return (Math.floor(t / DAY_MS) + 1) * DAY_MS;
}
