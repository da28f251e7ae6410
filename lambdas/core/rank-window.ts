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
  const rankOf = new Int32Array(n).fill(-1);
  const finite: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) finite.push(i);
  const order = Uint32Array.from(finite).sort((a, b) => values[a]! - values[b]! || a - b);
  const sorted = new Float64Array(order.length);
  for (let r = 0; r < order.length; r++) {
    const i = order[r]!;
    rankOf[i] = r;
    sorted[r] = values[i]!;
  }
  return { rankOf, sorted };
}

/**
 * A multiset of ranks with O(log n) insert, remove and k-th smallest: a
 * Fenwick (binary indexed) tree of counts over the rank space of {@link rankValues}.
 *
 * Used for sliding windows: each point enters and leaves once, and each
 * quantile is one or two `valueAt` calls, so a series of n points costs
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
  readonly #tree: Int32Array;
  readonly #topBit: number;
  #size = 0;

  /** Reads the value of window rank `k`; a stable function suitable for `fencesOfRanks`. */
  readonly at = (k: number): number => this.valueAt(k);

  /** @param sorted - ascending values of the rank space; not copied, not modified */
  constructor(sorted: Float64Array) {
    this.#sorted = sorted;
    this.#tree = new Int32Array(sorted.length + 1);
    let bit = 1;
    while (bit * 2 <= sorted.length) bit *= 2;
    this.#topBit = sorted.length === 0 ? 0 : bit;
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
    const n = tree.length - 1;
    let pos = 0;
    let rest = k;
    for (let step = this.#topBit; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && tree[next]! <= rest) {
        pos = next;
        rest -= tree[next]!;
      }
    }
    return this.#sorted[pos]!;
  }

  #update(r: number, delta: number): void {
    const tree = this.#tree;
    for (let i = r + 1; i < tree.length; i += i & -i) tree[i]! += delta;
    this.#size += delta;
  }
}
