/**
 * The scale benchmark's store (issue 10 item 4): a {@link DetectionStore} whose
 * documents are generated on demand and whose only state is the flag entries
 * written and the run summaries — so the benchmarked process holds what the
 * service holds, not a copy of the collection.
 */
import type { StoredFlag } from '../lambdas/core/document-flags.ts';
import {
  type AssetListing,
  type DetectionStore,
  type FlagUpdate,
  READ_BATCH_DOCUMENTS,
  type ReadBatch,
  type ReadQuery,
  type RunMark,
  type RunQuery,
  type RunSummary,
  type WriteResult,
} from '../lambdas/stores/detection-store.ts';
import { BenchDocuments, type BenchFields, type BenchUniverse, decodeBenchId } from './service-documents.ts';
import { loadState, saveState } from './service-state-file.ts';

/** What a benchmark store counts; `ioMs` is the time spent inside the store (the stand-in for I/O). */
export class BenchCounters {
  documentsRead = 0;
  documentsWritten = 0;
  /** Run summaries upserted. */
  upserts = 0;
  /** Wall time inside the store, milliseconds. */
  ioMs = 0;
  /** Process CPU time inside the store, milliseconds: what a shared machine's load does not inflate. */
  ioCpuMs = 0;
  #wall = 0;
  #cpu = 0;

  /** Starts timing a stretch of store work; {@link stop} ends it. */
  start(): void {
    this.#wall = performance.now();
    this.#cpu = cpuMs();
  }

  /** Ends the stretch begun by {@link start}. */
  stop(): void {
    this.ioMs += performance.now() - this.#wall;
    this.ioCpuMs += cpuMs() - this.#cpu;
  }

  /** Runs `work` as store time. */
  timed<T>(work: () => T): T {
    this.start();
    try {
      return work();
    } finally {
      this.stop();
    }
  }
}

/**
 * The process's CPU time so far (user + system, every thread), milliseconds.
 *
 * @example
 * const before = cpuMs(); work(); cpuMs() - before;
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Direction codes of the packed entries. */
const HIGH = 1;
const LOW = -1;
/** Numbers per stored entry: score (NaN = null), asOf, direction. */
const ENTRY = 3;
/** Timeframe × metric slots per document: one bit each in a 32-bit mask. */
const MAX_SLOTS = 32;

/**
 * The flag entries written so far (`<anomalies>.<dT>.<metric>`), packed:
 * per document with entries, a bit mask of its slots, and per entry three
 * numbers in a growable pool. Around 60 bytes per entry, so even a rolling
 * first run's 10⁶ entries stay small next to what the service itself holds.
 */
export class EntryFlags {
  readonly #slots: { timeframeKey: string; metric: string }[] = [];
  readonly #slotIndex = new Map<string, number>();
  readonly #masks = new Map<number, number>();
  readonly #rows = new Map<number, number>();
  #pool = new Float64Array(ENTRY * 1024);
  #used = 0;
  readonly #free: number[] = [];

  /** Entries stored. */
  get size(): number {
    return this.#rows.size;
  }

  /** The slot of a timeframe key and metric, registered on first use. */
  slot(timeframeKey: string, metric: string): number {
    const name = `${timeframeKey}\u0000${metric}`;
    let s = this.#slotIndex.get(name);
    if (s === undefined) {
      s = this.#slots.length;
      if (s >= MAX_SLOTS)
        throw new Error(`the benchmark store holds at most ${MAX_SLOTS} timeframe × metric slots`);
      this.#slots.push({ timeframeKey, metric });
      this.#slotIndex.set(name, s);
    }
    return s;
  }

  /**
   * Applies one entry change with the store's guard (SPEC section 1): only
   * when the stored entry is absent or no newer than `asOf`.
   *
   * @returns whether the document changed (an identical value is no change, as for MongoDB)
   */
  apply(key: number, slot: number, asOf: number, flag: StoredFlag | null): boolean {
    const rowKey = key * MAX_SLOTS + slot;
    const row = this.#rows.get(rowKey);
    const pool = this.#pool;
    if (row !== undefined && pool[row + 1]! > asOf) return false;
    if (flag === null) {
      if (row === undefined) return false;
      this.#rows.delete(rowKey);
      this.#free.push(row);
      const mask = this.#masks.get(key)! & ~(1 << slot);
      if (mask === 0) this.#masks.delete(key);
      else this.#masks.set(key, mask);
      return true;
    }
    const score = flag.score ?? Number.NaN;
    const direction = flag.direction === 'high' ? HIGH : LOW;
    if (
      row !== undefined &&
      pool[row + 1] === asOf &&
      pool[row + 2] === direction &&
      Object.is(pool[row], score)
    ) {
      return false;
    }
    const at = row ?? this.#allocate();
    this.#pool[at] = score;
    this.#pool[at + 1] = asOf;
    this.#pool[at + 2] = direction;
    if (row === undefined) {
      this.#rows.set(rowKey, at);
      this.#masks.set(key, (this.#masks.get(key) ?? 0) | (1 << slot));
    }
    return true;
  }

  /** A document's stored flags as the driver returns them (`asOf` a `Date`), or `undefined`. */
  document(key: number): Record<string, Record<string, unknown>> | undefined {
    const mask = this.#masks.get(key);
    if (mask === undefined) return undefined;
    const out: Record<string, Record<string, unknown>> = {};
    for (let s = 0; s < this.#slots.length; s++) {
      if ((mask & (1 << s)) === 0) continue;
      const row = this.#rows.get(key * MAX_SLOTS + s)!;
      const { timeframeKey, metric } = this.#slots[s]!;
      const score = this.#pool[row]!;
      out[timeframeKey] ??= {};
      out[timeframeKey][metric] = {
        direction: this.#pool[row + 2] === HIGH ? 'high' : 'low',
        score: Number.isNaN(score) ? null : score,
        asOf: new Date(this.#pool[row + 1]!),
      };
    }
    return out;
  }

  /** Rows `[key, slot, score, asOf, direction]` for a state file. */
  *rows(): Generator<number[]> {
    for (const [rowKey, at] of this.#rows) {
      const p = this.#pool;
      yield [Math.floor(rowKey / MAX_SLOTS), rowKey % MAX_SLOTS, p[at]!, p[at + 1]!, p[at + 2]!];
    }
  }

  /** The slot table, for a state file. */
  get slots(): readonly { timeframeKey: string; metric: string }[] {
    return this.#slots;
  }

  /** Restores one row of {@link rows}; the slot table must be restored first ({@link slot}, in order). */
  restore(row: ArrayLike<number>): void {
    const [key, slot, score, asOf, direction] = [row[0]!, row[1]!, row[2]!, row[3]!, row[4]!];
    this.apply(key, slot, asOf, {
      direction: direction === HIGH ? 'high' : 'low',
      score: Number.isNaN(score) ? null : score,
    });
  }

  #allocate(): number {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#used + ENTRY > this.#pool.length) {
      const grown = new Float64Array(this.#pool.length * 2);
      grown.set(this.#pool);
      this.#pool = grown;
    }
    const at = this.#used;
    this.#used += ENTRY;
    return at;
  }
}

/** A stored run summary, reduced to what guards and resumes use. */
interface StoredRun {
  readonly asset: string;
  readonly asOf: number;
  readonly mode: string;
  readonly paramsHash: string;
  readonly timeframes: readonly number[];
  readonly metrics: readonly string[];
}

/** What {@link BenchmarkStore.save} writes besides the entry rows. */
interface BenchmarkStoreState {
  readonly slots: readonly { timeframeKey: string; metric: string }[];
  readonly runs: readonly StoredRun[];
}

/**
 * A {@link DetectionStore} for the scale benchmark. Its read stream generates
 * driver-like documents ({@link BenchDocuments}) asset by asset in (asset,
 * time) order, in batches of whole assets like the MongoDB adapter's, each
 * carrying the flag entries written so far, so the next run sees them as it
 * would on MongoDB. It keeps only those entries ({@link EntryFlags}) and the
 * run summaries, applies the same per-entry guard as the MongoDB adapter's
 * update pipeline, and counts documents read, documents written (modified)
 * and run summaries upserted, and its own time ({@link BenchCounters.ioMs}).
 *
 * @example
 * const store = new BenchmarkStore({ assets: 1000, hours: 720 }, { assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' });
 * await invokeLocally(event, { config, store, deadLetters });
 * store.counters.documentsRead; // 720000
 */
export class BenchmarkStore implements DetectionStore {
  readonly counters = new BenchCounters();
  readonly source: BenchDocuments;
  readonly #flags = new EntryFlags();
  readonly #runs = new Map<string, StoredRun>();

  constructor(universe: BenchUniverse, fields: BenchFields) {
    this.source = new BenchDocuments(universe, fields);
  }

  /** Flag entries stored. */
  get entries(): number {
    return this.#flags.size;
  }

  async *read(query: ReadQuery): AsyncGenerator<ReadBatch> {
    const { counters, source } = this;
    counters.start();
    const { first, end } = source.hourRange(query.from, query.to);
    const flagsOf = (asset: number, hour: number) => this.#flags.document(source.key(asset, hour));
    let documents: Record<string, unknown>[] = [];
    for (const asset of source.assetIndexes(query.assets)) {
      for (const doc of source.documents(asset, first, end, query.metrics, flagsOf)) documents.push(doc);
      if (documents.length >= READ_BATCH_DOCUMENTS) {
        counters.documentsRead += documents.length;
        const batch = { documents, handles: documents.map((d) => d._id) };
        documents = [];
        counters.stop();
        yield batch;
        counters.start();
      }
    }
    counters.documentsRead += documents.length;
    counters.stop();
    if (documents.length > 0) yield { documents, handles: documents.map((d) => d._id) };
  }

  async listAssets(range: AssetListing): Promise<string[]> {
    return this.counters.timed(() => {
      const { first, end } = this.source.hourRange(range.from, range.to);
      return first < end ? this.source.names() : [];
    });
  }

  async writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    return this.counters.timed(() => {
      let written = 0;
      for (const u of updates) {
        const { asset, hour } = decodeBenchId(u.handle);
        const key = this.source.key(asset, hour);
        let modified = false;
        for (const c of u.changes) {
          const slot = this.#flags.slot(c.timeframeKey, c.metric);
          if (this.#flags.apply(key, slot, u.asOf, c.flag)) modified = true;
        }
        if (modified) written++;
      }
      this.counters.documentsWritten += written;
      return { written, rejected: 0 };
    });
  }

  async upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    this.counters.timed(() => {
      for (const r of runs) {
        this.#runs.set(runKey(r), {
          asset: r.asset,
          asOf: r.asOf,
          mode: r.params.mode,
          paramsHash: r.paramsHash,
          timeframes: r.params.timeframes,
          metrics: r.params.metrics,
        });
      }
      this.counters.upserts += runs.length;
    });
  }

  async findRuns(query: RunQuery): Promise<RunMark[]> {
    return this.counters.timed(() => {
      const assets = query.assets === null ? null : new Set(query.assets);
      const out: RunMark[] = [];
      for (const r of this.#runs.values()) {
        if (assets !== null && !assets.has(r.asset)) continue;
        if (r.mode !== query.mode || !(r.asOf > query.asOfAfter)) continue;
        if (query.asOfBefore !== undefined && !(r.asOf < query.asOfBefore)) continue;
        if (query.paramsHash !== undefined && r.paramsHash !== query.paramsHash) continue;
        // Every field a mark may carry (the port's RunMark is still growing); extra ones are ignored.
        const mark = {
          asset: r.asset,
          asOf: r.asOf,
          paramsHash: r.paramsHash,
          timeframes: r.timeframes,
          metrics: r.metrics,
        };
        out.push(mark);
      }
      return out;
    });
  }

  /** Saves the flag entries and run summaries, for the next run's process ({@link load}). */
  save(path: string): void {
    const state: BenchmarkStoreState = { slots: this.#flags.slots, runs: [...this.#runs.values()] };
    saveState(path, state, 5, this.#flags.rows());
  }

  /** Restores what {@link save} wrote. */
  load(path: string): void {
    loadState<BenchmarkStoreState>(path, (state) => {
      for (const s of state.slots) this.#flags.slot(s.timeframeKey, s.metric);
      for (const r of state.runs) this.#runs.set(runKey(r), r);
      return (row) => this.#flags.restore(row);
    });
  }
}

/** A run summary's key in the store: (asset, asOf, paramsHash), as MongoDB's unique index. */
function runKey(r: { asset: string; asOf: number; paramsHash: string }): string {
  return `${r.asset}\u0000${r.asOf}\u0000${r.paramsHash}`;
}
