import type { Closed } from './detector-options.ts';
import { directionOf, type Fences } from './fences.ts';
import type { RollingResult } from './rolling-detector.ts';
import type { AssetSeries } from './series.ts';
import { formatIso } from './timestamp.ts';
import type { WindowResult } from './window-detector.ts';

/** Parameters echoed in a window-mode report. */
export interface WindowReportParams {
  readonly asOf: number;
  readonly timeframes: readonly number[];
  readonly deviationLimit: number;
  readonly minSamples: number;
  readonly metrics: readonly string[];
}

/** Parameters echoed in a rolling-mode report. */
export interface RollingReportParams extends Omit<WindowReportParams, 'asOf'> {
  readonly closed: Closed;
}

/** A flag as `riskfence detect --format json` prints it. */
export interface FlagJson {
  readonly timestamp: string;
  readonly value: number;
  readonly direction: 'high' | 'low';
  readonly score: number | null;
}

/** `riskfence detect --format json` output in window mode (the golden `expected` shape). */
export interface WindowReportJson {
  readonly mode: 'window';
  readonly params: Omit<WindowReportParams, 'asOf'> & { readonly asOf: string };
  readonly results: readonly {
    readonly asset: string;
    readonly metric: string;
    readonly timeframe: number;
    readonly n: number;
    readonly fences: Fences | null;
    readonly flags: readonly FlagJson[];
  }[];
}

/** One point of a rolling-mode report. */
export interface RollingPointJson {
  readonly timestamp: string;
  readonly value: number | null;
  readonly q1: number | null;
  readonly q3: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly direction: 'high' | 'low' | null;
  readonly score: number | null;
}

/** One series of a rolling-mode report. */
export interface RollingResultJson {
  readonly asset: string;
  readonly metric: string;
  readonly timeframe: number;
  readonly closed: Closed;
  readonly points: readonly RollingPointJson[];
}

/** `riskfence detect --format json` output in rolling mode (the golden `expected` shape). */
export interface RollingReportJson {
  readonly mode: 'rolling';
  readonly params: RollingReportParams;
  readonly results: readonly RollingResultJson[];
}

/**
 * Shapes window-mode results as `riskfence detect --format json` prints them.
 *
 * @param results - from `detectWindow`
 * @param params - the parameters used
 * @returns a JSON-ready object; timestamps as `toISOString()` prints them
 *
 * Complexity: O(results + flags).
 *
 * @example
 * JSON.stringify(windowReport(detectWindow(set, options), { ...options, metrics: set.metrics }));
 */
export function windowReport(results: readonly WindowResult[], params: WindowReportParams): WindowReportJson {
  return {
    mode: 'window',
    params: {
      asOf: formatIso(params.asOf),
      timeframes: params.timeframes,
      deviationLimit: params.deviationLimit,
      minSamples: params.minSamples,
      metrics: params.metrics,
    },
    results: results.map(windowResultJson),
  };
}

/** One entry of {@link WindowReportJson.results}. */
export type WindowResultJson = WindowReportJson['results'][number];

/**
 * Shapes one window-mode result as an entry of the report's `results`, for
 * callers that print the report in pieces.
 *
 * Complexity: O(flags).
 *
 * @example
 * const text = results.map((r) => JSON.stringify(windowResultJson(r))).join(','); // the report's results, unbracketed
 */
export function windowResultJson(r: WindowResult): WindowResultJson {
  return {
    asset: r.asset,
    metric: r.metric,
    timeframe: r.timeframe,
    n: r.n,
    fences: r.fences && {
      q1: r.fences.q1,
      q3: r.fences.q3,
      iqr: r.fences.iqr,
      lower: r.fences.lower,
      upper: r.fences.upper,
    },
    flags: r.flags.map((f) => ({
      timestamp: isoText(f.time),
      value: f.value,
      direction: f.direction,
      score: f.score,
    })),
  };
}

// Flags of every asset share the same few instants; a bound keeps a long-lived process's cache small.
const ISO_TEXT = new Map<number, string>();
const ISO_TEXT_LIMIT = 1 << 16;

/**
 * `formatIso(time)`, remembered for the instants seen last: the flags of
 * every asset share the same few instants, so each is formatted about once.
 *
 * Complexity: O(1).
 *
 * @example
 * isoText(0); // '1970-01-01T00:00:00.000Z'
 */
export function isoText(time: number): string {
  let text = ISO_TEXT.get(time);
  if (text === undefined) {
    if (ISO_TEXT.size >= ISO_TEXT_LIMIT) ISO_TEXT.clear();
    text = formatIso(time);
    ISO_TEXT.set(time, text);
  }
  return text;
}

/**
 * Shapes one rolling-mode series as it appears in `riskfence detect --format json`
 * (`RollingJsonWriter` prints its JSON straight to UTF-8, faster, for the CLI's report).
 *
 * @param r - from `detectRolling`
 * @returns every point in (time, input) order; NaN becomes `null`
 *
 * Complexity: O(points); the series' timestamps are formatted once for all its results
 * (cached per series while it lives).
 *
 * @example
 * for (const r of detectRolling(set, options)) console.log(rollingResultJson(r).points.length);
 */
export function rollingResultJson(r: RollingResult): RollingResultJson {
  const values = r.series.values[r.metricIndex]!;
  const times = seriesIsoTimes(r.series);
  const points: RollingPointJson[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    points[i] = {
      timestamp: times[i]!,
      value: nullIfNaN(values[i]!),
      q1: nullIfNaN(r.q1[i]!),
      q3: nullIfNaN(r.q3[i]!),
      lower: nullIfNaN(r.lower[i]!),
      upper: nullIfNaN(r.upper[i]!),
      direction: directionOf(r.direction[i]!),
      score: nullIfNaN(r.score[i]!),
    };
  }
  return { asset: r.asset, metric: r.metric, timeframe: r.timeframe, closed: r.closed, points };
}

/**
 * Shapes rolling-mode results as `riskfence detect --format json` prints them.
 *
 * @param results - from `detectRolling`
 * @param params - the parameters used
 * @returns a JSON-ready object
 *
 * Complexity: O(total points).
 *
 * @example
 * rollingReport(detectRolling(set, options), { ...options, metrics: set.metrics });
 */
export function rollingReport(
  results: Iterable<RollingResult>,
  params: RollingReportParams,
): RollingReportJson {
  return {
    mode: 'rolling',
    params: {
      timeframes: params.timeframes,
      deviationLimit: params.deviationLimit,
      minSamples: params.minSamples,
      closed: params.closed,
      metrics: params.metrics,
    },
    results: Array.from(results, rollingResultJson),
  };
}

// Every timeframe and metric of an asset reports the same instants: one formatting per series.
const ISO_TIMES = new WeakMap<AssetSeries, readonly string[]>();

/**
 * The series' times as `formatIso` prints them, formatted once per series
 * while it lives (every timeframe and metric of an asset reports the same instants).
 *
 * Complexity: O(points) on the first call for a series, O(1) after.
 *
 * @example
 * seriesIsoTimes(series)[0]; // '2024-01-01T00:00:00.000Z'
 */
export function seriesIsoTimes(series: AssetSeries): readonly string[] {
  let times = ISO_TIMES.get(series);
  if (times === undefined) {
    times = Array.from(series.times, isoText);
    ISO_TIMES.set(series, times);
  }
  return times;
}

function nullIfNaN(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
