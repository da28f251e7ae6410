import { sortedFinite } from './quantile.ts';

/** Ranks of a series' finite values: the order statistic structure's key space. */
export interface ValueRanks {
  /** For each position, its unique rank among the finite values, or -1 when the value is not finite. */
  readonly rankOf: Int32Array;
  /** The finite values in ascending order: `sorted[rankOf[i]] === values[i]`. */
  readonly sorted: Float64Array;
}

/**
 * Gives every finite value a unique rank (ties broken by position).
 *
 * One sort per series replaces a sort per window: rolling windows then only
 * insert and remove ranks in a {@link RankWindow}.
 *
 * The values are sorted natively (no comparator), then each position finds its
 * value's run by binary search and takes the run's next free rank, which
 * breaks ties by position without an index sort.
 *
 * @param values - any numbers; not modified; NaN and ±Infinity get rank -1
 * @returns ranks and the sorted finite values
 *
 * Complexity: O(n log n) once per series.
 *
 * @example
 * rankValues(Float64Array.of(3, Number.NaN, 1)); // rankOf [1, -1, 0], sorted [1, 3]
 */
export function rankValues(values: Float64Array): ValueRanks {
  const n = values.length;
  const sorted = sortedFinite(values);
  const rankOf = new Int32Array(n);
  const takenInRun = new Int32Array(sorted.length);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      rankOf[i] = -1;
      continue;
    }
    const first = firstRankOf(sorted, v);
    const r = first + takenInRun[first]!++;
    rankOf[i] = r;
    // -0 and 0 share a run in either order; writing the value back makes every rank read its own value.
    sorted[r] = v;
  }
  return { rankOf, sorted };
}

/** First rank whose value is not below `v` (binary search). */
function firstRankOf(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A multiset of ranks with O(log n) insert, remove and k-th smallest: a
 * Fenwick (binary indexed) tree of counts over the rank space of {@link rankValues}.
 *
 * Used for sliding windows: each point enters and leaves once, and each
 * quantile is one or two order statistics, so a series of n points costs
 * O(n log n) in all and never sorts a window.
 *
 * @example
 * const { rankOf, sorted } = rankValues(Float64Array.of(5, 1, 3));
 * const w = new RankWindow(sorted);
 * for (const r of rankOf) w.add(r);
 * w.valueAt(1); // 3
 */
export class RankWindow {
  readonly #sorted: Float64Array;
  /** Counts; its length is a power of two plus one, so descents need no bounds check. */
  readonly #tree: Int32Array;
  /** Half the tree's span: the first step of a descent. */
  readonly #firstStep: number;
  #size = 0;

  /** Reads the value of window rank `k`; a stable function suitable for `fencesOfRanks`. */
  readonly at = (k: number): number => this.valueAt(k);

  /** @param sorted - ascending values of the rank space; not copied, not modified */
  constructor(sorted: Float64Array) {
    this.#sorted = sorted;
    let span = 1;
    while (span < sorted.length) span *= 2;
    // Ranks beyond sorted.length are never added; their zero counts keep every descent inside it.
    this.#tree = new Int32Array(span + 1);
    this.#firstStep = span >> 1;
  }

  /** Number of ranks in the window. */
  get size(): number {
    return this.#size;
  }

  /** Inserts rank `r` (0-based). O(log n). */
  add(r: number): void {
    this.#update(r, 1);
  }

  /** Removes rank `r`, which must be present. O(log n). */
  remove(r: number): void {
    this.#update(r, -1);
  }

  /** Empties the window. O(n). */
  clear(): void {
    this.#tree.fill(0);
    this.#size = 0;
  }

  /**
   * The value of the `k`-th smallest rank present (0-based). O(log n).
   * @param k - in [0, size)
   */
  valueAt(k: number): number {
    const tree = this.#tree;
    let pos = 0;
    let rest = k;
    for (let step = this.#firstStep; step > 0; step >>= 1) {
      const count = tree[pos + step]!;
      // Branch-free "if (count <= rest) descend right": the branch would be mispredicted half the time.
      const right = ~((rest - count) >> 31);
      pos += step & right;
      rest -= count & right;
    }
    return this.#sorted[pos]!;
  }

  /**
   * The values of four window ranks at once, written to `out[0..3]`: what two
   * R-7 quantiles need (each reads two neighbouring ranks).
   *
   * Equivalent to four {@link valueAt} calls, but the four tree descents run
   * interleaved; each descent is a chain of dependent memory reads, so
   * overlapping them makes this about twice as fast as four calls. Rolling mode
   * does this for every point.
   *
   * @param k0 - rank in [0, size); likewise `k1`, `k2`, `k3`
   * @param out - receives the four values
   *
   * Complexity: O(log n).
   *
   * @example
   * w.pick(0, 1, 2, 2, out); // out = [1, 3, 5, 5] for a window holding 1, 3 and 5
   */
  pick(k0: number, k1: number, k2: number, k3: number, out: Float64Array): void {
    const tree = this.#tree;
    let p0 = 0;
    let p1 = 0;
    let p2 = 0;
    let p3 = 0;
    for (let step = this.#firstStep; step > 0; step >>= 1) {
      const c0 = tree[p0 + step]!;
      const c1 = tree[p1 + step]!;
      const c2 = tree[p2 + step]!;
      const c3 = tree[p3 + step]!;
      const r0 = ~((k0 - c0) >> 31);
      const r1 = ~((k1 - c1) >> 31);
      const r2 = ~((k2 - c2) >> 31);
      const r3 = ~((k3 - c3) >> 31);
      p0 += step & r0;
      k0 -= c0 & r0;
      p1 += step & r1;
      k1 -= c1 & r1;
      p2 += step & r2;
      k2 -= c2 & r2;
      p3 += step & r3;
      k3 -= c3 & r3;
    }
    const sorted = this.#sorted;
    out[0] = sorted[p0]!;
    out[1] = sorted[p1]!;
    out[2] = sorted[p2]!;
    out[3] = sorted[p3]!;
  }

  #update(r: number, delta: number): void {
    const tree = this.#tree;
    for (let i = r + 1; i < tree.length; i += i & -i) tree[i]! += delta;
    this.#size += delta;
  }
}
