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
 * (NaN would break the partition's comparisons).
 *
 * @example
 * const s = new RankSelector(Float64Array.of(5, 1, 4, 2, 3));
 * s.at(1); // 2
 */
export class RankSelector {
  readonly #a: Float64Array;
  /** Ranks already in their sorted position, ascending. */
  readonly #placed: number[] = [];

  /** @param values - finite values; reordered in place */
  constructor(values: Float64Array) {
    this.#a = values;
  }

  /**
   * The value of sorted rank `rank` (0-based), a stable function suitable for `fencesOfRanks`.
   * O(n) expected for the first call in a gap, O(placed ranks) after.
   */
  readonly at = (rank: number): number => {
    const placed = this.#placed;
    let i = 0;
    while (i < placed.length && placed[i]! < rank) i++;
    if (placed[i] !== rank) {
      const lo = i > 0 ? placed[i - 1]! + 1 : 0;
      const hi = i < placed.length ? placed[i]! - 1 : this.#a.length - 1;
      select(this.#a, lo, hi, rank);
      placed.splice(i, 0, rank);
    }
    return this.#a[rank]!;
  };
}

/** Reorders `a[lo..hi]` so that `a[k]` holds the value of rank k, smaller ones before it, larger after. */
function select(a: Float64Array, lo: number, hi: number, k: number): void {
  // The neighbour of a rank already placed (R-7 reads ranks in pairs) is the extreme of its
  // gap: one scan instead of partitioning.
  if (k === lo || k === hi) {
    swap(a, k, extremeIndex(a, lo, hi, k === lo ? -1 : 1));
    return;
  }
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/** Index of the smallest (`sign` -1) or largest (`sign` 1) of `a[lo..hi]`. */
function extremeIndex(a: Float64Array, lo: number, hi: number, sign: 1 | -1): number {
  let best = lo;
  for (let i = lo + 1; i <= hi; i++) if (sign < 0 ? a[i]! < a[best]! : a[i]! > a[best]!) best = i;
  return best;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
