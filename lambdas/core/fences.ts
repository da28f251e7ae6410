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
  const q1 = quantileOfRanks(n, 0.25, at, lerp);
  const q3 = quantileOfRanks(n, 0.75, at, lerp);
  let iqr = q3 - q1;
  const floorRatio = options.minRelativeIqr ?? 0;
  if (floorRatio > 0) {
    const floor = floorRatio * Math.abs(quantileOfRanks(n, 0.5, at, lerp));
    if (iqr < floor) iqr = floor;
  }
  const k = options.deviationLimit;
  return { q1, q3, iqr, lower: q1 - k * iqr, upper: q3 + k * iqr };
}

/** Which side of the fences a value fell on. */
export const Direction = { High: 'high', Low: 'low' } as const;
/** `'high'` or `'low'`. */
export type Direction = (typeof Direction)[keyof typeof Direction];

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
  if (!Number.isFinite(x) || !Number.isFinite(f.lower)) return null;
  if (x > f.upper) return { direction: Direction.High, score: f.iqr > 0 ? (x - f.upper) / f.iqr : null };
  if (x < f.lower) return { direction: Direction.Low, score: f.iqr > 0 ? (f.lower - x) / f.iqr : null };
  return null;
}
