import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { compileFieldPath } from '../core/field-path.ts';
import { InvalidTimestampError, toEpochMillis } from '../core/timestamp.ts';
import type { InputProblem } from '../loaders/input-problem.ts';
import { readDocuments } from '../loaders/read-documents.ts';
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
} from './detection-store.ts';
import { acquireFileLock, type FileLock, processAlive, temporaryOwner, temporaryPath } from './file-lock.ts';
import { PermanentStoreError, TransientStoreError } from './store-errors.ts';
import { storedAsOf } from './stored-as-of.ts';

/** Field paths the file store needs to answer queries and merge flags. */
export interface FileStoreFields {
  readonly assetField: string;
  readonly timeField: string;
  /** Root field of the flag entries (`anomalies`). */
  readonly anomaliesField: string;
}

/** A document the store can answer queries with, in (asset, time) order. */
interface IndexedDocument {
  readonly asset: string;
  readonly time: number;
  readonly position: number;
}

/**
 * The embedded {@link DetectionStore}: an NDJSON file (the format `mongoexport`
 * writes) held in memory, with flag entries merged into the documents and the
 * file rewritten atomically (temporary file, fsync, rename, fsync of the
 * folder) after each write. Run summaries go to the sibling file
 * `<file>.runs.ndjson`, upserted by key.
 *
 * One process at a time: {@link open} takes an exclusive lock file
 * (`<file>.lock`, see `acquireFileLock`) held until {@link close} or exit, so
 * two runs on one store can never overwrite each other's flags; temporaries
 * left by a killed run are removed on open.
 *
 * Every line the store does not update is written back byte for byte, so
 * malformed lines (reported in {@link problems}), blank lines and formatting
 * survive. Dates are written as Extended JSON `{"$date": ISO}`, which
 * `mongoimport` reads as dates. Writes are serialised, so concurrent records
 * of one batch cannot interleave file rewrites.
 *
 * Handles are positions in the file's list of documents.
 *
 * @example
 * const store = await FileDetectionStore.open('docs.ndjson', { assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' });
 * try { … } finally { await store.close(); }
 */
export class FileDetectionStore implements DetectionStore {
  /** Lines of the file that could not be read as documents (kept in the file as they are). */
  readonly problems: readonly InputProblem[];
  readonly #path: string;
  readonly #fields: FileStoreFields;
  readonly #documents: unknown[];
  readonly #lineOf: readonly number[];
  readonly #rawLines: string[];
  readonly #index: readonly IndexedDocument[];
  readonly #lock: FileLock;
  #runs: Map<string, Record<string, unknown>> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    fields: FileStoreFields,
    loaded: { documents: unknown[]; lines: number[]; problems: InputProblem[] },
    rawLines: string[],
    lock: FileLock,
  ) {
    this.#path = path;
    this.#fields = fields;
    this.#documents = loaded.documents;
    this.#lineOf = loaded.lines;
    this.problems = loaded.problems;
    this.#rawLines = rawLines;
    this.#index = indexDocuments(loaded.documents, fields);
    this.#lock = lock;
  }

  /**
   * Locks and loads an NDJSON file.
   *
   * @param path - the file; it must exist
   * @param fields - asset, time and flags field paths
   * @throws `StoreLockedError` when another live process holds the store
   * @throws `InputError` when the file cannot be read
   */
  static async open(path: string, fields: FileStoreFields): Promise<FileDetectionStore> {
    const lock = await acquireFileLock(`${path}.lock`);
    try {
      await removeStaleTemporaries(path);
      const loaded = await readDocuments(path, { format: 'ndjson' });
      const rawLines = (await readFile(path, 'utf8')).split('\n');
      return new FileDetectionStore(path, fields, loaded, rawLines, lock);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** Waits for pending writes and releases the lock. Idempotent. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#lock.release();
  }

  /** Documents that have a usable asset and time (the others are never read or written). */
  get size(): number {
    return this.#index.length;
  }

  async *read(query: ReadQuery): AsyncGenerator<ReadBatch> {
    const wanted = query.assets === null ? null : new Set(query.assets);
    let documents: unknown[] = [];
    let handles: number[] = [];
    let lastAsset: string | undefined;
    for (const d of this.#index) {
      if (d.time < query.from || d.time >= query.to || (wanted !== null && !wanted.has(d.asset))) continue;
      if (documents.length >= READ_BATCH_DOCUMENTS && d.asset !== lastAsset) {
        yield { documents, handles };
        documents = [];
        handles = [];
      }
      documents.push(this.#documents[d.position]);
      handles.push(d.position);
      lastAsset = d.asset;
    }
    if (documents.length > 0) yield { documents, handles };
  }

  async listAssets(range: AssetListing): Promise<string[]> {
    const assets = new Set<string>();
    for (const d of this.#index) if (d.time >= range.from && d.time < range.to) assets.add(d.asset);
    return [...assets].sort();
  }

  async writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    let written = 0;
    let rejected = 0;
    // Checked and applied synchronously: no other write can interleave between an entry's guard and its change.
    for (const u of updates) {
      const position = u.handle as number;
      const doc = this.#documents[position];
      let changed = false;
      const root = container(doc, this.#fields.anomaliesField.split('.'));
      if (root === undefined) {
        rejected++;
        continue;
      }
      for (const c of u.changes) {
        const parent = container(root, [c.timeframeKey, ...c.metric.split('.').slice(0, -1)]);
        if (parent === undefined) continue;
        const leaf = c.metric.split('.').at(-1)!;
        if (storedAsOf(parent[leaf]) > u.asOf) continue;
        if (c.flag === null) {
          if (!(leaf in parent)) continue;
          delete parent[leaf];
        } else {
          const entry = {
            ...c.flag,
            asOf: { $date: new Date(u.asOf).toISOString() },
            since: { $date: new Date(c.flag.since).toISOString() },
          };
          // As MongoDB does, an update that leaves the document as it was is not a write.
          if (JSON.stringify(parent[leaf]) === JSON.stringify(entry)) continue;
          parent[leaf] = entry;
        }
        changed = true;
      }
      if (!changed) continue;
      this.#rawLines[this.#lineOf[position]! - 1] = JSON.stringify(doc);
      written++;
    }
    if (written > 0) await this.#serialised(() => writeAtomically(this.#path, this.#rawLines.join('\n')));
    return { written, rejected };
  }

  async upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    if (runs.length === 0) return;
    const stored = await this.#loadRuns();
    for (const run of runs) {
      stored.set(runKey(run.asset, run.asOf, run.paramsHash), {
        ...run,
        asOf: { $date: new Date(run.asOf).toISOString() },
        from: { $date: new Date(run.from).toISOString() },
      });
    }
    const text = [...stored.values()].map((r) => `${JSON.stringify(r)}\n`).join('');
    await this.#serialised(() => writeAtomically(this.runsPath, text));
  }

  async findRuns(query: RunQuery): Promise<RunMark[]> {
    const wanted = query.assets === null ? null : new Set(query.assets);
    const marks: RunMark[] = [];
    for (const run of (await this.#loadRuns()).values()) {
      const params = run.params as { mode?: unknown; timeframes?: number[]; metrics?: string[] } | undefined;
      const asOf = toEpochMillis(run.asOf);
      if (wanted !== null && !wanted.has(String(run.asset))) continue;
      if (params?.mode !== query.mode || asOf <= query.asOfAfter) continue;
      if (query.asOfBefore !== undefined && asOf >= query.asOfBefore) continue;
      if (query.paramsHash !== undefined && run.paramsHash !== query.paramsHash) continue;
      marks.push({
        asset: String(run.asset),
        asOf,
        paramsHash: String(run.paramsHash),
        timeframes: params.timeframes ?? [],
        metrics: params.metrics ?? [],
      });
    }
    return marks;
  }

  /** The sibling file holding run summaries. */
  get runsPath(): string {
    return `${this.#path}.runs.ndjson`;
  }

  /**
   * Run summaries stored so far, as written (`asOf` as `{"$date": ISO}`).
   *
   * @example
   * (await store.runs()).length;
   */
  async runs(): Promise<Record<string, unknown>[]> {
    return [...(await this.#loadRuns()).values()];
  }

  async #loadRuns(): Promise<Map<string, Record<string, unknown>>> {
    if (this.#runs) return this.#runs;
    const runs = new Map<string, Record<string, unknown>>();
    let text = '';
    try {
      text = await readFile(this.runsPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new TransientStoreError(`cannot read ${this.runsPath}: ${(e as Error).message}`, { cause: e });
    }
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const run = JSON.parse(line) as Record<string, unknown>;
        runs.set(runKey(run.asset, toEpochMillis(run.asOf), run.paramsHash), run);
      } catch (e) {
        // Retrying cannot mend the file: the record is dead-lettered with the place to fix.
        throw new PermanentStoreError(
          `${this.runsPath}:${i + 1}: not a run summary (${(e as Error).message}); fix or remove that line`,
          'RUNS_FILE_CORRUPT',
          { cause: e },
        );
      }
    });
    this.#runs ??= runs;
    return this.#runs;
  }

  /** Runs file writes one after another, so rewrites never interleave. */
  #serialised(write: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(write);
    this.#queue = run.catch(() => undefined);
    return run.catch((e: unknown) => {
      throw new TransientStoreError(`cannot write ${this.#path}: ${(e as Error).message}`, { cause: e });
    });
  }
}

function indexDocuments(documents: readonly unknown[], fields: FileStoreFields): IndexedDocument[] {
  const assetOf = compileFieldPath(fields.assetField);
  const timeOf = compileFieldPath(fields.timeField);
  const index: IndexedDocument[] = [];
  documents.forEach((doc, position) => {
    const asset = assetOf(doc);
    if (typeof asset !== 'string' || asset === '') return;
    let time: number;
    try {
      time = toEpochMillis(timeOf(doc));
    } catch (e) {
      if (e instanceof InvalidTimestampError) return;
      throw e;
    }
    index.push({ asset, time, position });
  });
  // Same order as a MongoDB sort on the (asset, time) index; ties keep file order.
  return index.sort((a, b) =>
    a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : a.time - b.time || a.position - b.position,
  );
}

/**
 * The object at `steps` under `start`, created where missing; `undefined`
 * when a step holds something that is not an object (MongoDB's filter does
 * not match such a document either, so it is not written).
 */
function container(start: unknown, steps: readonly string[]): Record<string, unknown> | undefined {
  let cur = start as Record<string, unknown>;
  for (const step of steps) {
    const next = cur[step];
    if (next === undefined) {
      cur[step] = {};
    } else if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      return undefined;
    }
    cur = cur[step] as Record<string, unknown>;
  }
  return cur;
}

function runKey(asset: unknown, asOf: number, paramsHash: unknown): string {
  return `${String(asset)}\u0000${asOf}\u0000${String(paramsHash)}`;
}

/** Temporaries (see `temporaryPath`) whose process is gone were left by a killed run. */
async function removeStaleTemporaries(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const dir = dirname(path);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const owner = name.startsWith(prefix) ? temporaryOwner(name) : undefined;
    if (owner !== undefined && !processAlive(owner)) await rm(join(dir, name), { force: true });
  }
}

/** Write, fsync, rename, fsync the folder: after a crash the file is the old one or the new one, never a torn one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = temporaryPath(path);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    const folder = await open(dirname(path), 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
