/**
 * A sliding window over one series' values kept as one sorted array: the
 * structure rolling mode uses for windows of up to {@link SORTED_WINDOW_LIMIT}
 * values that hold few of their series' points (dense ones are `BitsetWindow`s),
 * where moving a block of memory beats descending a tree.
 *
 * Points enter and leave by their position in the series; NaN and ±Infinity
 * never enter (as `rankValues` gives them no rank). Order statistics are read
 * straight from the array: the k-th smallest value is element k. A zero
 * leaves as the zero of its own sign, so the window holds exactly the values
 * that entered and have not left, as `RankWindow` does.
 *
 * Complexity: O(log w + w) per entering or leaving point (a binary search and
 * a block move of at most w values), O(1) per order statistic; memory O(w).
 *
 * @example
 * const w = new SortedWindow(Float64Array.of(5, 1, 3), 3);
 * w.enter(0); w.enter(1); w.enter(2);
 * w.at(1); // 3
 */
export class SortedWindow {
  readonly #values: Float64Array;
  #sorted: Float64Array;
  #size = 0;

  /** Reads the window's `k`-th smallest value (0-based); a stable function, as `RankWindow.at`. */
  readonly at = (k: number): number => this.#sorted[k]!;

  /**
   * @param values - the series' values; not copied, not modified
   * @param capacity - the values a window usually holds (see {@link largestWindow}); the array
   *   grows past it when needed, since points enter before those they replace have left
   */
  constructor(values: Float64Array, capacity: number) {
    this.#values = values;
    this.#sorted = new Float64Array(Math.max(capacity, 1));
  }

  /** Values in the window. */
  get size(): number {
    return this.#size;
  }

  /** Adds the value at position `i` of the series, if finite. */
  enter(i: number): void {
    const x = this.#values[i]!;
    if (!Number.isFinite(x)) return;
    if (this.#size === this.#sorted.length) {
      const larger = new Float64Array(2 * this.#size);
      larger.set(this.#sorted);
      this.#sorted = larger;
    }
    const sorted = this.#sorted;
    const at = this.#firstNotBelow(x);
    sorted.copyWithin(at + 1, at, this.#size);
    sorted[at] = x;
    this.#size++;
  }

  /** Removes the value at position `i` of the series, which must have entered. */
  leave(i: number): void {
    const x = this.#values[i]!;
    if (!Number.isFinite(x)) return;
    const at = this.#positionOf(x);
    this.#sorted.copyWithin(at, at + 1, this.#size);
    this.#size--;
  }

  /**
   * `enter(i)` then `leave(j)` in one step: the values between the two
   * positions move by one place, instead of everything after each of them.
   * Sliding windows mostly take one point in as one goes out.
   *
   * The window ends up exactly as after the two calls, zeros' signs included.
   *
   * @param i - the entering position
   * @param j - the leaving position, which must have entered
   *
   * Complexity: O(log w + d), d the number of values between the two.
   *
   * @example
   * const w = new SortedWindow(Float64Array.of(5, 1, 3), 2);
   * w.enter(0); w.enter(1);
   * w.replace(2, 0); // the window holds 1 and 3
   */
  replace(i: number, j: number): void {
    const x = this.#values[i]!;
    const y = this.#values[j]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      this.enter(i);
      this.leave(j);
      return;
    }
    // The same value (a zero of the same sign): the window would not change.
    if (Object.is(x, y)) return;
    const sorted = this.#sorted;
    const from = this.#positionOf(y);
    const to = this.#firstNotBelow(x);
    if (to <= from) {
      sorted.copyWithin(to + 1, to, from);
      sorted[to] = x;
    } else {
      sorted.copyWithin(from, from + 1, to);
      sorted[to - 1] = x;
    }
  }

  /**
   * The values of four window ranks, written to `out[0..3]`: what two R-7
   * quantiles need, with the same contract as `RankWindow.pick`.
   *
   * @example
   * w.pick(0, 1, 2, 2, out); // out = [1, 3, 5, 5] for a window holding 1, 3 and 5
   */
  pick(k0: number, k1: number, k2: number, k3: number, out: Float64Array): void {
    const sorted = this.#sorted;
    out[0] = sorted[k0]!;
    out[1] = sorted[k1]!;
    out[2] = sorted[k2]!;
    out[3] = sorted[k3]!;
  }

  /** Where `x`, which is in the window, is: the first of its value and, for a zero, of its own sign. */
  #positionOf(x: number): number {
    const sorted = this.#sorted;
    let at = this.#firstNotBelow(x);
    // 0 and -0 compare equal (never past the window's last value).
    if (x === 0) while (at < this.#size - 1 && !Object.is(sorted[at], x)) at++;
    return at;
  }

  #firstNotBelow(x: number): number {
    const sorted = this.#sorted;
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The window size up to which rolling mode keeps a window as a
 * {@link SortedWindow} (or, when dense among its series' points, a
 * `BitsetWindow`); larger windows use `RankWindow`'s Fenwick tree, whose
 * O(log n) steps do not grow with the window. Measured on hourly series: at
 * 720 values (30 days) the sorted array is still faster than the tree.
 */
export const SORTED_WINDOW_LIMIT = 2048;

/**
 * The most points of a sorted time series within any closed interval
 * `[t - span, t]` ending at a point: an upper bound on what any rolling
 * window of that span holds, closed left or right.
 *
 * @param times - ascending epoch milliseconds
 * @param span - the window length in milliseconds
 * @returns 0 for an empty series
 *
 * Complexity: O(n), two pointers.
 *
 * @example
 * largestWindow(Float64Array.of(0, 1, 2, 10), 2); // 3
 */
export function largestWindow(times: Float64Array, span: number): number {
  let largest = 0;
  let lo = 0;
  for (let i = 0; i < times.length; i++) {
    const from = times[i]! - span;
    while (times[lo]! < from) lo++;
    largest = Math.max(largest, i - lo + 1);
  }
  return largest;
}
