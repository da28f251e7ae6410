// Rolling mode's per-point fences in WebAssembly (AssemblyScript, built into
// dist/wasm/rolling.wasm by tools/build-wasm.mjs): the loop of lambdas/core/rolling-detector.ts
// over one series, metric and timeframe, with the window kept as a bitset over the values' ranks
// and fingers on its quartiles (lambdas/core/rank-window.ts's BitsetWindow). Every number is
// computed with the same double operations in the same order, so the fences are those of the
// JavaScript detector bit for bit (test/wasm/rolling-kernel.test.ts). The caller
// (lambdas/wasm/rolling-kernel.ts) lays out the arrays in the memory and passes their addresses.
// It also prints a result's flags as the NDJSON lines of `riskfence detect --format ndjson`.
import { writeJsonNumber } from './json-number';
import { LOWER, put, putVerdict, scoreOf, sideOf, UPPER, VERDICT_BYTES } from './verdict';

export { writeJsonNumber };

/**
 * Ranks the finite values of `values[0, n)` by a stable radix sort of their bits, as `rankValues`
 * does: `rankOf[i]` is point i's rank (-1 for a non-finite value) and `sorted[r]` the value of
 * rank r.
 *
 * @param keys - room for n u64; `positions`, `order` and `spare` for n i32 each; `counts` for 8 × 256 i32
 * @returns the number of finite values
 */
export function rank(
  values: usize,
  n: i32,
  rankOf: usize,
  sorted: usize,
  keys: usize,
  positions: usize,
  order: usize,
  spare: usize,
  counts: usize,
): i32 {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f64>(values + ((<usize>i) << 3));
    store<i32>(rankOf + ((<usize>i) << 2), -1);
    if (!isFinite(v)) continue;
    // -0 as 0; negative: all bits inverted, positive: sign bit set, so unsigned order is numeric order.
    const bits = reinterpret<u64>(v + 0);
    store<u64>(keys + ((<usize>m) << 3), bits >> 63 ? ~bits : bits | 0x8000_0000_0000_0000);
    store<i32>(order + ((<usize>m) << 2), m);
    store<i32>(positions + ((<usize>m) << 2), i);
    m++;
  }
  memory.fill(counts, 0, 8 * 256 * 4);
  for (let k = 0; k < m; k++) {
    const key = load<u64>(keys + ((<usize>k) << 3));
    for (let byte = 0; byte < 8; byte++) {
      const at = counts + ((<usize>(byte << 8) + <usize>((key >> ((<u64>byte) << 3)) & 255)) << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
  }
  let from = order;
  let to = spare;
  for (let byte = 0; byte < 8 && m > 0; byte++) {
    const base = counts + ((<usize>(byte << 8)) << 2);
    const shift = (<u64>byte) << 3;
    // A byte the same in every key needs no pass.
    if (load<i32>(base + ((<usize>((load<u64>(keys) >> shift) & 255)) << 2)) === m) continue;
    let start = 0;
    for (let d = 0; d < 256; d++) {
      const c = load<i32>(base + ((<usize>d) << 2));
      store<i32>(base + ((<usize>d) << 2), start);
      start += c;
    }
    for (let k = 0; k < m; k++) {
      const e = load<i32>(from + ((<usize>k) << 2));
      const at = base + ((<usize>((load<u64>(keys + ((<usize>e) << 3)) >> shift) & 255)) << 2);
      const slot = load<i32>(at);
      store<i32>(at, slot + 1);
      store<i32>(to + ((<usize>slot) << 2), e);
    }
    const swap = from;
    from = to;
    to = swap;
  }
  for (let r = 0; r < m; r++) {
    const i = load<i32>(positions + ((<usize>load<i32>(from + ((<usize>r) << 2))) << 2));
    store<i32>(rankOf + ((<usize>i) << 2), r);
    store<f64>(sorted + ((<usize>r) << 3), load<f64>(values + ((<usize>i) << 3)));
  }
  return m;
}

// The window: a bitset over ranks, and three fingers — one per quartile, one for the median of the
// IQR floor — each a rank and its index among the window's ranks, packed as (rank << 32) | index
// so that one function moves any of them and they stay in globals (and registers).
/** Where the caller's arrays may start: past the module's own data. */
export const LAYOUT_AT: usize = (__heap_base + 63) & ~63;
let low: i64 = 0;
let high: i64 = 0;
let any: i64 = 0;
let bits: usize = 0;
let size: i32 = 0;
let sortedAt: usize = 0;

function finger(rank: i32, index: i32): i64 {
  return ((<i64>rank) << 32) | <i64>(<u32>index);
}

function fingerRank(f: i64): i32 {
  return <i32>(f >> 32);
}

function fingerIndex(f: i64): i32 {
  return <i32>f;
}

function nextRank(r: i32): i32 {
  const from = r + 1;
  let w = from >> 5;
  let word = load<i32>(bits + ((<usize>w) << 2)) & (-1 << (from & 31));
  while (word === 0) word = load<i32>(bits + ((<usize>++w) << 2));
  return (w << 5) | ctz(word);
}

function previousRank(r: i32): i32 {
  const from = r - 1;
  let w = from >> 5;
  let word = load<i32>(bits + ((<usize>w) << 2)) & <i32>(<u32>-1 >> (31 - (from & 31)));
  while (word === 0) word = load<i32>(bits + ((<usize>--w) << 2));
  return (w << 5) | (31 - clz(word));
}

/** Finger `f` moved to the window's k-th smallest rank. */
function moveTo(f: i64, k: i32): i64 {
  let rank = fingerRank(f);
  let index = fingerIndex(f);
  for (; index < k; index++) rank = nextRank(rank);
  for (; index > k; index--) rank = previousRank(rank);
  return finger(rank, index);
}

/** Finger `f` after rank r entered the window. */
function added(f: i64, r: i32): i64 {
  return r < fingerRank(f) ? f + 1 : f;
}

/** Finger `f` after rank r left a window now of `size` ranks: on r, it keeps its index on the next rank, or steps back from the end. */
function removed(f: i64, r: i32): i64 {
  const rank = fingerRank(f);
  const index = fingerIndex(f);
  if (r < rank) return f - 1;
  if (r > rank) return f;
  return index < size ? finger(nextRank(r), index) : finger(previousRank(r), index - 1);
}

function add(r: i32): void {
  const at = bits + ((<usize>(r >> 5)) << 2);
  store<i32>(at, load<i32>(at) | (1 << (r & 31)));
  if (size++ === 0) low = high = any = finger(r, 0);
  else {
    low = added(low, r);
    high = added(high, r);
    any = added(any, r);
  }
}

function remove(r: i32): void {
  const at = bits + ((<usize>(r >> 5)) << 2);
  store<i32>(at, load<i32>(at) & ~(1 << (r & 31)));
  if (--size === 0) return;
  low = removed(low, r);
  high = removed(high, r);
  any = removed(any, r);
}

function sortedValue(r: i32): f64 {
  return load<f64>(sortedAt + ((<usize>r) << 3));
}

function enter(i: i32): void {
  const r = load<i32>(rankOf + ((<usize>i) << 2));
  if (r >= 0) add(r);
}

function leave(i: i32): void {
  const r = load<i32>(rankOf + ((<usize>i) << 2));
  if (r >= 0) remove(r);
}

/** R-7 at p of a window of `n` values whose ranks below and above (n - 1) p are worth `below` and `above`. */
function quantileOfNeighbours(n: i32, p: f64, below: f64, above: f64): f64 {
  const t = <f64>(n - 1) * p - Math.floor(<f64>(n - 1) * p);
  return t === 0 ? below : below + (above - below) * t;
}

// The sweep over one series, metric and timeframe (set by begin()), and the last point's verdict
// (set by step()).
let times: usize = 0;
let values: usize = 0;
let n: i32 = 0;
let rankOf: usize = 0;
let span: f64 = 0;
let closedLeft = false;
let minPeriods: i32 = 1;
let judgeFrom: f64 = -Infinity;
let deviationLimit: f64 = 0;
let minRelativeIqr: f64 = 0;
let lo: i32 = 0;
let hi: i32 = 0;
let q1: f64 = NaN;
let q3: f64 = NaN;
let iqr: f64 = NaN;
let lower: f64 = NaN;
let upper: f64 = NaN;
let score: f64 = NaN;
let direction: i32 = 0;

/**
 * Starts a sweep over one series' metric for one timeframe: its times and values, the values' ranks
 * and sorted values (from {@link rank}), room for the bitset (n / 32 + 1 i32), and the options.
 */
export function begin(
  timesAt: usize,
  valuesAt: usize,
  count: i32,
  ranks: usize,
  sorted: usize,
  bitset: usize,
  windowSpan: f64,
  left: bool,
  periods: i32,
  from: f64,
  limit: f64,
  floorRatio: f64,
): void {
  times = timesAt;
  values = valuesAt;
  n = count;
  rankOf = ranks;
  span = windowSpan;
  closedLeft = left;
  minPeriods = periods;
  judgeFrom = from;
  deviationLimit = limit;
  minRelativeIqr = floorRatio;
  // Ranks go up to the number of finite values, below n.
  memory.fill(bitset, 0, ((<usize>count >> 5) + 1) << 2);
  bits = bitset;
  sortedAt = sorted;
  size = 0;
  lo = 0;
  hi = 0;
}

/**
 * Slides the window to point i (points in order) and judges it, as `rollingSeries` does: the
 * window of the points before it within the span (closed left: `[t - span, t)`; right: `(t - span,
 * t]` up to its own position), R-7 quartiles with pandas' interpolation, the IQR (floored at
 * minRelativeIqr × |median| when positive), the fences at deviationLimit IQRs, the direction (1
 * above, -1 below) and the score in IQRs beyond the fence (NaN when the IQR is not positive).
 *
 * @returns whether the point was judged: false with fewer than minPeriods values in its window or
 *   before judgeFrom
 */
function step(i: i32): bool {
  const t = load<f64>(times + ((<usize>i) << 3));
  let enterEnd = hi;
  let leaveEnd = lo;
  if (closedLeft) {
    while (enterEnd < n && load<f64>(times + ((<usize>enterEnd) << 3)) < t) enterEnd++;
    while (leaveEnd < enterEnd && load<f64>(times + ((<usize>leaveEnd) << 3)) < t - span) leaveEnd++;
  } else {
    enterEnd = i + 1;
    while (leaveEnd < enterEnd && load<f64>(times + ((<usize>leaveEnd) << 3)) <= t - span) leaveEnd++;
  }
  // Points that enter as others leave are swapped in pairs; one that would enter and leave in the
  // same step (a gap in the series) never enters.
  let e = max(hi, leaveEnd);
  let l = lo;
  const leaveUntil = min(leaveEnd, hi);
  for (; e < enterEnd && l < leaveUntil; e++, l++) {
    enter(e);
    leave(l);
  }
  for (; l < leaveUntil; l++) leave(l);
  for (; e < enterEnd; e++) enter(e);
  lo = leaveEnd;
  hi = enterEnd;
  direction = 0;
  if (size < minPeriods || t < judgeFrom) return false;
  const last = size - 1;
  const r1 = <i32>Math.floor(<f64>last * 0.25);
  const r3 = <i32>Math.floor(<f64>last * 0.75);
  low = moveTo(low, r1);
  const below1 = sortedValue(fingerRank(low));
  const above1 = r1 < last ? sortedValue(nextRank(fingerRank(low))) : below1;
  high = moveTo(high, r3);
  const below3 = sortedValue(fingerRank(high));
  const above3 = r3 < last ? sortedValue(nextRank(fingerRank(high))) : below3;
  q1 = quantileOfNeighbours(size, 0.25, below1, above1);
  q3 = quantileOfNeighbours(size, 0.75, below3, above3);
  iqr = q3 - q1;
  if (minRelativeIqr > 0) {
    const m = <i32>Math.floor(<f64>last * 0.5);
    const tm = <f64>last * 0.5 - <f64>m;
    any = moveTo(any, m);
    const a = sortedValue(fingerRank(any));
    let median = a;
    if (tm !== 0) {
      any = moveTo(any, m + 1);
      median = a + (sortedValue(fingerRank(any)) - a) * tm;
    }
    const floor = minRelativeIqr * Math.abs(median);
    if (iqr < floor) iqr = floor;
  }
  lower = q1 - deviationLimit * iqr;
  upper = q3 + deviationLimit * iqr;
  const x = load<f64>(values + ((<usize>i) << 3));
  direction = sideOf(x, lower, upper);
  score = direction === 0 ? NaN : scoreOf(x, direction, lower, upper, iqr);
  return true;
}

/**
 * Rolling fences of the sweep {@link begin} started, as `rollingSeries` computes them (see step()),
 * into per-point arrays; NaN and direction 0 for the points not judged.
 *
 * @param out - six arrays of n f64 one after another: q1, q3, iqr, lower, upper, score
 * @param directionOut - n i8
 */
export function judge(out: usize, directionOut: usize): void {
  const rows = (<usize>n) << 3;
  for (let i = 0; i < n; i++) {
    const judged = step(i);
    const at = out + ((<usize>i) << 3);
    store<f64>(at, judged ? q1 : NaN);
    store<f64>(at + rows, judged ? q3 : NaN);
    store<f64>(at + 2 * rows, judged ? iqr : NaN);
    store<f64>(at + 3 * rows, judged ? lower : NaN);
    store<f64>(at + 4 * rows, judged ? upper : NaN);
    store<f64>(at + 5 * rows, judged ? score : NaN);
    store<i8>(directionOut + <usize>i, <i8>direction);
  }
}

/** Points {@link judgeLines} left unjudged (too few values in their window, or before judgeFrom). */
export let unjudged: i32 = 0;
/** Points {@link judgeLines} flagged. */
export let flagged: i32 = 0;

/** Bytes a flag line takes besides its head, at most: the verdict, the fences and the line's end. */
export const LINE_TAIL_BYTES: i32 = VERDICT_BYTES + 2 * (9 + 25) + 2;

/**
 * Judges the sweep {@link begin} started as {@link judge} does and prints the NDJSON lines of its
 * flagged points (`riskfence detect --format ndjson`) at `dst` as it goes, without per-point
 * arrays: per flag `head` (`{"asset":…,"metric":…,"timeframe":…,"timestamp":"`), the time as
 * `Date#toISOString` writes it, then `","value":`, the value, the direction, the score (null when
 * NaN), the fences, `}` and a newline — `JSON.stringify` of the flag's object, byte for byte. Counts
 * the points left unjudged and flagged in {@link unjudged} and {@link flagged}.
 *
 * @param dst - room for (flags) × (headLength + LINE_TAIL_BYTES) bytes
 * @returns the bytes written, or -1 when a flagged point's time is outside the years 0 to 9999
 */
export function judgeLines(head: usize, headLength: i32, dst: usize): i32 {
  unjudged = 0;
  flagged = 0;
  let p = dst;
  for (let i = 0; i < n; i++) {
    if (!step(i)) {
      unjudged++;
      continue;
    }
    if (direction === 0) continue;
    flagged++;
    const at = (<usize>i) << 3;
    p = putVerdict(
      put(p, head, <usize>headLength),
      load<f64>(times + at),
      load<f64>(values + at),
      direction,
      score,
    );
    if (p === 0) return -1;
    p = writeJsonNumber(lower, put(p, LOWER, 9));
    p = writeJsonNumber(upper, put(p, UPPER, 9));
    store<u16>(p, 0x0a7d); // }\n
    p += 2;
  }
  return <i32>(p - dst);
}
