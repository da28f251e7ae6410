// Window mode's results for one series, printed as the entries of `riskfence detect --format json`'s
// report (AssemblyScript, built into dist/wasm/window.wasm by tools/build-wasm.mjs): the loop of
// lambdas/core/window-detector.ts — each timeframe's window [asOf - T, asOf), R-7 quartiles of its
// finite values by selection (RankSelector's order), Tukey fences, flags — with the same double
// operations in the same order, and each result written as `JSON.stringify(windowResultJson(r))`
// writes it (test/wasm/window-kernel.test.ts). The caller (lambdas/wasm/window-kernel.ts) lays out
// the series and the texts in the memory and passes their addresses.
import { writeJsonNumber } from './json-number';
import { LOWER, put, putVerdict, scoreOf, sideOf, UPPER, VERDICT_BYTES } from './verdict';

/** Where the caller's arrays may start: past the module's own data. */
export const LAYOUT_AT: usize = (__heap_base + 63) & ~63;
/** Bytes an entry takes at most besides the asset's and metric's texts, and per flag. */
export const ENTRY_BYTES: i32 = 64 + 25 + 12 + 128 + 5 * 25;
export const FLAG_BYTES: i32 = VERDICT_BYTES + 16;
const DAY_MS: f64 = 86_400_000;

const ASSET = memory.data<u8>([0x7b, 0x22, 0x61, 0x73, 0x73, 0x65, 0x74, 0x22, 0x3a]); // {"asset":
const METRIC = memory.data<u8>([0x2c, 0x22, 0x6d, 0x65, 0x74, 0x72, 0x69, 0x63, 0x22, 0x3a]); // ,"metric":
const TIMEFRAME = memory.data<u8>([
  0x2c, 0x22, 0x74, 0x69, 0x6d, 0x65, 0x66, 0x72, 0x61, 0x6d, 0x65, 0x22, 0x3a,
]); // ,"timeframe":
const N = memory.data<u8>([0x2c, 0x22, 0x6e, 0x22, 0x3a]); // ,"n":
const FENCES = memory.data<u8>([0x2c, 0x22, 0x66, 0x65, 0x6e, 0x63, 0x65, 0x73, 0x22, 0x3a]); // ,"fences":
const Q1 = memory.data<u8>([0x7b, 0x22, 0x71, 0x31, 0x22, 0x3a]); // {"q1":
const Q3 = memory.data<u8>([0x2c, 0x22, 0x71, 0x33, 0x22, 0x3a]); // ,"q3":
const IQR = memory.data<u8>([0x2c, 0x22, 0x69, 0x71, 0x72, 0x22, 0x3a]); // ,"iqr":
const FLAGS = memory.data<u8>([0x2c, 0x22, 0x66, 0x6c, 0x61, 0x67, 0x73, 0x22, 0x3a, 0x5b]); // ,"flags":[
const TIMESTAMP = memory.data<u8>([
  0x7b, 0x22, 0x74, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x22, 0x3a, 0x22,
]); // {"timestamp":"

// The ranks placed so far in the current window's scratch values (RankSelector's list), ascending.
const PLACED = memory.data(8 * 4);
let placedCount = 0;
let scratch: usize = 0;
let length = 0;

function value(i: i32): f64 {
  return load<f64>(scratch + ((<usize>i) << 3));
}

function swap(i: i32, j: i32): void {
  const t = value(i);
  store<f64>(scratch + ((<usize>i) << 3), value(j));
  store<f64>(scratch + ((<usize>j) << 3), t);
}

/** The value of rank `rank` among the window's values: RankSelector#at. */
function at(rank: i32): f64 {
  let i = 0;
  while (i < placedCount && load<i32>(PLACED + ((<usize>i) << 2)) < rank) i++;
  if (i === placedCount || load<i32>(PLACED + ((<usize>i) << 2)) !== rank) {
    const lo = i > 0 ? load<i32>(PLACED + ((<usize>(i - 1)) << 2)) + 1 : 0;
    const hi = i < placedCount ? load<i32>(PLACED + ((<usize>i) << 2)) - 1 : length - 1;
    // The neighbour of a rank already placed is the extreme of its gap: one scan.
    if (rank === lo) placeMin(lo, hi);
    else if (rank === hi) placeMax(lo, hi);
    else select(lo, hi, rank);
    for (let j = placedCount; j > i; j--)
      store<i32>(PLACED + ((<usize>j) << 2), load<i32>(PLACED + ((<usize>(j - 1)) << 2)));
    store<i32>(PLACED + ((<usize>i) << 2), rank);
    placedCount++;
  }
  return value(rank);
}

/** Quickselect (median of three, Hoare's partition) of rank k into place within [lo, hi]. */
function select(lo: i32, hi: i32, k: i32): void {
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (value(mid) < value(lo)) swap(lo, mid);
    if (value(hi) < value(lo)) swap(lo, hi);
    if (value(hi) < value(mid)) swap(mid, hi);
    const pivot = value(mid);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (value(i) < pivot) i++;
      while (value(j) > pivot) j--;
      if (i <= j) swap(i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  if (hi > lo && value(hi) < value(lo)) swap(lo, hi);
}

function placeMin(lo: i32, hi: i32): void {
  let best = lo;
  let min = value(lo);
  for (let i = lo + 1; i <= hi; i++) {
    const v = value(i);
    if (v < min) {
      min = v;
      best = i;
    }
  }
  store<f64>(scratch + ((<usize>best) << 3), value(lo));
  store<f64>(scratch + ((<usize>lo) << 3), min);
}

function placeMax(lo: i32, hi: i32): void {
  let best = hi;
  let max = value(hi);
  for (let i = lo; i < hi; i++) {
    const v = value(i);
    if (v > max) {
      max = v;
      best = i;
    }
  }
  store<f64>(scratch + ((<usize>best) << 3), value(hi));
  store<f64>(scratch + ((<usize>hi) << 3), max);
}

/** R-7 at p of the window's values, with the interpolation symmetric about the midpoint (`lerpSymmetric`). */
function quantile(p: f64): f64 {
  const below = Math.floor(<f64>(length - 1) * p);
  const t = <f64>(length - 1) * p - below;
  const a = at(<i32>below);
  if (t === 0) return a;
  const b = at(<i32>below + 1);
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The first index of `times[0, n)` not below t. */
function lowerBound(times: usize, n: i32, t: f64): i32 {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(times + ((<usize>mid) << 3)) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The report entries of one series — per timeframe, per metric, as `detectWindow` orders its
 * results — written at `dst`, separated by commas; per result three i32 at `stats`: the window's
 * finite values, whether it has fences, and its flags.
 *
 * @param values - `metrics` arrays of n f64, one after another
 * @param names - per metric i32 offset and i32 length of its JSON text (quoted) at `texts`
 * @param asset - the asset's JSON text (quoted), `assetLength` bytes
 * @param scratch - room for n f64
 * @returns the bytes written, or -1 when a flagged point's time is outside the years 0 to 9999 (the
 *   caller then reports the series itself)
 */
export function windowEntries(
  times: usize,
  n: i32,
  values: usize,
  metrics: i32,
  timeframes: usize,
  timeframeCount: i32,
  asOf: f64,
  minSamples: i32,
  deviationLimit: f64,
  minRelativeIqr: f64,
  asset: usize,
  assetLength: i32,
  names: usize,
  texts: usize,
  scratchAt: usize,
  stats: usize,
  dst: usize,
): i32 {
  scratch = scratchAt;
  let p = dst;
  let s = stats;
  for (let k = 0; k < timeframeCount; k++) {
    const timeframe = load<f64>(timeframes + ((<usize>k) << 3));
    const start = lowerBound(times, n, asOf - timeframe * DAY_MS);
    const end = lowerBound(times, n, asOf);
    for (let m = 0; m < metrics; m++) {
      const column = values + ((<usize>m * <usize>n) << 3);
      let count = 0;
      for (let i = start; i < end; i++) {
        const v = load<f64>(column + ((<usize>i) << 3));
        if (isFinite(v)) {
          store<f64>(scratch + ((<usize>count) << 3), v);
          count++;
        }
      }
      if (p !== dst) store<u8>(p++, 0x2c);
      p = put(p, ASSET, 9);
      p = put(p, asset, <usize>assetLength);
      p = put(p, METRIC, 10);
      p = put(
        p,
        texts + <usize>load<i32>(names + ((<usize>m) << 3)),
        <usize>load<i32>(names + ((<usize>m) << 3), 4),
      );
      p = writeJsonNumber(timeframe, put(p, TIMEFRAME, 13));
      p = writeJsonNumber(<f64>count, put(p, N, 5));
      p = put(p, FENCES, 10);
      let flags = 0;
      if (count > 0 && count >= minSamples) {
        length = count;
        placedCount = 0;
        const q1 = quantile(0.25);
        const q3 = quantile(0.75);
        let iqr = q3 - q1;
        if (minRelativeIqr > 0) {
          const floor = minRelativeIqr * Math.abs(quantile(0.5));
          if (iqr < floor) iqr = floor;
        }
        const lower = q1 - deviationLimit * iqr;
        const upper = q3 + deviationLimit * iqr;
        p = writeJsonNumber(q1, put(p, Q1, 6));
        p = writeJsonNumber(q3, put(p, Q3, 6));
        p = writeJsonNumber(iqr, put(p, IQR, 7));
        p = writeJsonNumber(lower, put(p, LOWER, 9));
        p = writeJsonNumber(upper, put(p, UPPER, 9));
        store<u8>(p++, 0x7d);
        p = put(p, FLAGS, 10);
        for (let i = start; i < end; i++) {
          const x = load<f64>(column + ((<usize>i) << 3));
          // Most values lie inside the fences (NaN too): two comparisons rule them out.
          if (!(x > upper || x < lower)) continue;
          const side = sideOf(x, lower, upper);
          if (side === 0) continue;
          if (flags++ > 0) store<u8>(p++, 0x2c);
          const time = load<f64>(times + ((<usize>i) << 3));
          p = putVerdict(put(p, TIMESTAMP, 14), time, x, side, scoreOf(x, side, lower, upper, iqr));
          if (p === 0) return -1;
          store<u8>(p++, 0x7d);
        }
      } else {
        store<u32>(p, 0x6c6c756e); // null
        p = put(p + 4, FLAGS, 10);
      }
      store<u16>(p, 0x7d5d); // ]}
      p += 2;
      store<i32>(s, count);
      store<i32>(s, count > 0 && count >= minSamples ? 1 : 0, 4);
      store<i32>(s, flags, 8);
      s += 12;
    }
  }
  return <i32>(p - dst);
}
