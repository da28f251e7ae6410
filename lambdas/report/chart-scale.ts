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
 * inside the range.
 *
 * @param domain - data extent
 * @param range - pixel extent
 * @param tickCount - rough number of ticks wanted
 * @returns the scale, its domain widened to whole ticks
 *
 * @example
 * linearScale([0, 100], [200, 0]).at(50); // 100
 */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
  tickCount = 5,
) {
  let [lo, hi] = domain;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.01;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / tickCount);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; i++) ticks.push(roundTo(lo + i * step, step));
  const [r0, r1] = range;
  const at = (v: number) => r0 + ((clamp(v, lo, hi) - lo) / (hi - lo)) * (r1 - r0);
  return { kind: 'linear', domain: [lo, hi], range, at, ticks } as const satisfies Scale;
}

/**
 * A base-10 log scale with a tick at each power of ten (every other one when
 * the domain spans more than eight decades).
 *
 * @param domain - data extent; both ends must be positive
 * @param range - pixel extent
 * @returns the scale, its domain widened to whole decades
 *
 * @example
 * logScale([0.0001, 80], [200, 0]).ticks; // [0.0001, 0.001, 0.01, 0.1, 1, 10, 100]
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number]) {
  const lo = Math.floor(Math.log10(domain[0]));
  const hi = Math.max(Math.ceil(Math.log10(domain[1])), lo + 1);
  const every = hi - lo > 8 ? 2 : 1;
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
 * @param to - epoch ms
 * @returns tick times with their labels (`2022-05-09`, `2022-05`, `2022`)
 *
 * @example
 * timeTicks(Date.UTC(2022, 3, 1), Date.UTC(2022, 5, 30))[0]; // { time: Date.UTC(2022, 3, 1), label: '2022-04' }
 */
export function timeTicks(from: number, to: number, tickCount = 8): { time: number; label: string }[] {
  const days = (to - from) / 86_400_000;
  const [stepDays, style] =
    TIME_STEPS.find(([d]) => days / d <= tickCount) ?? TIME_STEPS[TIME_STEPS.length - 1]!;
  const ticks: { time: number; label: string }[] = [];
  if (style === 'day') {
    const first = Math.ceil(from / 86_400_000) * 86_400_000;
    for (let t = first; t <= to; t += stepDays * 86_400_000) {
      ticks.push({ time: t, label: new Date(t).toISOString().slice(0, 10) });
    }
    return ticks;
  }
  const months = { month: 1, quarter: 3, half: 6, year: 12 * Math.round(stepDays / 365) }[style];
  const start = new Date(from);
  let y = start.getUTCFullYear();
  let m = Math.ceil((start.getUTCMonth() + (start.getUTCDate() > 1 ? 1 : 0)) / months) * months;
  for (;;) {
    const t = Date.UTC(y, m, 1);
    if (t > to) break;
    if (t >= from)
      ticks.push({ time: t, label: new Date(t).toISOString().slice(0, style === 'year' ? 4 : 7) });
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
  const f = rough / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/** Removes binary noise such as 0.30000000000000004 from a multiple of `step`. */
function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(digits, 20)));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
