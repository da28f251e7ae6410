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

declare const SLOT: unique symbol;
/** One asset's accumulator inside a {@link SeriesBuilder}: opaque to callers. */
export interface SeriesSlot {
  readonly [SLOT]: true;
}

/**
 * One asset's observations so far, interleaved as `[time, ref, ...values]` in chunks carved from
 * the builder's slabs: a full chunk is followed by a new one instead of being copied into a
 * larger array, and a chunk is a view of a slab, not an allocation of its own.
 */
interface Accumulator {
  length: number;
  /** Every chunk, the one being filled last. */
  readonly chunks: Float64Array[];
  /** Observations in the last chunk. */
  used: number;
}

// Chunks start small (most inputs have a few observations per asset, or many assets) and double
// up to a bound, so that an asset wastes at most one partly filled chunk.
const FIRST_CHUNK = 16;
const LARGEST_CHUNK = 1024;
// Slabs hold the chunks of many assets: a few allocations instead of one per chunk.
const SLAB_DOUBLES = 1 << 17;

/**
 * Collects observations in any order and builds sorted per-asset series.
 *
 * Sorting is a stable sort by time per asset, skipped when an asset's input is
 * already in order (the common case for `mongoexport` output sorted by the
 * (asset, time) index).
 *
 * Complexity: O(1) per {@link add} (a full chunk is never copied); {@link build} O(n) to lay each
 * asset's series out in a buffer of its own, O(n log n) worst case to sort it.
 *
 * @example
 * const b = new SeriesBuilder(['volume']);
 * b.add('bitcoin', Date.UTC(2022, 4, 12), [5], 0);
 * b.build().series[0]!.values[0]; // Float64Array [5]
 */
export class SeriesBuilder {
  readonly #metrics: readonly string[];
  /** Doubles per observation: time, ref and one value per metric. */
  readonly #stride: number;
  readonly #assets = new Map<string, Accumulator>();
  readonly #bad: number[];
  #observations = 0;
  #slab = new Float64Array(0);
  #slabUsed = 0;

  constructor(metrics: readonly string[]) {
    this.#metrics = metrics;
    this.#stride = metrics.length + 2;
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
    this.addTo(this.slot(asset), time, values, ref);
  }

  /**
   * The accumulator of one asset, created on first use: callers that know which asset a
   * document belongs to without a name lookup (the NDJSON scanner interns names) keep it and
   * add through {@link addTo}, saving a map lookup per observation.
   *
   * @example
   * const btc = b.slot('bitcoin');
   * b.addTo(btc, Date.UTC(2022, 4, 12), [5], 0);
   */
  slot(asset: string): SeriesSlot {
    let acc = this.#assets.get(asset);
    if (acc === undefined) {
      acc = { length: 0, chunks: [this.#chunk(FIRST_CHUNK)], used: 0 };
      this.#assets.set(asset, acc);
    }
    return acc as unknown as SeriesSlot;
  }

  /** {@link add} to an asset's {@link slot} of this builder. */
  addTo(slot: SeriesSlot, time: number, values: ArrayLike<number>, ref: number): void {
    const acc = slot as unknown as Accumulator;
    const m = this.#metrics.length;
    const stride = this.#stride;
    let chunk = acc.chunks[acc.chunks.length - 1]!;
    if (acc.used * stride === chunk.length) {
      chunk = this.#chunk(Math.min(LARGEST_CHUNK, (chunk.length / stride) * 2));
      acc.chunks.push(chunk);
      acc.used = 0;
    }
    const at = acc.used * stride;
    chunk[at] = time;
    chunk[at + 1] = ref;
    for (let i = 0; i < m; i++) {
      const v = values[i] as number;
      if (Number.isFinite(v)) chunk[at + 2 + i] = v;
      else {
        this.#bad[i]!++;
        chunk[at + 2 + i] = Number.NaN;
      }
    }
    acc.used++;
    acc.length++;
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

  /** A chunk for `observations` observations, from the current slab or a new one. */
  #chunk(observations: number): Float64Array {
    const doubles = observations * this.#stride;
    if (this.#slabUsed + doubles > this.#slab.length) {
      this.#slab = new Float64Array(Math.max(SLAB_DOUBLES, doubles));
      this.#slabUsed = 0;
    }
    this.#slabUsed += doubles;
    return this.#slab.subarray(this.#slabUsed - doubles, this.#slabUsed);
  }
}

function toSeries(asset: string, acc: Accumulator, metricCount: number): AssetSeries {
  const n = acc.length;
  const stride = metricCount + 2;
  const out = seriesArrays(asset, n, metricCount);
  const { times, refs, values } = out;
  let k = 0;
  for (const chunk of acc.chunks) {
    const used = chunk === acc.chunks[acc.chunks.length - 1] ? acc.used : chunk.length / stride;
    for (let at = 0; at < used * stride; at += stride, k++) {
      times[k] = chunk[at]!;
      refs[k] = chunk[at + 1]!;
      for (let m = 0; m < metricCount; m++) values[m]![k] = chunk[at + 2 + m]!;
    }
  }
  const order = sortedOrder(times);
  if (order === null) return out;
  const sorted = seriesArrays(asset, n, metricCount);
  for (let i = 0; i < n; i++) {
    const src = order[i]!;
    sorted.times[i] = times[src]!;
    sorted.refs[i] = refs[src]!;
    for (let m = 0; m < metricCount; m++) sorted.values[m]![i] = values[m]![src]!;
  }
  return sorted;
}

/**
 * Zeroed arrays for a series of `n` observations, all views of one buffer: one allocation per
 * asset, and one buffer to move when the series goes to another thread (a block of assets is
 * moved whole, so no buffer is shared between assets).
 */
function seriesArrays(
  asset: string,
  n: number,
  metricCount: number,
): AssetSeries & { readonly values: Float64Array[] } {
  const buffer = new ArrayBuffer(n * (metricCount + 2) * Float64Array.BYTES_PER_ELEMENT);
  const array = (k: number) => new Float64Array(buffer, k * n * Float64Array.BYTES_PER_ELEMENT, n);
  return {
    asset,
    times: array(0),
    refs: array(1),
    values: Array.from({ length: metricCount }, (_, m) => array(m + 2)),
  };
}

/** A stable by-time permutation, or null when the input is already in order. */
function sortedOrder(times: Float64Array): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < times.length && sorted; i++) sorted = times[i - 1]! <= times[i]!;
  if (sorted) return null;
  const order = Uint32Array.from(times.keys());
  return order.sort((a, b) => times[a]! - times[b]! || a - b);
}

/**
 * Joins series sets built from consecutive parts of one input (e.g. byte
 * ranges parsed in parallel) into the set a single pass would have built.
 *
 * Each part's refs are shifted by its offset; each asset's series are merged
 * by time, and for equal times earlier parts come first, which keeps the
 * stable input order that duplicate timestamps rely on. Bad-value counts and
 * observation counts add up. The parts are not modified.
 *
 * @param parts - sets over the same metrics, in input order
 * @param refOffsets - added to the refs of the part at the same index
 * @returns the joined set, assets sorted by name
 *
 * Complexity: O(n · parts) for n observations, no sort.
 *
 * @example
 * mergeSeriesSets([firstHalf, secondHalf], [0, firstHalfDocuments]);
 */
export function mergeSeriesSets(parts: readonly SeriesSet[], refOffsets: readonly number[]): SeriesSet {
  const metrics = parts[0]?.metrics ?? [];
  const byAsset = new Map<string, { series: AssetSeries; offset: number }[]>();
  parts.forEach((part, p) => {
    for (const series of part.series) {
      const list = byAsset.get(series.asset) ?? [];
      list.push({ series, offset: refOffsets[p] ?? 0 });
      byAsset.set(series.asset, list);
    }
  });
  const series = [...byAsset.keys()]
    .sort()
    .map((asset) => mergeSeries(asset, byAsset.get(asset)!, metrics.length));
  const badValues: Record<string, number> = {};
  for (const metric of metrics)
    badValues[metric] = parts.reduce((sum, part) => sum + (part.badValues[metric] ?? 0), 0);
  const observations = parts.reduce((sum, part) => sum + part.observations, 0);
  return { metrics, series, badValues, observations };
}

/** Whether every piece's first time is at or after the previous piece's last time (ties keep piece order). */
function inSequence(pieces: readonly { series: AssetSeries }[]): boolean {
  let last = Number.NEGATIVE_INFINITY;
  for (const { series } of pieces) {
    const n = series.times.length;
    if (n === 0) continue;
    if (series.times[0]! < last) return false;
    last = series.times[n - 1]!;
  }
  return true;
}

function mergeSeries(
  asset: string,
  pieces: readonly { series: AssetSeries; offset: number }[],
  metricCount: number,
): AssetSeries {
  if (pieces.length === 1) {
    // An asset inside one part (inputs sorted by asset): share its arrays, shift only the refs.
    const { series, offset } = pieces[0]!;
    return { ...series, refs: series.refs.map((r) => r + offset) };
  }
  const n = pieces.reduce((sum, p) => sum + p.series.times.length, 0);
  const merged = seriesArrays(asset, n, metricCount);
  const { times, refs, values } = merged;
  if (inSequence(pieces)) {
    // Each piece starts no earlier than the previous one ends (ranges of an input in time
    // order): the merge is a concatenation, copied block by block.
    let at = 0;
    for (const { series: s, offset } of pieces) {
      times.set(s.times, at);
      if (offset === 0) refs.set(s.refs, at);
      else for (let i = 0; i < s.refs.length; i++) refs[at + i] = s.refs[i]! + offset;
      for (let m = 0; m < metricCount; m++) values[m]!.set(s.values[m]!, at);
      at += s.times.length;
    }
    return merged;
  }
  const heads = pieces.map(() => 0);
  for (let out = 0; out < n; out++) {
    // Strict < keeps the earliest piece on ties: the input order of equal times.
    let pick = -1;
    for (let p = 0; p < pieces.length; p++) {
      const s = pieces[p]!.series;
      if (
        heads[p]! < s.times.length &&
        (pick < 0 || s.times[heads[p]!]! < pieces[pick]!.series.times[heads[pick]!]!)
      ) {
        pick = p;
      }
    }
    const { series: s, offset } = pieces[pick]!;
    const i = heads[pick]!++;
    times[out] = s.times[i]!;
    refs[out] = s.refs[i]! + offset;
    for (let m = 0; m < metricCount; m++) values[m]![out] = s.values[m]![i]!;
  }
  return merged;
}
