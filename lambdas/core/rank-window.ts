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
 * insert and remove ranks in a {@link RankWindow} or {@link BitsetWindow}.
 *
 * The positions are sorted by a stable LSD radix sort, a byte at a time, on
 * keys that order like the values (IEEE 754 bits, negatives inverted): ties
 * then keep their positions' order without comparing indices. -0 and 0 share
 * a key, so they tie too; every rank still reads its own value.
 *
 * @param values - any numbers; not modified; NaN and ±Infinity get rank -1
 * @returns ranks and the sorted finite values
 *
 * Complexity: O(n) time (eight passes, fewer when a byte is the same in every
 * key) and memory, once per series.
 *
 * @example
 * rankValues(Float64Array.of(3, Number.NaN, 1)); // rankOf [1, -1, 0], sorted [1, 3]
 */
export function rankValues(values: Float64Array): ValueRanks {
  const n = values.length;
  const rankOf = new Int32Array(n).fill(-1);
  // Finite values (with -0 as 0) and their positions; the keys are read as 32-bit halves.
  const keys = new Float64Array(n);
  let order = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    keys[m] = v + 0;
    order[m] = m;
    m++;
  }
  const halves = new Uint32Array(keys.buffer, 0, 2 * m);
  for (let k = 0; k < 2 * m; k += 2) {
    // Negative: all bits inverted; positive: sign bit set. Unsigned order is then numeric order.
    const low = halves[k + LOW_HALF]!;
    const high = halves[k + HIGH_HALF]!;
    const negative = high >>> 31 === 1;
    halves[k + LOW_HALF] = negative ? ~low : low;
    halves[k + HIGH_HALF] = negative ? ~high : high | 0x80000000;
  }
  // One pass counts the digits of all eight bytes; a byte the same in every key needs no pass.
  const counts = new Int32Array(8 * 256);
  for (let k = 0; k < 2 * m; k += 2) {
    const low = halves[k + LOW_HALF]!;
    const high = halves[k + HIGH_HALF]!;
    counts[low & 255]!++;
    counts[256 + ((low >>> 8) & 255)]!++;
    counts[512 + ((low >>> 16) & 255)]!++;
    counts[768 + (low >>> 24)]!++;
    counts[1024 + (high & 255)]!++;
    counts[1280 + ((high >>> 8) & 255)]!++;
    counts[1536 + ((high >>> 16) & 255)]!++;
    counts[1792 + (high >>> 24)]!++;
  }
  let spare = new Int32Array(m);
  for (let byte = 0; byte < 8 && m > 0; byte++) {
    // Bytes 0-3 (least significant first) are in a key's low half, 4-7 in its high half.
    const half = byte < 4 ? LOW_HALF : HIGH_HALF;
    const shift = (byte & 3) << 3;
    const base = byte << 8;
    if (counts[base + ((halves[half]! >>> shift) & 255)] === m) continue;
    let start = 0;
    for (let d = base; d < base + 256; d++) {
      const c = counts[d]!;
      counts[d] = start;
      start += c;
    }
    for (let k = 0; k < m; k++) {
      const e = order[k]!;
      spare[counts[base + ((halves[2 * e + half]! >>> shift) & 255)]!++] = e;
    }
    [order, spare] = [spare, order];
  }
  const positions = new Int32Array(m);
  for (let i = 0, k = 0; i < n; i++) if (Number.isFinite(values[i]!)) positions[k++] = i;
  const sorted = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const i = positions[order[r]!]!;
    rankOf[i] = r;
    sorted[r] = values[i]!;
  }
  return { rankOf, sorted };
}

/** Which 32-bit half of a double, read through a Uint32Array, holds its low bits: the platform's byte order. */
const LOW_HALF = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 0 : 1;
const HIGH_HALF = 1 - LOW_HALF;

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

/**
 * A multiset of ranks kept as a bitset over the rank space of
 * {@link rankValues}, read through fingers: the window rolling mode uses when
 * its values are dense among the series' ranks.
 *
 * A finger remembers a rank in the window and that rank's index. A point
 * entering or leaving shifts an index by at most one, and the quartiles of a
 * sliding window stay within a step or two of the last ones, so reading them
 * only moves a finger to the neighbouring set bit, a word at a time: no
 * search, no block move, no tree descent. The same contract as
 * {@link RankWindow}: ranks are unique; `remove` only what was added.
 *
 * Complexity: O(1) per `add` and `remove`, plus a scan when a finger's own
 * rank leaves; reading rank k costs one scan per step from the finger's last
 * index. A scan costs O(1 + gap / 32), the gap between neighbouring ranks of
 * the window, hence the use on dense windows. Memory O(n / 32).
 *
 * @example
 * const { rankOf, sorted } = rankValues(Float64Array.of(5, 1, 3));
 * const w = new BitsetWindow(sorted);
 * for (const r of rankOf) w.add(r);
 * w.at(1); // 3
 */
export class BitsetWindow {
  readonly #sorted: Float64Array;
  /** Bit r of word r >> 5 is set while rank r is in the window; one spare word past the last rank. */
  readonly #bits: Int32Array;
  #size = 0;
  // One finger per quartile of `pick`, one for `at` (the median of the IQR floor).
  readonly #low = new Finger();
  readonly #high = new Finger();
  readonly #any = new Finger();

  /** Reads the value of window rank `k`; a stable function, as {@link RankWindow.at}. */
  readonly at = (k: number): number => this.#sorted[this.#any.moveTo(k, this.#bits)]!;

  /** @param sorted - ascending values of the rank space; not copied, not modified */
  constructor(sorted: Float64Array) {
    this.#sorted = sorted;
    this.#bits = new Int32Array((sorted.length >> 5) + 1);
  }

  /** Number of ranks in the window. */
  get size(): number {
    return this.#size;
  }

  /** Inserts rank `r`, which must not be present. */
  add(r: number): void {
    this.#bits[r >> 5]! |= 1 << (r & 31);
    if (this.#size++ === 0) {
      this.#low.reset(r);
      this.#high.reset(r);
      this.#any.reset(r);
    } else {
      this.#low.added(r);
      this.#high.added(r);
      this.#any.added(r);
    }
  }

  /** Removes rank `r`, which must be present. */
  remove(r: number): void {
    const bits = this.#bits;
    bits[r >> 5]! &= ~(1 << (r & 31));
    const size = --this.#size;
    if (size === 0) return;
    this.#low.removed(r, size, bits);
    this.#high.removed(r, size, bits);
    this.#any.removed(r, size, bits);
  }

  /**
   * The values of four window ranks, written to `out[0..3]`, with the
   * contract of {@link RankWindow.pick}: one finger serves `k0` and `k1`,
   * another `k2` and `k3`, as two R-7 quantiles need.
   *
   * @example
   * w.pick(0, 1, 2, 2, out); // out = [1, 3, 5, 5] for a window holding 1, 3 and 5
   */
  pick(k0: number, k1: number, k2: number, k3: number, out: Float64Array): void {
    const sorted = this.#sorted;
    const bits = this.#bits;
    out[0] = sorted[this.#low.moveTo(k0, bits)]!;
    out[1] = sorted[this.#low.peek(k1, bits)]!;
    out[2] = sorted[this.#high.moveTo(k2, bits)]!;
    out[3] = sorted[this.#high.peek(k3, bits)]!;
  }
}

/** A rank of a {@link BitsetWindow} and its index in the window, kept valid as ranks come and go. */
class Finger {
  rank = 0;
  index = 0;

  /** Points at `r`, the only rank of the window. */
  reset(r: number): void {
    this.rank = r;
    this.index = 0;
  }

  /** Follows the window after rank `r` was added. */
  added(r: number): void {
    if (r < this.rank) this.index++;
  }

  /** Follows the window after rank `r` was removed, leaving `size` (> 0) ranks in `bits`. */
  removed(r: number, size: number, bits: Int32Array): void {
    if (r < this.rank) this.index--;
    else if (r === this.rank) {
      // The finger keeps its index on the next rank, or steps back from the end.
      if (this.index < size) this.rank = nextRank(bits, r);
      else {
        this.rank = previousRank(bits, r);
        this.index--;
      }
    }
  }

  /** Moves to window index `k` and returns its rank. */
  moveTo(k: number, bits: Int32Array): number {
    let rank = this.rank;
    let index = this.index;
    for (; index < k; index++) rank = nextRank(bits, rank);
    for (; index > k; index--) rank = previousRank(bits, rank);
    this.rank = rank;
    this.index = index;
    return rank;
  }

  /** The rank of window index `k` without moving when `k` is the finger's index or the next one. */
  peek(k: number, bits: Int32Array): number {
    if (k === this.index) return this.rank;
    if (k === this.index + 1) return nextRank(bits, this.rank);
    return this.moveTo(k, bits);
  }
}

/** The smallest rank set in `bits` above `r`; one must exist. */
function nextRank(bits: Int32Array, r: number): number {
  const from = r + 1;
  let w = from >> 5;
  let word = bits[w]! & (-1 << (from & 31));
  while (word === 0) word = bits[++w]!;
  return (w << 5) | (31 - Math.clz32(word & -word));
}

/** The largest rank set in `bits` below `r`; one must exist. */
function previousRank(bits: Int32Array, r: number): number {
  const from = r - 1;
  let w = from >> 5;
  let word = bits[w]! & (-1 >>> (31 - (from & 31)));
  while (word === 0) word = bits[--w]!;
  return (w << 5) | (31 - Math.clz32(word));
}
