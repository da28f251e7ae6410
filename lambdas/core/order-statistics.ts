/**
 * Order statistics of an unsorted array on demand, without sorting it.
 *
 * Each requested rank is placed by quickselect (Hoare partition,
 * median-of-three pivot) inside the gap between ranks already placed, so the
 * four ranks of two R-7 quartiles cost O(n) expected instead of the
 * O(n log n) of a full sort — window mode's hot spot. Results are exact order
 * statistics, identical to reading a sorted copy.
 *
 * The array is reordered in place: pass a scratch copy of finite values
 * (NaN would break the partition's comparisons). One selector serves many
 * windows: {@link RankSelector.reset} starts over on new contents of the same
 * scratch array, so a detector allocates nothing per window.
 *
 * @example
 * const s = new RankSelector(Float64Array.of(5, 1, 4, 2, 3));
 * s.at(1); // 2
 */
export class RankSelector {
  readonly #a: Float64Array;
  #length: number;
  /** Ranks already in their sorted position, ascending. */
  readonly #placed: number[] = [];

  /** @param values - finite values; reordered in place */
  constructor(values: Float64Array) {
    this.#a = values;
    this.#length = values.length;
  }

  /**
   * Starts over on the first `length` values of the array, which the caller has just refilled:
   * earlier placements no longer hold.
   *
   * @param length - values in use, at most the array's length
   * @example
   * scratch.set(nextWindow);
   * selector.reset(nextWindow.length);
   */
  reset(length: number): void {
    this.#length = length;
    this.#placed.length = 0;
  }

  /**
   * The value of sorted rank `rank` (0-based, below the length in use), a stable function
   * suitable for `fencesOfRanks`. O(n) expected for the first call in a gap, O(placed ranks) after.
   */
  readonly at = (rank: number): number => {
    const placed = this.#placed;
    let i = 0;
    while (i < placed.length && placed[i]! < rank) i++;
    // Never read past the end: an out-of-bounds read is slow in V8.
    if (i === placed.length || placed[i] !== rank) {
      const lo = i > 0 ? placed[i - 1]! + 1 : 0;
      const hi = i < placed.length ? placed[i]! - 1 : this.#length - 1;
      // The neighbour of a rank already placed (R-7 reads ranks in pairs) is the extreme of its
      // gap: one scan instead of partitioning.
      if (rank === lo) placeMin(this.#a, lo, hi);
      else if (rank === hi) placeMax(this.#a, lo, hi);
      else select(this.#a, lo, hi, rank);
      // Inserted by hand: `splice` cost more than the scans of a small window.
      for (let j = placed.length; j > i; j--) placed[j] = placed[j - 1]!;
      placed[i] = rank;
    }
    return this.#a[rank]!;
  };
}

/** Reorders `a[lo..hi]` so that `a[k]` holds the value of rank k, smaller ones before it, larger after. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    // Median of three, sorted into lo, mid and hi (three distinct positions here).
    let x = a[lo]!;
    let y = a[mid]!;
    let z = a[hi]!;
    if (y < x) {
      const t = x;
      x = y;
      y = t;
    }
    if (z < x) {
      const t = x;
      x = z;
      z = t;
    }
    if (z < y) {
      const t = y;
      y = z;
      z = t;
    }
    a[lo] = x;
    a[mid] = y;
    a[hi] = z;
    const pivot = y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  if (hi > lo && a[hi]! < a[lo]!) {
    const t = a[lo]!;
    a[lo] = a[hi]!;
    a[hi] = t;
  }
}

/** Moves the smallest of `a[lo..hi]` to `lo`. */
function placeMin(a: Float64Array, lo: number, hi: number): void {
  let best = lo;
  let min = a[lo]!;
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    if (v < min) {
      min = v;
      best = i;
    }
  }
  a[best] = a[lo]!;
  a[lo] = min;
}

/** Moves the largest of `a[lo..hi]` to `hi`. */
function placeMax(a: Float64Array, lo: number, hi: number): void {
  let best = hi;
  let max = a[hi]!;
  for (let i = lo; i < hi; i++) {
    const v = a[i]!;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  a[best] = a[hi]!;
  a[hi] = max;
}
