import { type Lerp, lerpSymmetric, quantileOfRanks } from './quantile.ts';

/** Tukey's fences of one window. */
export interface Fences {
  /** First quartile. */
  readonly q1: number;
  /** Third quartile. */
  readonly q3: number;
  /** Interquartile range `q3 - q1` (or the floor of {@link FenceOptions.minRelativeIqr}, when larger). */
  readonly iqr: number;
  /** `q1 - k * iqr`. */
  readonly lower: number;
  /** `q3 + k * iqr`. */
  readonly upper: number;
}

/** {@link Fences} that {@link tukeyFences} may overwrite in place. */
export type MutableFences = { -readonly [K in keyof Fences]: Fences[K] };

/** Options of {@link fencesOfRanks}. */
export interface FenceOptions {
  /** Deviation limit `k` of Tukey's fences. */
  readonly deviationLimit: number;
  /**
   * Opt-in guard against degenerate windows: the IQR used for fences and scores
   * is at least `minRelativeIqr * |median|`.
   * @default 0 (off: fences are exactly pandas')
   */
  readonly minRelativeIqr?: number;
}

/**
 * Tukey's fences from `n` values read in ascending order through `at(rank)`:
 * `lower = Q1 - k IQR`, `upper = Q3 + k IQR`, quartiles by R-7.
 *
 * @param n - number of finite values; must be at least 1
 * @param at - value of 0-based rank `r`
 * @param options - deviation limit and the optional IQR floor
 * @param lerp - interpolation rule (numpy's by default; pandas' rolling uses {@link lerpForward})
 * @returns the fences
 *
 * Complexity: O(1) calls to `at` (four, six with the IQR floor).
 *
 * @example
 * const xs = [1, 2, 3, 4];
 * fencesOfRanks(4, (r) => xs[r]!, { deviationLimit: 1.5 });
 * // { q1: 1.75, q3: 3.25, iqr: 1.5, lower: -0.5, upper: 5.5 }
 */
export function fencesOfRanks(
  n: number,
  at: (rank: number) => number,
  options: FenceOptions,
  lerp: Lerp = lerpSymmetric,
): Fences {
  return tukeyFences(
    quantileOfRanks(n, 0.25, at, lerp),
    quantileOfRanks(n, 0.75, at, lerp),
    () => quantileOfRanks(n, 0.5, at, lerp),
    options,
  );
}

/**
 * Tukey's fences from quartiles already computed: the IQR (with the optional
 * floor of {@link FenceOptions.minRelativeIqr}) and `Q1 - k IQR`, `Q3 + k IQR`.
 *
 * @param q1 - first quartile
 * @param q3 - third quartile
 * @param median - returns the median; called only when the IQR floor is on
 * @param options - deviation limit and the optional IQR floor
 * @param into - optional object to overwrite and return instead of allocating one, so that a
 *   caller computing fences for every point (rolling mode) creates no garbage
 * @returns the fences (`into` when given)
 *
 * Complexity: O(1) plus one call to `median` when the floor is on.
 *
 * @example
 * tukeyFences(1.75, 3.25, () => 2.5, { deviationLimit: 1.5 });
 * // { q1: 1.75, q3: 3.25, iqr: 1.5, lower: -0.5, upper: 5.5 }
 */
export function tukeyFences(
  q1: number,
  q3: number,
  median: () => number,
  options: FenceOptions,
  into?: MutableFences,
): Fences {
  let iqr = q3 - q1;
  const floorRatio = options.minRelativeIqr ?? 0;
  if (floorRatio > 0) {
    const floor = floorRatio * Math.abs(median());
    if (iqr < floor) iqr = floor;
  }
  const k = options.deviationLimit;
  if (into === undefined) return { q1, q3, iqr, lower: q1 - k * iqr, upper: q3 + k * iqr };
  into.q1 = q1;
  into.q3 = q3;
  into.iqr = iqr;
  into.lower = q1 - k * iqr;
  into.upper = q3 + k * iqr;
  return into;
}

/** Which side of the fences a value fell on. */
export const Direction = { High: 'high', Low: 'low' } as const;
/** `'high'` or `'low'`. */
export type Direction = (typeof Direction)[keyof typeof Direction];

/** {@link Direction} as a number, for typed arrays: `0` = inside the fences. */
export const DirectionCode = { None: 0, High: 1, Low: -1 } as const;
/** `0`, `1` (high) or `-1` (low). */
export type DirectionCode = (typeof DirectionCode)[keyof typeof DirectionCode];

/** A value judged outside the fences. */
export interface Verdict {
  readonly direction: Direction;
  /** Distance beyond the fence in IQR units; `null` when the IQR is 0. */
  readonly score: number | null;
}

/**
 * Judges one value against Tukey fences (strict comparison).
 *
 * `high` when `x > upper`, `low` when `x < lower`, with score
 * `(x - upper) / IQR` or `(lower - x) / IQR`, `null` when IQR is 0. A
 * non-finite `x`, or fences whose lower bound is not finite (IQR overflow on
 * extreme magnitudes), are never flagged — the same rule as the pandas reference.
 *
 * @param x - the value
 * @param f - the fences
 * @returns the verdict, or `null` when the value is inside the fences
 *
 * Complexity: O(1).
 *
 * @example
 * judge(9, { q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 }); // { direction: 'high', score: 1.5 }
 */
export function judge(x: number, f: Fences): Verdict | null {
  const side = fenceSide(x, f);
  if (side === DirectionCode.None) return null;
  const score = fenceScore(x, side, f);
  return { direction: directionOf(side)!, score: Number.isNaN(score) ? null : score };
}

/**
 * The direction a {@link DirectionCode} stands for: the one conversion from the
 * compact per-point codes of typed arrays to the `'high' | 'low'` of results.
 *
 * @returns `'high'`, `'low'`, or `null` for `DirectionCode.None`
 *
 * Complexity: O(1).
 *
 * @example
 * directionOf(DirectionCode.Low); // 'low'
 */
export function directionOf(code: number): Direction | null {
  if (code === DirectionCode.High) return Direction.High;
  if (code === DirectionCode.Low) return Direction.Low;
  return null;
}

/**
 * The allocation-free half of {@link judge}: which side of the fences `x` is on.
 *
 * @param x - the value
 * @param f - the fences
 * @returns `DirectionCode.High`, `DirectionCode.Low`, or `DirectionCode.None` when inside the
 *   fences, when `x` is not finite, or when the lower fence is not finite
 *
 * Complexity: O(1).
 *
 * @example
 * fenceSide(9, { q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 }); // 1 (DirectionCode.High)
 */
export function fenceSide(x: number, f: Fences): DirectionCode {
  if (!Number.isFinite(x) || !Number.isFinite(f.lower)) return DirectionCode.None;
  if (x > f.upper) return DirectionCode.High;
  if (x < f.lower) return DirectionCode.Low;
  return DirectionCode.None;
}

/**
 * The allocation-free half of {@link judge}: the score of a value already known
 * to be on `side` of the fences.
 *
 * @param x - the value
 * @param side - from {@link fenceSide}, not `None`
 * @param f - the fences
 * @returns `(x - upper) / IQR` (high) or `(lower - x) / IQR` (low); NaN when IQR is 0
 *
 * Complexity: O(1).
 *
 * @example
 * fenceScore(9, DirectionCode.High, { q1: 1, q3: 3, iqr: 2, lower: -2, upper: 6 }); // 1.5
 */
export function fenceScore(x: number, side: DirectionCode, f: Fences): number {
  if (!(f.iqr > 0)) return Number.NaN;
  return side === DirectionCode.High ? (x - f.upper) / f.iqr : (f.lower - x) / f.iqr;
}
