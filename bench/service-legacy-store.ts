/**
 * The benchmark store behind the storage port of main before the change-only
 * rewrite (commit 90e2a32), so `bench/service-bench.ts --baseline DIR` can
 * measure that code on the same generated documents in the same run. Its
 * port is restated here (it is gone from the current sources): `read`
 * resolves to every document at once, and `writeFlags` replaces whole
 * timeframe sub-documents `<anomalies>.dT = { asOf, flags }`.
 */
import type { StoredFlag } from '../lambdas/core/document-flags.ts';
import { BenchCounters } from './benchmark-store.ts';
import { BenchDocuments, type BenchFields, type BenchUniverse, decodeBenchId } from './service-documents.ts';
import { loadState, saveState } from './service-state-file.ts';

/** The old port's read: documents of some assets in `[from, to)`. */
export interface LegacyReadQuery {
  readonly assets: readonly string[] | null;
  readonly from: number;
  readonly to: number;
  readonly metrics: readonly string[];
}

/** The old port's update: new sub-documents per timeframe key. */
export interface LegacyFlagUpdate {
  readonly handle: unknown;
  readonly set: Readonly<
    Record<string, { readonly asOf: number; readonly flags: Record<string, StoredFlag> }>
  >;
}

/** What the old port needs of a benchmark store. */
export interface LegacyStorePort {
  read(query: LegacyReadQuery): Promise<{ documents: unknown[]; handles: unknown[] }>;
  writeFlags(updates: readonly LegacyFlagUpdate[]): Promise<{ written: number }>;
  upsertRuns(runs: readonly unknown[]): Promise<void>;
}

/** What {@link LegacyBenchmarkStore.save} writes besides the asOf rows. */
interface LegacyState {
  /** `[key × timeframes + slot, flags]` of sub-documents with flags. */
  readonly flags: readonly [number, Record<string, StoredFlag>][];
}

/**
 * The old port over the same generated documents as {@link BenchmarkStore}.
 * It keeps what the old service wrote: per document and timeframe the
 * sub-document's `asOf` (dense, since the old window mode wrote every
 * document of the window) and its flags where there are any; it applies the
 * old guard (a sub-document is never replaced by an older evaluation; the
 * same `asOf` and flags is no change).
 *
 * @example
 * const store = new LegacyBenchmarkStore({ assets: 1000, hours: 720 }, fields, ['d3', 'd7', 'd30']);
 */
export class LegacyBenchmarkStore implements LegacyStorePort {
  readonly counters = new BenchCounters();
  readonly source: BenchDocuments;
  readonly #keys: readonly string[];
  /** Per asset: `asOf` per hour × timeframe slot, NaN = never written. */
  readonly #asOf = new Map<number, Float64Array>();
  readonly #flags = new Map<number, Record<string, StoredFlag>>();

  /**
   * @param universe - the generated data
   * @param fields - field names
   * @param timeframeKeys - the sub-document keys the runs write (`d3`, `d7`, `d30`)
   */
  constructor(universe: BenchUniverse, fields: BenchFields, timeframeKeys: readonly string[]) {
    this.source = new BenchDocuments(universe, fields);
    this.#keys = timeframeKeys;
  }

  /** Timeframe sub-documents stored (counted on demand: for reporting after a run). */
  get storedSubDocuments(): number {
    let n = 0;
    for (const array of this.#asOf.values()) for (const asOf of array) if (!Number.isNaN(asOf)) n++;
    return n;
  }

  async read(query: LegacyReadQuery): Promise<{ documents: unknown[]; handles: unknown[] }> {
    return this.counters.timed(() => {
      const { source } = this;
      const { first, end } = source.hourRange(query.from, query.to);
      const documents: Record<string, unknown>[] = [];
      const flagsOf = (asset: number, hour: number) => this.#document(asset, hour);
      for (const asset of source.assetIndexes(query.assets)) {
        for (const doc of source.documents(asset, first, end, query.metrics, flagsOf)) documents.push(doc);
      }
      this.counters.documentsRead += documents.length;
      return { documents, handles: documents.map((d) => d._id) };
    });
  }

  async writeFlags(updates: readonly LegacyFlagUpdate[]): Promise<{ written: number }> {
    return this.counters.timed(() => {
      let written = 0;
      for (const u of updates) {
        const { asset, hour } = decodeBenchId(u.handle);
        let modified = false;
        for (const [key, sub] of Object.entries(u.set)) {
          if (this.#apply(asset, hour, key, sub.asOf, sub.flags)) modified = true;
        }
        if (modified) written++;
      }
      this.counters.documentsWritten += written;
      return { written };
    });
  }

  async upsertRuns(runs: readonly unknown[]): Promise<void> {
    this.counters.upserts += runs.length;
  }

  /** Saves what the runs wrote, for the next run's process ({@link load}). */
  save(path: string): void {
    const flags: LegacyState['flags'] = [...this.#flags];
    saveState<LegacyState>(path, { flags }, 3, this.#rows());
  }

  /** Restores what {@link save} wrote. */
  load(path: string): void {
    loadState<LegacyState>(path, (state) => {
      for (const [k, f] of state.flags) this.#flags.set(k, f);
      return (row) => {
        const [asset, slot, asOf] = [row[0]!, row[1]!, row[2]!];
        this.#asOfArray(asset)[slot] = asOf;
      };
    });
  }

  *#rows(): Generator<number[]> {
    for (const [asset, array] of this.#asOf) {
      for (let i = 0; i < array.length; i++) if (!Number.isNaN(array[i]!)) yield [asset, i, array[i]!];
    }
  }

  #asOfArray(asset: number): Float64Array {
    let array = this.#asOf.get(asset);
    if (!array) {
      array = new Float64Array(this.source.capacity * this.#keys.length).fill(Number.NaN);
      this.#asOf.set(asset, array);
    }
    return array;
  }

  #apply(asset: number, hour: number, key: string, asOf: number, flags: Record<string, StoredFlag>): boolean {
    const t = this.#keys.indexOf(key);
    if (t < 0) throw new Error(`timeframe key '${key}' was not declared to the legacy benchmark store`);
    const array = this.#asOfArray(asset);
    const at = hour * this.#keys.length + t;
    const stored = array[at]!;
    if (stored > asOf) return false;
    const flagKey = this.source.key(asset, hour) * this.#keys.length + t;
    const empty = Object.keys(flags).length === 0;
    if (stored === asOf && sameFlags(this.#flags.get(flagKey), empty ? undefined : flags)) return false;
    array[at] = asOf;
    if (empty) this.#flags.delete(flagKey);
    else this.#flags.set(flagKey, flags);
    return true;
  }

  #document(asset: number, hour: number): Record<string, unknown> | undefined {
    const array = this.#asOf.get(asset);
    if (!array) return undefined;
    let out: Record<string, unknown> | undefined;
    for (let t = 0; t < this.#keys.length; t++) {
      const asOf = array[hour * this.#keys.length + t]!;
      if (Number.isNaN(asOf)) continue;
      const flags = this.#flags.get(this.source.key(asset, hour) * this.#keys.length + t) ?? {};
      out ??= {};
      // A fresh copy per read, as a driver deserialises one per document.
      out[this.#keys[t]!] = { asOf: new Date(asOf), flags: structuredClone(flags) };
    }
    return out;
  }
}

function sameFlags(
  a: Record<string, StoredFlag> | undefined,
  b: Record<string, StoredFlag> | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(
    (k) => b[k] !== undefined && a[k]!.direction === b[k].direction && a[k]!.score === b[k].score,
  );
}
