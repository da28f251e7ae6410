import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { compileFieldPath } from '../core/field-path.ts';
import { InvalidTimestampError, toEpochMillis } from '../core/timestamp.ts';
import type { InputProblem } from '../loaders/input-problem.ts';
import { readDocuments } from '../loaders/read-documents.ts';
import type {
  DetectionStore,
  FlagUpdate,
  ReadBatch,
  ReadQuery,
  RunSummary,
  WriteResult,
} from './detection-store.ts';
import { PermanentStoreError, TransientStoreError } from './store-errors.ts';
import { storedAsOf } from './stored-as-of.ts';

/** Field paths the file store needs to answer queries and merge flags. */
export interface FileStoreFields {
  readonly assetField: string;
  readonly timeField: string;
  /** Root field of the flag sub-documents (`anomalies`). */
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
 * writes) held in memory, with flags merged into the documents and the file
 * rewritten atomically (temporary file + rename) after each write. Run
 * summaries go to the sibling file `<file>.runs.ndjson`, upserted by key.
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
  #runs: Map<string, Record<string, unknown>> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    fields: FileStoreFields,
    loaded: { documents: unknown[]; lines: number[]; problems: InputProblem[] },
    rawLines: string[],
  ) {
    this.#path = path;
    this.#fields = fields;
    this.#documents = loaded.documents;
    this.#lineOf = loaded.lines;
    this.problems = loaded.problems;
    this.#rawLines = rawLines;
    this.#index = indexDocuments(loaded.documents, fields);
  }

  /**
   * Loads an NDJSON file.
   *
   * @param path - the file; it must exist
   * @param fields - asset, time and flags field paths
   * @throws `InputError` when the file cannot be read
   */
  static async open(path: string, fields: FileStoreFields): Promise<FileDetectionStore> {
    const loaded = await readDocuments(path, { format: 'ndjson' });
    const rawLines = (await readFile(path, 'utf8')).split('\n');
    return new FileDetectionStore(path, fields, loaded, rawLines);
  }

  /** Documents that have a usable asset and time (the others are never read or written). */
  get size(): number {
    return this.#index.length;
  }

  async read(query: ReadQuery): Promise<ReadBatch> {
    const wanted = query.assets === null ? null : new Set(query.assets);
    const documents: unknown[] = [];
    const handles: number[] = [];
    for (const d of this.#index) {
      if (d.time < query.from || d.time >= query.to || (wanted !== null && !wanted.has(d.asset))) continue;
      documents.push(this.#documents[d.position]);
      handles.push(d.position);
    }
    return { documents, handles };
  }

  async writeFlags(updates: readonly FlagUpdate[]): Promise<WriteResult> {
    let written = 0;
    // Checked and applied synchronously: no other write can interleave between the asOf check and the change.
    for (const u of updates) {
      const position = u.handle as number;
      const doc = this.#documents[position];
      const target = flagsContainer(doc, this.#fields.anomaliesField);
      let applied = false;
      for (const [key, value] of Object.entries(u.set)) {
        if (storedAsOf(target[key]) > value.asOf) continue;
        target[key] = { asOf: { $date: new Date(value.asOf).toISOString() }, flags: value.flags };
        applied = true;
      }
      if (!applied) continue;
      this.#rawLines[this.#lineOf[position]! - 1] = JSON.stringify(doc);
      written++;
    }
    if (written > 0) await this.#serialised(() => writeAtomically(this.#path, this.#rawLines.join('\n')));
    return { written };
  }

  async upsertRuns(runs: readonly RunSummary[]): Promise<void> {
    if (runs.length === 0) return;
    const stored = await this.#loadRuns();
    for (const run of runs) {
      stored.set(runKey(run.asset, run.asOf, run.paramsHash), {
        ...run,
        asOf: { $date: new Date(run.asOf).toISOString() },
      });
    }
    const text = [...stored.values()].map((r) => `${JSON.stringify(r)}\n`).join('');
    await this.#serialised(() => writeAtomically(this.runsPath, text));
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
        throw new TransientStoreError(String(e), { cause: e });
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const run = JSON.parse(line) as Record<string, unknown>;
      runs.set(runKey(run.asset, toEpochMillis(run.asOf), run.paramsHash), run);
    }
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

/** The object under the (possibly dotted) flags field, created when missing. */
function flagsContainer(doc: unknown, path: string): Record<string, unknown> {
  let cur = doc as Record<string, unknown>;
  for (const step of path.split('.')) {
    const next = cur[step];
    if (next === undefined || next === null) {
      cur[step] = {};
    } else if (typeof next !== 'object' || Array.isArray(next)) {
      // MongoDB refuses the same `$set` (PathNotViable), so the file store does too.
      throw new PermanentStoreError(`field '${path}' is not an object`, 'PATH_NOT_VIABLE');
    }
    cur = cur[step] as Record<string, unknown>;
  }
  return cur;
}

function runKey(asset: unknown, asOf: number, paramsHash: unknown): string {
  return `${String(asset)}\u0000${asOf}\u0000${String(paramsHash)}`;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
