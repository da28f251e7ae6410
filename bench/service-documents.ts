import { ObjectId } from 'mongodb';
import { DEFAULT_METRICS } from '../lambdas/core/detector-options.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { BENCH_START } from './generate.ts';

/** One hour, in milliseconds: the generated documents are hourly. */
export const HOUR_MS = 3_600_000;

/** Where the generated fields go: the service's configured field names (top-level only). */
export interface BenchFields {
  readonly assetField: string;
  readonly timeField: string;
  readonly anomaliesField: string;
}

/**
 * The deterministic universe of a benchmark store: `assets` assets, each with
 * one document per hour from {@link BENCH_START} for `hours` hours.
 */
export interface BenchUniverse {
  readonly assets: number;
  /** Hours of data that exist; a "next hour" run sees one more. */
  readonly hours: number;
  /** Most hours a document key can address (bounds the stores' dense state). @default 1024 */
  readonly hoursCapacity?: number;
  readonly seed?: number;
}

const DEFAULT_SEED = 20240101;
const DEFAULT_CAPACITY = 1024;

/**
 * Asset `i`'s name: `asset-0007`, as `bench/generate.ts` names them, so that
 * (for fewer than 10,000 assets) name order equals index order.
 *
 * @example
 * benchAssetName(7); // 'asset-0007'
 */
export function benchAssetName(i: number): string {
  return `asset-${String(i).padStart(4, '0')}`;
}

/**
 * The index of a name made by {@link benchAssetName}, or `-1` for any other name (a store
 * serves no documents for it).
 *
 * @example
 * benchAssetIndex('asset-0007'); // 7
 */
export function benchAssetIndex(name: string): number {
  const match = /^asset-(\d{4,})$/.exec(name);
  return match ? Number(match[1]) : -1;
}

/**
 * A document's `_id`: an ObjectId whose timestamp is the observation's time
 * (as an hourly ingestion job's inserts would carry) and whose next four
 * bytes are the asset's index, so the store can find the document again from
 * the handle alone, without keeping any per-document state.
 *
 * @example
 * decodeBenchId(benchId(3, 5)); // { asset: 3, hour: 5 }
 */
export function benchId(asset: number, hour: number): ObjectId {
  const bytes = new Uint8Array(12);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (BENCH_START + hour * HOUR_MS) / 1000);
  view.setUint32(4, asset);
  return new ObjectId(bytes);
}

/** The inverse of {@link benchId}; throws on a handle the store did not make. */
export function decodeBenchId(handle: unknown): { asset: number; hour: number } {
  if (!(handle instanceof ObjectId)) throw new TypeError(`not a benchmark document id: ${String(handle)}`);
  const hex = handle.toHexString();
  const seconds = Number.parseInt(hex.slice(0, 8), 16);
  return { asset: Number.parseInt(hex.slice(8, 16), 16), hour: (seconds * 1000 - BENCH_START) / HOUR_MS };
}

/**
 * Generates an asset's metric values hour by hour. Not `bench/generate.ts`'s
 * walk: that one yields NDJSON text hour-major for a whole file, where a store
 * needs numbers asset by asset. The model is of the same kind — random walks,
 * scores on coarse grids (ties), about 0.2 % `null`s, and price and volume
 * spikes so that real flags occur — in the order of `DEFAULT_METRICS`.
 */
class ValueWalk {
  readonly #random: () => number;
  readonly #sigma: number;
  readonly #supply: number;
  readonly #volume: number;
  #price: number;
  #scores: [number, number, number];

  constructor(seed: number) {
    const r = seededRandom(seed);
    this.#random = r;
    this.#sigma = 0.002 + 0.018 * r();
    this.#price = 10 ** (-2 + 6 * r());
    this.#supply = 10 ** (6 + 4 * r());
    this.#volume = this.#price * this.#supply * (0.01 + 0.1 * r());
    this.#scores = [20 + 70 * r(), 10 + 80 * r(), 10 + 80 * r()];
  }

  /** The next hour's seven values (`null` = missing, as bad values are data). */
  next(): (number | null)[] {
    const r = this.#random;
    const z = 2 * (r() + r() + r()) - 3;
    this.#price *= Math.exp(this.#sigma * z);
    const s = this.#scores;
    for (let i = 0; i < 3; i++) s[i] = Math.min(100, Math.max(0, s[i]! + (r() - 0.5) * (i + 1)));
    const price = r() < 0.001 ? this.#price * (r() < 0.5 ? 0.5 : 2) : this.#price;
    const volume = this.#volume * Math.exp(r() - 0.5) * (r() < 0.003 ? 5 + 15 * r() : 1);
    const values = [
      price,
      Math.round(s[0]! * 4) / 4,
      Math.round(s[1]! * 2) / 2,
      Math.round(s[2]!),
      volume,
      price * this.#supply,
      Math.round(1e6 * this.#sigma * (1 + 0.2 * Math.abs(z))) / 1e4,
    ];
    return values.map((v) => (r() < 0.002 ? null : v));
  }
}

/** Reads back the stored flags of one document (`undefined`: it has none). */
export type StoredFlagsOf = (asset: number, hour: number) => Record<string, unknown> | undefined;

/**
 * The documents a benchmark store serves, generated on demand and never kept:
 * shaped as the MongoDB driver returns a projected `find` (an ObjectId `_id`,
 * the asset name, a `Date` time, JavaScript numbers or `null` for the metrics,
 * and the stored flags field when the document has flags).
 */
export class BenchDocuments {
  readonly assets: number;
  hours: number;
  readonly capacity: number;
  readonly #seed: number;
  readonly #fields: BenchFields;

  constructor(universe: BenchUniverse, fields: BenchFields) {
    for (const f of [fields.assetField, fields.timeField, fields.anomaliesField]) {
      if (f.includes('.'))
        throw new Error(`the benchmark documents support top-level fields only, not '${f}'`);
    }
    this.assets = universe.assets;
    this.hours = universe.hours;
    this.capacity = universe.hoursCapacity ?? DEFAULT_CAPACITY;
    this.#seed = universe.seed ?? DEFAULT_SEED;
    this.#fields = fields;
  }

  /** The dense key of a document: `asset × capacity + hour`. */
  key(asset: number, hour: number): number {
    if (hour < 0 || hour >= this.capacity)
      throw new RangeError(`hour ${hour} outside 0..${this.capacity - 1}`);
    return asset * this.capacity + hour;
  }

  /** Hours `[first, end)` of the data that fall in the epoch-ms range `[from, to)`. */
  hourRange(from: number, to: number): { first: number; end: number } {
    const first = Math.max(0, Math.ceil((from - BENCH_START) / HOUR_MS));
    const end = Math.min(this.hours, Math.ceil((to - BENCH_START) / HOUR_MS));
    return { first, end: Math.max(first, end) };
  }

  /** The asset indexes a query names, sorted by name; every asset for `null`. */
  assetIndexes(assets: readonly string[] | null): number[] {
    if (assets === null) return this.names().map(benchAssetIndex);
    return [...new Set(assets)]
      .sort()
      .map(benchAssetIndex)
      .filter((i) => i >= 0 && i < this.assets);
  }

  /** Every asset's name, sorted. */
  names(): string[] {
    return Array.from({ length: this.assets }, (_, i) => benchAssetName(i)).sort();
  }

  /**
   * One asset's documents in hours `[first, end)`, in time order. The walk
   * starts at hour 0 whatever the range, so a document is the same in every read.
   *
   * @param asset - asset index
   * @param first - first hour
   * @param end - one past the last hour
   * @param metrics - the projected metrics (a subset of `DEFAULT_METRICS`)
   * @param flagsOf - the stored flags to put in each document
   */
  *documents(
    asset: number,
    first: number,
    end: number,
    metrics: readonly string[],
    flagsOf: StoredFlagsOf,
  ): Generator<Record<string, unknown>> {
    const columns = metrics.map((m) => {
      const c = (DEFAULT_METRICS as readonly string[]).indexOf(m);
      if (c < 0) throw new Error(`the benchmark documents have no metric '${m}'`);
      return c;
    });
    const { assetField, timeField, anomaliesField } = this.#fields;
    const name = benchAssetName(asset);
    const walk = new ValueWalk(this.#seed + asset * 7919);
    for (let hour = 0; hour < end; hour++) {
      const values = walk.next();
      if (hour < first) continue;
      const doc: Record<string, unknown> = {
        _id: benchId(asset, hour),
        [assetField]: name,
        [timeField]: new Date(BENCH_START + hour * HOUR_MS),
      };
      for (let m = 0; m < metrics.length; m++) doc[metrics[m]!] = values[columns[m]!];
      const flags = flagsOf(asset, hour);
      if (flags !== undefined) doc[anomaliesField] = flags;
      yield doc;
    }
  }
}
