/**
 * A deliberately naive brute-force statement of the detector semantics
 * (SPEC.md section 2), written independently of `lambdas/core` so property
 * tests can compare the optimised core against it: for every window it
 * filters all points, sorts a fresh copy of the finite values and reads R-7
 * quartiles off it. O(n · w) per series, O(w log w) per window — fine for
 * test-sized inputs, never for production.
 *
 * The interpolation formulas are copied from numpy (`_lerp`, window mode, via
 * `Series.quantile`) and pandas (`roll_quantile`, rolling mode) rather than
 * imported, so a regression in the core's `lerpSymmetric` / `lerpForward`
 * cannot hide behind the oracle.
 */

const DAY = 86_400_000;

/** One observation in input order. */
export interface OraclePoint {
  readonly asset: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** One raw value per metric; anything not a finite number is missing. */
  readonly values: readonly number[];
}

/** Parameters shared by both modes. */
export interface OracleParams {
  readonly timeframes: readonly number[];
  readonly deviationLimit: number;
  readonly minSamples: number;
  readonly minRelativeIqr?: number;
}

/** Tukey fences of one window. */
export interface OracleFences {
  readonly q1: number;
  readonly q3: number;
  readonly iqr: number;
  readonly lower: number;
  readonly upper: number;
}

/** A judged value. */
export interface OracleVerdict {
  readonly direction: 'high' | 'low';
  readonly score: number | null;
}

/** A flagged value in window mode; `input` is the point's position in the input. */
export interface OracleFlag extends OracleVerdict {
  readonly input: number;
  readonly time: number;
  readonly value: number;
}

/** One asset × metric × timeframe in window mode. */
export interface OracleWindowResult {
  readonly asset: string;
  /** Metric position. */
  readonly metric: number;
  readonly timeframe: number;
  /** Input positions of every point in the window (finite or not), in (time, input) order. */
  readonly window: readonly number[];
  readonly n: number;
  readonly fences: OracleFences | null;
  /** In (time, input) order. */
  readonly flags: readonly OracleFlag[];
}

/** One point of a rolling series. */
export interface OracleRollingPoint {
  readonly input: number;
  readonly time: number;
  readonly value: number;
  /** Finite values in the point's own window. */
  readonly n: number;
  readonly fences: OracleFences | null;
  readonly verdict: OracleVerdict | null;
}

/** One asset × metric × timeframe in rolling mode; points in (time, input) order. */
export interface OracleRollingResult {
  readonly asset: string;
  readonly metric: number;
  readonly timeframe: number;
  readonly points: readonly OracleRollingPoint[];
}

interface Row extends OraclePoint {
  readonly input: number;
}

type Interpolate = (a: number, b: number, t: number) => number;

/** numpy's `_lerp`: exact at t = 1, used by `Series.quantile` (window mode). */
const numpyLerp: Interpolate = (a, b, t) => (t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t);
/** pandas' `roll_quantile` linear interpolation (rolling mode). */
const pandasRollingLerp: Interpolate = (a, b, t) => a + (b - a) * t;

/** Assets in sorted order, each with its rows stably sorted by time. */
function rowsByAsset(points: readonly OraclePoint[]): [string, Row[]][] {
  const rows: Row[] = points.map((p, input) => ({ ...p, input }));
  const assets = [...new Set(rows.map((r) => r.asset))].sort();
  return assets.map((asset) => [
    asset,
    rows.filter((r) => r.asset === asset).sort((a, b) => a.time - b.time || a.input - b.input),
  ]);
}

function quartile(sorted: readonly number[], p: number, lerp: Interpolate): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  if (h === lo) return sorted[lo]!;
  return lerp(sorted[lo]!, sorted[lo + 1]!, h - lo);
}

function fencesOf(window: readonly Row[], metric: number, params: OracleParams, lerp: Interpolate) {
  const finite = window.map((r) => r.values[metric]!).filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0 || n < params.minSamples) return { n, fences: null };
  const sorted = [...finite].sort((a, b) => a - b);
  const q1 = quartile(sorted, 0.25, lerp);
  const q3 = quartile(sorted, 0.75, lerp);
  let iqr = q3 - q1;
  const floor = (params.minRelativeIqr ?? 0) * Math.abs(quartile(sorted, 0.5, lerp));
  if (iqr < floor) iqr = floor;
  const k = params.deviationLimit;
  return { n, fences: { q1, q3, iqr, lower: q1 - k * iqr, upper: q3 + k * iqr } };
}

/** Strict comparison; non-finite values and non-finite lower fences are never flagged. */
export function oracleJudge(x: number, f: OracleFences): OracleVerdict | null {
  if (!Number.isFinite(x) || !Number.isFinite(f.lower)) return null;
  if (x > f.upper) return { direction: 'high', score: f.iqr > 0 ? (x - f.upper) / f.iqr : null };
  if (x < f.lower) return { direction: 'low', score: f.iqr > 0 ? (f.lower - x) / f.iqr : null };
  return null;
}

/**
 * Window mode by brute force: per asset, timeframe and metric (in that order),
 * the points with `asOf - T <= t < asOf`, their fences, and every value judged.
 */
export function oracleWindow(
  points: readonly OraclePoint[],
  metricCount: number,
  params: OracleParams & { readonly asOf: number },
): OracleWindowResult[] {
  const out: OracleWindowResult[] = [];
  for (const [asset, rows] of rowsByAsset(points)) {
    for (const timeframe of params.timeframes) {
      const from = params.asOf - timeframe * DAY;
      const window = rows.filter((r) => r.time >= from && r.time < params.asOf);
      for (let metric = 0; metric < metricCount; metric++) {
        const { n, fences } = fencesOf(window, metric, params, numpyLerp);
        const flags: OracleFlag[] = [];
        for (const r of window) {
          const verdict = fences && oracleJudge(r.values[metric]!, fences);
          if (verdict) flags.push({ input: r.input, time: r.time, value: r.values[metric]!, ...verdict });
        }
        out.push({ asset, metric, timeframe, window: window.map((r) => r.input), n, fences, flags });
      }
    }
  }
  return out;
}

/**
 * Rolling mode by brute force. The window of the point at sorted position `i`
 * (time `t`) is, for `closed: 'left'`, every point with `t - T <= t_j < t`;
 * for `closed: 'right'`, pandas' rule: positions `j <= i` with `t_j > t - T`
 * (so later points at the same instant are out, earlier ones in).
 */
export function oracleRolling(
  points: readonly OraclePoint[],
  metricCount: number,
  params: OracleParams & { readonly closed: 'left' | 'right' },
): OracleRollingResult[] {
  const out: OracleRollingResult[] = [];
  const params1 = { ...params, minSamples: Math.max(params.minSamples, 1) };
  for (const [asset, rows] of rowsByAsset(points)) {
    for (const timeframe of params.timeframes) {
      const span = timeframe * DAY;
      for (let metric = 0; metric < metricCount; metric++) {
        const result: OracleRollingPoint[] = rows.map((r, i) => {
          const window =
            params.closed === 'left'
              ? rows.filter((w) => w.time >= r.time - span && w.time < r.time)
              : rows.filter((w, j) => j <= i && w.time > r.time - span);
          const { n, fences } = fencesOf(window, metric, params1, pandasRollingLerp);
          const value = r.values[metric]!;
          const verdict = fences && oracleJudge(value, fences);
          return { input: r.input, time: r.time, value, n, fences, verdict };
        });
        out.push({ asset, metric, timeframe, points: result });
      }
    }
  }
  return out;
}
