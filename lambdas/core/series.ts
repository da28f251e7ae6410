/** All observations of one asset, sorted by time (input order kept for equal times). */
export interface AssetSeries {
  readonly asset: string;
  /** Epoch milliseconds, non-decreasing. */
  readonly times: Float64Array;
  /** Caller-chosen reference of each observation (document index, line number). */
  readonly refs: Float64Array;
  /** One array per metric (in {@link SeriesSet.metrics} order); NaN = missing or bad. */
  readonly values: readonly Float64Array[];
}

/** The series of every asset, sorted by asset name, plus data-quality counts. */
export interface SeriesSet {
  readonly metrics: readonly string[];
  readonly series: readonly AssetSeries[];
  /** Per metric: how many observations had a missing or bad value. */
  readonly badValues: Readonly<Record<string, number>>;
  /** Observations added. */
  readonly observations: number;
}

interface Accumulator {
  times: number[];
  refs: number[];
  values: number[];
}

/**
 * Collects observations in any order and builds sorted per-asset series.
 *
 * Sorting is a stable sort by time per asset, skipped when an asset's input is
 * already in order (the common case for `mongoexport` output sorted by the
 * (asset, time) index).
 *
 * Complexity: O(1) amortised per {@link add}; {@link build} O(n log n) worst case.
 *
 * @example
 * const b = new SeriesBuilder(['volume']);
 * b.add('bitcoin', Date.UTC(2022, 4, 12), [5], 0);
 * b.build().series[0]!.values[0]; // Float64Array [5]
 */
export class SeriesBuilder {
  readonly #metrics: readonly string[];
  readonly #assets = new Map<string, Accumulator>();
  readonly #bad: number[];
  #observations = 0;

  constructor(metrics: readonly string[]) {
    this.#metrics = metrics;
    this.#bad = metrics.map(() => 0);
  }

  /**
   * Adds one observation.
   * @param asset - asset name
   * @param time - epoch milliseconds
   * @param values - one value per metric; NaN or ±Infinity for missing or bad (stored as NaN, counted)
   * @param ref - reference returned in {@link AssetSeries.refs}
   */
  add(asset: string, time: number, values: ArrayLike<number>, ref: number): void {
    let acc = this.#assets.get(asset);
    if (acc === undefined) {
      acc = { times: [], refs: [], values: [] };
      this.#assets.set(asset, acc);
    }
    acc.times.push(time);
    acc.refs.push(ref);
    const m = this.#metrics.length;
    for (let i = 0; i < m; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) acc.values.push(v);
      else {
        this.#bad[i]!++;
        acc.values.push(Number.NaN);
      }
    }
    this.#observations++;
  }

  /** Builds the sorted series; the builder can keep accepting observations afterwards. */
  build(): SeriesSet {
    const names = [...this.#assets.keys()].sort();
    const series = names.map((asset) => toSeries(asset, this.#assets.get(asset)!, this.#metrics.length));
    const badValues: Record<string, number> = {};
    this.#metrics.forEach((metric, i) => {
      badValues[metric] = this.#bad[i]!;
    });
    return { metrics: this.#metrics, series, badValues, observations: this.#observations };
  }
}

function toSeries(asset: string, acc: Accumulator, metricCount: number): AssetSeries {
  const n = acc.times.length;
  const order = sortedOrder(acc.times);
  const times = new Float64Array(n);
  const refs = new Float64Array(n);
  const values = Array.from({ length: metricCount }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const src = order === null ? i : order[i]!;
    times[i] = acc.times[src]!;
    refs[i] = acc.refs[src]!;
    for (let m = 0; m < metricCount; m++) values[m]![i] = acc.values[src * metricCount + m]!;
  }
  return { asset, times, refs, values };
}

/** A stable by-time permutation, or null when the input is already in order. */
function sortedOrder(times: readonly number[]): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = times[i - 1]! <= times[i]!;
  if (sorted) return null;
  const order = Uint32Array.from(times.keys());
  return order.sort((a, b) => times[a]! - times[b]! || a - b);
}
