/**
 * Linear interpolation between `a` and `b` exactly as numpy's `_lerp` does it.
 *
 * numpy switches to `b - (b - a)(1 - t)` for `t >= 0.5` so that the result is
 * exact at `t = 1`; copying that keeps window-mode fences bit-identical to
 * `Series.quantile`, which matters where a value sits exactly on a fence.
 *
 * @param a - value at the lower rank
 * @param b - value at the upper rank
 * @param t - fraction in [0, 1]
 * @returns the interpolated value; NaN if any input is NaN
 *
 * Complexity: O(1).
 *
 * @example
 * lerpSymmetric(1, 3, 0.25); // 1.5
 */
export function lerpSymmetric(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Linear interpolation `a + (b - a) t`, the form pandas' rolling quantile uses.
 *
 * @param a - value at the lower rank
 * @param b - value at the upper rank
 * @param t - fraction in [0, 1)
 * @returns the interpolated value; NaN if any input is NaN
 *
 * Complexity: O(1).
 *
 * @example
 * lerpForward(1, 3, 0.25); // 1.5
 */
export function lerpForward(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** An interpolation rule between two neighbouring order statistics. */
export type Lerp = (a: number, b: number, t: number) => number;

/**
 * The `p`-quantile of `n` sorted values, read through `at(rank)`, estimated
 * with R-7 (linear interpolation between closest ranks; numpy's and pandas'
 * default): `h = (n - 1) p`, `q = x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋ + 1] - x[⌊h⌋])`.
 *
 * Taking an accessor lets sorted arrays and order-statistic structures share
 * one estimator.
 *
 * @param n - number of values; `0` gives NaN
 * @param p - probability in [0, 1]
 * @param at - returns the value of 0-based rank `r` (ascending)
 * @param lerp - interpolation rule, {@link lerpSymmetric} (numpy) by default
 * @returns the quantile, or NaN when `n` is 0
 *
 * Complexity: at most two calls to `at` (one when `h` is whole).
 *
 * @example
 * const xs = [1, 2, 3, 4];
 * quantileOfRanks(xs.length, 0.25, (r) => xs[r]!); // 1.75
 */
export function quantileOfRanks(
  n: number,
  p: number,
  at: (rank: number) => number,
  lerp: Lerp = lerpSymmetric,
): number {
  if (n === 0) return Number.NaN;
  const below = lowerRank(n, p);
  const t = (n - 1) * p - below;
  // Rank below + 1 is read only when needed: it does not exist when p = 1.
  return t === 0 ? at(below) : lerp(at(below), at(below + 1), t);
}

/**
 * The 0-based rank of the order statistic just below (or at) the R-7
 * `p`-quantile of `n` values: `⌊(n - 1) p⌋`. The quantile lies between the
 * values of this rank and the next (clamped to `n - 1`).
 *
 * Lets a caller fetch both neighbours in one pass over its data structure
 * (see `RankWindow.pick`) before calling {@link quantileOfNeighbours}.
 *
 * @param n - number of values, at least 1
 * @param p - probability in [0, 1]
 * @returns a rank in [0, n - 1]
 *
 * Complexity: O(1).
 *
 * @example
 * lowerRank(4, 0.25); // 0 (h = 0.75)
 */
export function lowerRank(n: number, p: number): number {
  return Math.floor((n - 1) * p);
}

/**
 * The R-7 `p`-quantile of `n` values from the values of ranks
 * {@link lowerRank}`(n, p)` (`below`) and the next one (`above`).
 *
 * @param n - number of values, at least 1
 * @param p - probability in [0, 1]
 * @param below - value of rank `lowerRank(n, p)`
 * @param above - value of the next rank (unused when the position falls exactly on `below`)
 * @param lerp - interpolation rule, {@link lerpSymmetric} (numpy) by default
 * @returns the quantile
 *
 * Complexity: O(1).
 *
 * @example
 * quantileOfNeighbours(4, 0.25, 1, 2); // 1.75
 */
export function quantileOfNeighbours(
  n: number,
  p: number,
  below: number,
  above: number,
  lerp: Lerp = lerpSymmetric,
): number {
  const t = (n - 1) * p - lowerRank(n, p);
  return t === 0 ? below : lerp(below, above, t);
}

/**
 * The `p`-quantile of values already sorted ascending.
 *
 * @param sorted - ascending, finite values (not checked); not modified
 * @param p - probability in [0, 1]
 * @returns the quantile; NaN for empty input
 *
 * Complexity: O(1).
 *
 * @example
 * quantileSorted([1, 2, 3, 4], 0.75); // 3.25
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  return quantileOfRanks(sorted.length, p, (r) => sorted[r] as number);
}

/**
 * The `p`-quantile (R-7) of unsorted values, ignoring NaN and ±Infinity.
 *
 * The input is copied into a Float64Array before sorting, so it is never
 * mutated. Non-finite values are dropped first, as pandas' `dropna()` plus
 * the service's bad-value rule do.
 *
 * @param values - any numbers; not modified
 * @param p - probability in [0, 1]
 * @returns the quantile of the finite values; NaN when there are none
 *
 * Complexity: O(n log n) time, O(n) extra memory.
 *
 * @example
 * quantile([4, Number.NaN, 1, 3, 2], 0.5); // 2.5
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedFinite(values), p);
}

/**
 * A sorted copy of the finite values of `values`.
 *
 * @param values - any numbers; not modified
 * @returns a new ascending Float64Array without NaN or ±Infinity (empty when none)
 *
 * Complexity: O(n log n).
 *
 * @example
 * sortedFinite([3, Number.NaN, 1]); // Float64Array [1, 3]
 */
export function sortedFinite(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}
