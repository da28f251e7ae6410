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

/** One asset's observations in a {@link SeriesPart}: `[time, ref, ...values]` interleaved, in input order. */
export interface AssetChunks {
  readonly asset: string;
  /** Observations in all chunks. */
  readonly length: number;
  readonly chunks: readonly Float64Array[];
}

/**
 * What a {@link SeriesBuilder} collected, unsorted, as plain data a thread can send to another:
 * with shared slabs its chunks are shared, not copied.
 */
export interface SeriesPart extends Omit<SeriesSet, 'series'> {
  readonly assets: readonly AssetChunks[];
}

/** One asset's chunks across the parts of one input, each with its part's ref offset. */
export interface SeriesPieces {
  readonly asset: string;
  /** Observations in all pieces. */
  readonly length: number;
  readonly pieces: readonly { readonly chunks: readonly Float64Array[]; readonly offset: number }[];
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

// Chunks start small (4.5 KB with 7 metrics: many inputs have a few observations per asset, or
// many assets) and double up to a bound, so that an asset wastes at most one partly filled chunk.
// Not smaller than 64: each chunk is a view that a parallel read sends between threads twice, and
// starting at 16 (5 chunks instead of 3 for 360 observations) cost ~40 ms of a 0.95 s run of
// 1000 assets × 720 hours (12 paired runs), with the same peak memory.
const FIRST_CHUNK = 64;
const NO_CHUNK = new Float64Array(0);
const LARGEST_CHUNK = 1024;
// Slabs hold the chunks of many assets: a few allocations instead of one per chunk.
const SLAB_DOUBLES = 1 << 17;
const FIRST_SLAB_DOUBLES = 1 << 10;

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
  readonly #shared: boolean;
  #observations = 0;
  #slab: Float64Array<ArrayBufferLike> = new Float64Array(0);
  #slabUsed = 0;

  /**
   * @param metrics - the metrics of every observation, in the order of `values`
   * @param options - `shared`: slabs of shared memory, for a {@link part} another thread builds
   *   series from (the parallel file reader's ranges). @default `{ shared: false }`
   */
  constructor(metrics: readonly string[], options: { readonly shared?: boolean } = {}) {
    this.#metrics = metrics;
    this.#shared = options.shared ?? false;
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
      // An empty first chunk: an asset's first observation takes the path that adds a chunk, so the
      // JIT has seen that path before it optimises addTo (else it deoptimises when a chunk first fills).
      acc = { length: 0, chunks: [NO_CHUNK], used: 0 };
      this.#assets.set(asset, acc);
    }
    return acc as unknown as SeriesSlot;
  }

  /** {@link add} to an asset's {@link slot} of this builder. */
  addTo(slot: SeriesSlot, time: number, values: ArrayLike<number>, ref: number): void {
    this.#append(slot as unknown as Accumulator, time, values, 0, ref);
  }

  /**
   * {@link addTo} from a record of doubles: its time at `records[at + 1]`, its values from
   * `records[at + 2]` on (the layout of the WebAssembly field scanner's records; `records[at]` is
   * the caller's, the scanner's asset id). Non-finite values are stored as NaN and counted bad.
   *
   * @example
   * const records = Float64Array.of(0, Date.UTC(2022, 4, 12), 5);
   * b.addRecord(b.slot('bitcoin'), records, 0, 0); // as b.add('bitcoin', Date.UTC(2022, 4, 12), [5], 0)
   */
  addRecord(slot: SeriesSlot, records: Float64Array, at: number, ref: number): void {
    this.#append(slot as unknown as Accumulator, records[at + 1]!, records, at + 2, ref);
  }

  #append(acc: Accumulator, time: number, values: ArrayLike<number>, from: number, ref: number): void {
    const m = this.#metrics.length;
    const stride = this.#stride;
    let chunk = acc.chunks[acc.chunks.length - 1]!;
    if (acc.used * stride === chunk.length) {
      chunk = this.#chunk(Math.min(LARGEST_CHUNK, Math.max(FIRST_CHUNK, (chunk.length / stride) * 2)));
      acc.chunks.push(chunk);
      acc.used = 0;
    }
    const at = acc.used * stride;
    chunk[at] = time;
    chunk[at + 1] = ref;
    for (let i = 0; i < m; i++) {
      const v = values[from + i] as number;
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
    return joinSeriesParts([this.part()], [0]);
  }

  /**
   * What the builder holds so far, unsorted and unjoined: each asset's chunks, as views of the
   * builder's slabs (of shared memory when the builder was made `shared`, so that another
   * thread can read them without a copy). Later observations do not change it.
   *
   * @example
   * joinSeriesParts([first.part(), second.part()], [0, firstDocuments]);
   */
  part(): SeriesPart {
    const stride = this.#stride;
    const assets: AssetChunks[] = [];
    for (const [asset, acc] of this.#assets) {
      // Past the empty first chunk; the last one up to its last observation.
      const chunks = acc.chunks.slice(1);
      if (chunks.length > 0)
        chunks[chunks.length - 1] = chunks[chunks.length - 1]!.subarray(0, acc.used * stride);
      assets.push({ asset, length: acc.length, chunks });
    }
    const badValues: Record<string, number> = {};
    this.#metrics.forEach((metric, i) => {
      badValues[metric] = this.#bad[i]!;
    });
    return { metrics: this.#metrics, assets, badValues, observations: this.#observations };
  }

  /** A chunk for `observations` observations, from the current slab or a new one. */
  #chunk(observations: number): Float64Array {
    const doubles = observations * this.#stride;
    // Fields read and written on every call, not only when a slab fills: the JIT compiles this
    // after the first few calls, whose feedback it does not keep, and code that it has not seen
    // run deoptimises the first time it runs.
    const shared = this.#shared;
    let slab = this.#slab;
    let used = this.#slabUsed;
    if (used + doubles > slab.length) {
      slab = newSlab(doubles, slab, shared);
      used = 0;
    }
    this.#slab = slab;
    this.#slabUsed = used + doubles;
    return slab.subarray(used, used + doubles);
  }
}

/**
 * The slab after `previous`, for at least `doubles` doubles, in shared memory or not: twice the
 * previous one's size, from 1,024 doubles up to {@link SLAB_DOUBLES}. Small first slabs waste
 * little on small inputs, and make a new slab an everyday event while the code that adds
 * observations is young: met for the first time after the JIT had optimised that code (a 1 MB
 * slab fills after some 15,000 observations), it deoptimised the whole scan.
 */
function newSlab(
  doubles: number,
  previous: Float64Array<ArrayBufferLike>,
  shared: boolean,
): Float64Array<ArrayBufferLike> {
  const size = Math.max(doubles, Math.min(SLAB_DOUBLES, Math.max(FIRST_SLAB_DOUBLES, 2 * previous.length)));
  const bytes = size * Float64Array.BYTES_PER_ELEMENT;
  return new Float64Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/**
 * One asset's series from its chunks in every part, refs shifted by each part's offset, sorted
 * stably by time: equal times keep the parts' order, then each part's input order, which is the
 * order a single pass over the whole input gives.
 *
 * @param pieces - from {@link groupSeriesParts}; not modified
 * @param metricCount - values per observation
 * @param memory - where to lay the series out (see {@link SeriesMemory}); by default a buffer of
 *   its own. A series out of time order gets a buffer of its own either way.
 * @returns the series, its arrays views of one buffer (its own, or the memory's)
 *
 * Complexity: O(n) to lay the chunks out, O(n log n) to sort when they are out of time order.
 *
 * @example
 * const series = groupSeriesParts(parts, offsets).map((p) => buildSeries(p, metrics.length));
 */
export function buildSeries(pieces: SeriesPieces, metricCount: number, memory?: SeriesMemory): AssetSeries {
  const n = pieces.length;
  const stride = metricCount + 2;
  const out = seriesArrays(pieces.asset, n, metricCount, memory?.take(n * stride));
  const { times, refs, values } = out;
  let k = 0;
  for (const { chunks, offset } of pieces.pieces) {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += stride, k++) {
        times[k] = chunk[at]!;
        refs[k] = chunk[at + 1]! + offset;
        for (let m = 0; m < metricCount; m++) values[m]![k] = chunk[at + 2 + m]!;
      }
    }
  }
  const order = sortedOrder(times);
  if (order === null) return out;
  const sorted = seriesArrays(pieces.asset, n, metricCount);
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
  region?: Float64Array,
): AssetSeries & { readonly values: Float64Array[] } {
  const buffer = region?.buffer ?? new ArrayBuffer(n * (metricCount + 2) * Float64Array.BYTES_PER_ELEMENT);
  const start = region?.byteOffset ?? 0;
  const values: Float64Array[] = [];
  for (let m = 0; m < metricCount; m++) values.push(view(buffer, start, m + 2, n));
  return seriesOf(asset, view(buffer, start, 0, n), view(buffer, start, 1, n), values);
}

/**
 * The `k`-th array of `n` doubles from byte `start` of `buffer`. A function of its own, not a
 * closure per series: optimised code that calls a closure checks it is the one it saw, and each
 * new one deoptimised it.
 */
function view(buffer: ArrayBufferLike, start: number, k: number, n: number): Float64Array {
  return new Float64Array(buffer, start + k * n * Float64Array.BYTES_PER_ELEMENT, n);
}

/**
 * Memory one thread lays the series of one block of assets out in, again and again: the series
 * of the block before are overwritten, so they must be used up by then. Building into fresh
 * buffers instead cost a page fault every 4 KB (~60 % of building 1000 assets × 720 hours), and
 * built series moved between threads twice.
 *
 * Complexity: {@link reserve} O(1), or O(doubles) when it grows (which zeroes the new memory).
 *
 * @example
 * const memory = new SeriesMemory();
 * memory.reserve(pieces.reduce((n, p) => n + p.length * (metrics.length + 2), 0));
 * const series = pieces.map((p) => buildSeries(p, metrics.length, memory));
 */
export class SeriesMemory {
  #doubles = new Float64Array(0);
  #used = 0;

  /**
   * Starts a block: the memory is reused from its beginning (the series laid out before are
   * overwritten), with room for at least `doubles` doubles.
   */
  reserve(doubles: number): void {
    if (this.#doubles.length < doubles)
      this.#doubles = new Float64Array(Math.max(doubles, 2 * this.#doubles.length));
    this.#used = 0;
  }

  /** The next `doubles` doubles of the block; past what was reserved, a buffer of their own. */
  take(doubles: number): Float64Array {
    const at = this.#used;
    if (at + doubles > this.#doubles.length) return new Float64Array(doubles);
    this.#used = at + doubles;
    return this.#doubles.subarray(at, at + doubles);
  }
}

/**
 * `series` as an object of the one shape every series built here has (its arrays shared, not
 * copied). Series that come from another thread are objects of another shape (so is their list of
 * value arrays), and optimised code that meets both shapes is thrown away and compiled again.
 *
 * Complexity: O(metrics).
 *
 * @example
 * const series = (await pool.run(0, 'build-series', input)).map(ownSeries);
 */
export function ownSeries(series: AssetSeries): AssetSeries {
  const values: Float64Array[] = [];
  for (const v of series.values) values.push(v);
  return seriesOf(series.asset, series.times, series.refs, values);
}

function seriesOf<V extends readonly Float64Array[]>(
  asset: string,
  times: Float64Array,
  refs: Float64Array,
  values: V,
): AssetSeries & { readonly values: V } {
  return { asset, times, refs, values };
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
 * Each asset's chunks across parts built from consecutive pieces of one input (e.g. byte ranges
 * read in parallel), in part order with each part's ref offset: what {@link buildSeries} lays
 * out, on any thread.
 *
 * @param parts - from {@link SeriesBuilder.part}, in input order
 * @param refOffsets - added to the refs of the part at the same index
 * @returns one entry per asset, sorted by asset name
 *
 * Complexity: O(assets · parts) besides sorting the names.
 *
 * @example
 * groupSeriesParts([first.part(), second.part()], [0, firstDocuments]);
 */
export function groupSeriesParts(
  parts: readonly SeriesPart[],
  refOffsets: readonly number[],
): SeriesPieces[] {
  const byAsset = new Map<string, { length: number; pieces: SeriesPieces['pieces'][number][] }>();
  parts.forEach((part, p) => {
    for (const { asset, length, chunks } of part.assets) {
      let entry = byAsset.get(asset);
      if (entry === undefined) {
        entry = { length: 0, pieces: [] };
        byAsset.set(asset, entry);
      }
      entry.length += length;
      entry.pieces.push({ chunks, offset: refOffsets[p] ?? 0 });
    }
  });
  return [...byAsset.keys()].sort().map((asset) => ({ asset, ...byAsset.get(asset)! }));
}

/**
 * Joins parts built from consecutive pieces of one input into the set a single pass would have
 * built: each part's refs shifted by its offset, each asset's observations sorted stably by time
 * with earlier parts first on ties (the input order duplicate timestamps rely on), bad-value and
 * observation counts added up. The parts are not modified.
 *
 * @param parts - from {@link SeriesBuilder.part}, over the same metrics, in input order
 * @param refOffsets - added to the refs of the part at the same index
 * @param series - the series, when the caller built them (on several threads) from {@link groupSeriesParts}
 * @returns the joined set, assets sorted by name
 *
 * Complexity: O(n) for n observations, O(n log n) for assets out of time order.
 *
 * @example
 * joinSeriesParts([first.part(), second.part()], [0, firstDocuments]);
 */
export function joinSeriesParts(
  parts: readonly SeriesPart[],
  refOffsets: readonly number[],
  series?: readonly AssetSeries[],
): SeriesSet {
  const counts = partCounts(parts);
  return {
    ...counts,
    series: series ?? groupSeriesParts(parts, refOffsets).map((p) => buildSeries(p, counts.metrics.length)),
  };
}

/** The metrics, bad-value counts and observations of parts of one input, added up. */
function partCounts(parts: readonly SeriesPart[]): Omit<SeriesSet, 'series'> {
  const metrics = parts[0]?.metrics ?? [];
  const badValues: Record<string, number> = {};
  for (const metric of metrics)
    badValues[metric] = parts.reduce((sum, part) => sum + (part.badValues[metric] ?? 0), 0);
  return { metrics, badValues, observations: parts.reduce((sum, part) => sum + part.observations, 0) };
}

/**
 * A {@link SeriesSet} whose series are laid out only when first asked for. {@link pieces} holds
 * each asset's chunks, sorted by asset name as `series` is, so that a caller judging assets block
 * by block lays out each block's series on the thread that judges them, right before
 * ({@link buildSeries} into a {@link SeriesMemory}): no pass that builds them all, no buffer per
 * asset, no series sent between threads. Reading `series` lays every series out, once.
 */
export interface PiecewiseSeriesSet extends SeriesSet {
  readonly pieces: readonly SeriesPieces[];
}

/**
 * {@link joinSeriesParts} with the series left as pieces: what a single pass would build, laid out
 * on demand (see {@link PiecewiseSeriesSet}).
 *
 * @param parts - from {@link SeriesBuilder.part}, over the same metrics, in input order; their
 *   chunks are read whenever series are laid out, so they must not change
 * @param refOffsets - added to the refs of the part at the same index
 *
 * Complexity: O(assets · parts) besides sorting the names; laying out is {@link buildSeries}'s.
 *
 * @example
 * const set = piecewiseSeriesSet([first.part(), second.part()], [0, firstDocuments]);
 * buildSeries(set.pieces[0]!, set.metrics.length); // the first asset's series
 */
export function piecewiseSeriesSet(
  parts: readonly SeriesPart[],
  refOffsets: readonly number[],
): PiecewiseSeriesSet {
  return withPieces(partCounts(parts), groupSeriesParts(parts, refOffsets));
}

/**
 * A {@link PiecewiseSeriesSet} of `pieces` with the counts of `counts` (e.g. the assets a user
 * selected from a set).
 *
 * @example
 * withPieces(set, set.pieces.filter((p) => p.asset === 'bitcoin'));
 */
export function withPieces(
  counts: Omit<SeriesSet, 'series'>,
  pieces: readonly SeriesPieces[],
): PiecewiseSeriesSet {
  const { metrics, badValues, observations } = counts;
  let series: readonly AssetSeries[] | undefined;
  return {
    metrics,
    badValues,
    observations,
    pieces,
    get series() {
      series ??= pieces.map((p) => buildSeries(p, metrics.length));
      return series;
    },
  };
}

/**
 * Whether a set's series are still pieces.
 *
 * @example
 * isPiecewise(builder.build()); // false
 */
export function isPiecewise(set: SeriesSet): set is PiecewiseSeriesSet {
  return 'pieces' in set;
}

/**
 * Whether any observation of `pieces` has a value (not NaN) for metric `m`; stops at the first.
 *
 * Complexity: O(observations) at worst.
 *
 * @example
 * piecesHaveValue(set.pieces, set.metrics.length, 0);
 */
export function piecesHaveValue(pieces: readonly SeriesPieces[], metricCount: number, m: number): boolean {
  return someField(pieces, metricCount, 2 + m, (v) => !Number.isNaN(v));
}

/**
 * The latest time of any observation in `pieces`; -Infinity for none.
 *
 * Complexity: O(observations).
 *
 * @example
 * newestPieceTime(set.pieces, set.metrics.length);
 */
export function newestPieceTime(pieces: readonly SeriesPieces[], metricCount: number): number {
  let newest = Number.NEGATIVE_INFINITY;
  someField(pieces, metricCount, 0, (t) => {
    newest = Math.max(newest, t);
    return false;
  });
  return newest;
}

/** Whether `test` holds for field `field` (0 time, 1 ref, 2… values) of any observation; stops at the first. */
function someField(
  pieces: readonly SeriesPieces[],
  metricCount: number,
  field: number,
  test: (v: number) => boolean,
): boolean {
  const stride = metricCount + 2;
  for (const p of pieces)
    for (const { chunks } of p.pieces)
      for (const chunk of chunks)
        for (let at = field; at < chunk.length; at += stride) if (test(chunk[at]!)) return true;
  return false;
}
