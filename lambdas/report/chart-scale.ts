/** Maps data values to pixel positions along one axis. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  /** Data domain `[min, max]`; both positive for a log scale. */
  readonly domain: readonly [number, number];
  /** Pixel range `[start, end]` (for a y axis, bottom first). */
  readonly range: readonly [number, number];
  /** Pixel position of `v`; values outside the domain (and `v <= 0` on a log scale) are clamped to its ends. */
  readonly at: (v: number) => number;
  /** Tick values inside the domain, ascending. */
  readonly ticks: readonly number[];
}

/**
 * A linear scale with "nice" ticks (1, 2 or 5 × 10^k steps).
 *
 * A degenerate domain (`min === max`, e.g. a constant series) is widened by
 * one unit (or 1 % of the magnitude) on each side so every value still maps
 * inside the range. The axis stays finite for any input: ±Infinity ends are
 * read as ±`Number.MAX_VALUE` (a NaN end as the other end), spans wider than `MAX_VALUE` are
 * computed halved, an end that would round past `MAX_VALUE` stays
 * `MAX_VALUE`, and there are at most `4 · tickCount + 2` ticks.
 *
 * @param domain - data extent
 * @param range - pixel extent
 * @param tickCount - rough number of ticks wanted (2 to 100)
 * @returns the scale, its domain widened to whole ticks
 *
 * Complexity: O(tickCount).
 *
 * @example
 * linearScale([0, 100], [200, 0]).at(50); // 100
 * linearScale([-1e308, 1e308], [200, 0]).ticks; // [-1e308, -5e307, 0, 5e307, 1e308]
 */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
  tickCount = 5,
) {
  // At least 2, so that a span of up to 2 · MAX_VALUE, halved and divided by it, stays finite.
  const wanted = Math.min(Math.max(Math.round(tickCount) || 2, 2), 100);
  // A NaN end takes the other's value.
  const [a, b] = Number.isNaN(domain[0])
    ? [domain[1], domain[1]]
    : [domain[0], Number.isNaN(domain[1]) ? domain[0] : domain[1]];
  let lo = finiteValue(Math.min(a, b));
  let hi = finiteValue(Math.max(a, b));
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.01;
    lo = finiteValue(lo - pad);
    hi = finiteValue(hi + pad);
    // Subnormal values have no 1 % to spare.
    if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  }
  // hi - lo overflows to Infinity for [-1e308, 1e308]: halved, it does not.
  const span = hi - lo;
  const step = niceStep(Number.isFinite(span) ? span / wanted : ((hi / 2 - lo / 2) / wanted) * 2);
  const niceLo = roundTo(finiteValue(Math.floor(lo / step) * step), step);
  const niceHi = roundTo(finiteValue(Math.ceil(hi / step) * step), step);
  // Ends more than 2^53 steps from 0 (a span of a few ulps) lose the multiple: they stay as they are.
  if (niceLo < niceHi) [lo, hi] = [niceLo, niceHi];
  // An end held at MAX_VALUE is no multiple of the step: the ticks stop below it.
  const count = Math.min(Math.floor(hi / step - lo / step + 1e-9), 4 * wanted + 1);
  const ticks: number[] = [];
  for (let i = 0; i <= count; i++) {
    const v = lo + i * step;
    const tick = Number.isFinite(v) ? v : 2 * (lo / 2 + i * (step / 2));
    const rounded = clamp(roundTo(tick, step), lo, hi);
    // A step below the spacing of doubles (a span of a few ulps near 1e308) repeats values.
    if (!(rounded <= ticks[ticks.length - 1]!)) ticks.push(rounded);
  }
  if (ticks.length < 2) ticks.splice(0, ticks.length, lo, hi);
  const [r0, r1] = range;
  const width = hi - lo;
  const at = Number.isFinite(width)
    ? (v: number) => r0 + ((clamp(v, lo, hi) - lo) / width) * (r1 - r0)
    : (v: number) => r0 + ((clamp(v, lo, hi) / 2 - lo / 2) / (hi / 2 - lo / 2)) * (r1 - r0);
  return { kind: 'linear', domain: [lo, hi], range, at, ticks } as const satisfies Scale;
}

/**
 * A base-10 log scale with a tick at each power of ten (every other one when
 * the domain spans more than eight decades, and fewer still past sixteen, so
 * there are never more than about ten).
 *
 * Ends that are not positive and finite are clamped to the decades a double
 * can hold (1e-323 to 1e308).
 *
 * @param domain - data extent; both ends should be positive
 * @param range - pixel extent
 * @returns the scale, its domain widened to whole decades
 *
 * Complexity: O(decades / step).
 *
 * @example
 * logScale([0.0001, 80], [200, 0]).ticks; // [0.0001, 0.001, 0.01, 0.1, 1, 10, 100]
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number]) {
  const lo = decade(Math.floor(Math.log10(domain[0])));
  const hi = Math.max(decade(Math.ceil(Math.log10(domain[1]))), lo + 1);
  const every = hi - lo > 8 ? Math.ceil((hi - lo) / 8) : 1;
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e += every) ticks.push(Number(`1e${e}`));
  const [r0, r1] = range;
  const at = (v: number) => {
    const e = v > 0 ? clamp(Math.log10(v), lo, hi) : lo;
    return r0 + ((e - lo) / (hi - lo)) * (r1 - r0);
  };
  return { kind: 'log', domain: [10 ** lo, 10 ** hi], range, at, ticks } as const satisfies Scale;
}

/**
 * Whether positive values span more than `decades` powers of ten, the point
 * at which a linear axis hides everything but the largest values.
 *
 * @param values - finite values; non-positive ones are ignored
 * @returns `true` when `max / min > 10^decades`
 *
 * @example
 * spansDecades([80, 0.0001]); // true
 */
export function spansDecades(values: Iterable<number>, decades = 2): boolean {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const v of values) {
    if (v > 0) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return max > 0 && max / min > 10 ** decades;
}

/** Time-axis tick candidates, finest first: [step in days, label style]. */
const TIME_STEPS = [
  [1, 'day'],
  [2, 'day'],
  [7, 'day'],
  [14, 'day'],
  [30, 'month'],
  [91, 'quarter'],
  [182, 'half'],
  [365, 'year'],
  [730, 'year'],
] as const;

/**
 * Ticks for a UTC time axis: whole days, month starts, quarters or years,
 * chosen so about `tickCount` fall inside `[from, to]`.
 *
 * @param from - epoch ms
 * @param to - epoch ms; the range is clipped to the dates JavaScript can represent
 * @returns tick times with their labels (`2022-05-09`, `2022-05`, `2022`); none when `from > to` or either is NaN
 *
 * Complexity: O(tickCount).
 *
 * @example
 * timeTicks(Date.UTC(2022, 3, 1), Date.UTC(2022, 5, 30))[0]; // { time: Date.UTC(2022, 3, 1), label: '2022-04' }
 */
export function timeTicks(from: number, to: number, tickCount = 8): { time: number; label: string }[] {
  const ticks: { time: number; label: string }[] = [];
  if (!(from <= to) || from > MAX_DATE || to < -MAX_DATE) return ticks;
  from = Math.max(from, -MAX_DATE);
  to = Math.min(to, MAX_DATE);
  const days = (to - from) / 86_400_000;
  // Past the longest fixed step, whole numbers of years (1, 2 or 5 × 10^k) keep the count near tickCount.
  const [stepDays, style] = TIME_STEPS.find(([d]) => days / d <= tickCount) ?? [
    365 * Math.max(2, niceStep(days / 365 / tickCount)),
    'year',
  ];
  if (style === 'day') {
    const first = Math.ceil(from / 86_400_000) * 86_400_000;
    for (let t = first; t <= to; t += stepDays * 86_400_000) {
      ticks.push({ time: t, label: isoPrefix(t, 10) });
    }
    return ticks;
  }
  const months = { month: 1, quarter: 3, half: 6, year: 12 * Math.round(stepDays / 365) }[style];
  const start = new Date(from);
  let y = start.getUTCFullYear();
  let m = Math.ceil((start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0)) / months) * months;
  if (style === 'year') {
    // Steps of several years fall on their multiples: 2020, 2022, … rather than 2021, 2023, …
    const years = months / 12;
    y = Math.ceil((y + (start.getUTCMonth() > 0 || start.getUTCDate() > 1 ? 1 : 0)) / years) * years;
    m = 0;
  }
  for (;;) {
    // Not Date.UTC, which reads the years 0 to 99 as 1900 to 1999.
    const t = new Date(0).setUTCFullYear(y, m, 1);
    // NaN past the last representable date ends the loop too.
    if (!(t <= to)) break;
    if (t >= from) ticks.push({ time: t, label: isoPrefix(t, style === 'year' ? 4 : 7) });
    m += months;
    if (m >= 12) {
      y += Math.floor(m / 12);
      m %= 12;
    }
  }
  return ticks;
}

function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  // Below 1e-323 the power of ten underflows to 0; a subnormal step need not be nice.
  if (power === 0) return rough;
  const f = rough / power;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  // 2e308 overflows: the largest double is the only step left that wide.
  return Number.isFinite(step) ? step : Number.MAX_VALUE;
}

/**
 * Removes binary noise such as 0.30000000000000004 from a multiple of `step`:
 * keeps the significant digits down to one below the step's, at any magnitude.
 */
function roundTo(v: number, step: number): number {
  if (Math.abs(v) < step * 1e-6) return 0;
  const digits = Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step)) + 2;
  const rounded = Number(v.toPrecision(Math.min(Math.max(digits, 1), 17)));
  // MAX_VALUE rounds up to 1.8e308, which is Infinity.
  return Number.isFinite(rounded) ? rounded : v;
}

/** The first `length` characters of a time's ISO text, counting a six-digit signed year (`+275760`) as four. */
function isoPrefix(t: number, length: number): string {
  const iso = new Date(t).toISOString();
  return iso.slice(0, length + iso.length - 24);
}

/** The largest |epoch ms| a `Date` holds (±275760-09-13). */
const MAX_DATE = 8.64e15;

/** ±Infinity as the largest finite doubles; NaN as 0. */
function finiteValue(v: number): number {
  if (Number.isNaN(v)) return 0;
  return clamp(v, -Number.MAX_VALUE, Number.MAX_VALUE);
}

/** A power of ten a double holds as a normal or subnormal number: 1e-323 to 1e308 (NaN as 0). */
function decade(e: number): number {
  return Number.isNaN(e) ? 0 : clamp(e, -323, 308);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
