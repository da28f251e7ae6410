import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { FieldMapping } from '../core/document-reader.ts';
import {
  type AssetSeries,
  buildSeries,
  groupSeriesParts,
  joinSeriesParts,
  ownSeries,
  piecewiseSeriesSet,
  type SeriesPart,
  type SeriesPieces,
} from '../core/series.ts';
import type { TaskResult } from '../threads/pool-tasks.ts';
import { seriesBuffers, ThreadPool } from '../threads/thread-pool.ts';
import { formatFromPath, InputFormat } from './input-format.ts';
import { type LoadSeriesOptions, type LoadSeriesResult, readSeriesPart } from './load-series.ts';
import { type ClaimedRange, RangeTable, type SharedRanges } from './range-table.ts';
import type { ByteRange } from './text-source.ts';
import { STDIN_SOURCE } from './text-source.ts';

// Below this size a worker's start-up (~50 ms built, ~0.2 s with the TypeScript loader) costs more
// than it saves.
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
const MAX_WORKERS = 4;
// The main thread scans while the workers start (~70-90 ms for a worker of the built CLI, ~38 ms
// of it Node.js's own), so its range is this much larger: about what it scans meanwhile. A fixed
// head start, not a ratio: with 8 MiB the main thread finished its range ~35 ms before the worker
// (median of 12 runs, 46 MB and 230 MB files alike), with 12 MiB within ~20 ms either way; a ratio
// of 1.3 left the main thread's range ~170 ms late on 230 MB.
const HEAD_START_BYTES = 12 * 1024 * 1024;
// A thread done with its range takes half of another's unclaimed rest when at least this much is
// left (~10 ms of scanning; a sixteenth of the file for small ones): on a quiet machine the ranges
// above end within ~20 ms of each other, and no range is split.
const LEAST_STOLEN_BYTES = 4 * 1024 * 1024;
// Ranges a read may be split into in all.
const MAX_RANGES = 64;
const NEWLINE = 0x0a;

/** One byte range's result: its builder's part (series not yet built), and the number of lines it held. */
export type PartResult = Omit<LoadSeriesResult, 'set'> & {
  readonly part: SeriesPart;
  readonly lines: number;
};

/** A part read from a range of a file, with the range's first byte: parts join in file order. */
export type RangePart = PartResult & { readonly start: number };

/** What a worker thread is given to load (the `load-parts` pool task). */
export interface LoadPartsInput {
  readonly source: string;
  readonly mapping: FieldMapping;
  readonly options: Omit<LoadSeriesOptions, 'stdin' | 'onProgress' | 'pool' | 'range' | 'claimed'>;
  /** The read's ranges, shared by its threads. */
  readonly ranges: SharedRanges;
  /** This thread's first range. */
  readonly index: number;
  /** The fewest unclaimed bytes worth taking from another thread's range. */
  readonly least: number;
}

/**
 * The threads that should read `source`: one per core (at most 4) for an
 * NDJSON file of 32 MiB or more, else 1; `options.workers` when given.
 *
 * @example
 * await readingThreads('big.ndjson', {}); // 2 on a 2-core machine
 */
export async function readingThreads(source: string, options: LoadSeriesOptions): Promise<number> {
  if (options.workers !== undefined) return options.workers;
  if (source === STDIN_SOURCE || (options.format ?? formatFromPath(source)) !== InputFormat.Ndjson) return 1;
  const info = await stat(resolve(options.cwd ?? process.cwd(), source)).catch(() => null);
  if (!info?.isFile() || info.size < PARALLEL_MIN_BYTES) return 1;
  return Math.min(availableParallelism(), MAX_WORKERS);
}

/**
 * Splits a large NDJSON file into one byte range per worker, each starting at
 * a line start; `null` when the input should be read in one pass (stdin,
 * other formats, small files, one core, or `workers: 1`).
 *
 * @example
 * await parallelRanges('big.ndjson', {}); // [{ start: 0, end: 104857731 }, { start: 104857731, end: 209715200 }]
 */
export async function parallelRanges(
  source: string,
  options: LoadSeriesOptions,
): Promise<ByteRange[] | null> {
  if (source === STDIN_SOURCE || (options.format ?? formatFromPath(source)) !== InputFormat.Ndjson)
    return null;
  const path = resolve(options.cwd ?? process.cwd(), source);
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) return null;
  const workers = await readingThreads(source, options);
  if (workers <= 1 || info.size === 0) return null;
  const starts = [0];
  const fd = openSync(path, 'r');
  try {
    // The main thread parses the first range while the workers start: that range has a head start
    // (smaller for a file small enough to be split only because `workers` was given).
    const head = Math.min(HEAD_START_BYTES, info.size / (2 * workers));
    const share = (info.size - head) / workers;
    for (let k = 1; k < workers; k++) {
      const start = nextLineStart(fd, Math.floor(head + share * k), info.size);
      if (start > starts[starts.length - 1]! && start < info.size) starts.push(start);
    }
  } finally {
    closeSync(fd);
  }
  if (starts.length === 1) return null;
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? info.size }));
}

/** The first line start at or after `from` in the file `fd` of `size` bytes (`size` for none). */
function nextLineStart(fd: number, from: number, size: number): number {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (let position = from; position < size; position += buffer.length) {
    const bytesRead = readSync(fd, buffer, 0, buffer.length, position);
    const nl = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
    if (nl >= 0) return position + nl + 1;
    if (bytesRead === 0) break;
  }
  return size;
}

/**
 * Loads the first byte range on this thread (`loadHere`) and each other one on
 * a thread of `options.pool` (or of a pool started for this load) — a thread
 * done with its range then takes half of another's unclaimed rest (see
 * {@link RangeTable}) — and joins the parts, in file order, into the result a
 * single pass would give: refs and `ids` in input order, problem line numbers
 * continuing across ranges, series merged stably by time.
 *
 * Parsing JSON is most of the work of reading NDJSON, and it parallelises
 * perfectly across line-aligned ranges. The parts' chunks are in shared memory,
 * so the series are built from them on every thread at once, each thread laying
 * out its share of the assets once, with no copy of a part and no merge; with
 * `options.piecewise` they are left as pieces for the caller to lay out.
 *
 * @example
 * await loadSeriesInWorkers('big.ndjson', mapping, {}, ranges, (claimed, onBytes) => readSeriesPart(...));
 */
export async function loadSeriesInWorkers(
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions,
  ranges: readonly ByteRange[],
  loadHere: (range: ClaimedRange, onBytes: (bytes: number) => void) => Promise<PartResult>,
): Promise<LoadSeriesResult> {
  const total = ranges[ranges.length - 1]!.end;
  const table = RangeTable.create(ranges, MAX_RANGES);
  const least = Math.min(LEAST_STOLEN_BYTES, Math.ceil(total / 16));
  const file = resolve(options.cwd ?? process.cwd(), source);
  const progress = ranges.map(() => 0);
  const report = (i: number) => (bytes: number) => {
    progress[i] = bytes;
    options.onProgress?.(
      progress.reduce((a, b) => a + b, 0),
      total,
    );
  };
  const { stdin: _stdin, onProgress: _onProgress, pool: given, ...plain } = options;
  const pool = given && given.size >= ranges.length - 1 ? given : ThreadPool.start(ranges.length - 1);
  try {
    const threads = await Promise.all(
      ranges.map((_, i) =>
        i === 0
          ? loadRanges(file, table, { index: 0, least }, report(0), loadHere)
          : pool.run(
              i - 1,
              'load-parts',
              { source, mapping, options: plain, ranges: table.shared, index: i, least },
              [],
              report(i),
            ),
      ),
    );
    const parts = threads.flat().sort((a, b) => a.start - b.start);
    let documents = 0;
    let lines = 0;
    const refOffsets: number[] = [];
    const problems: LoadSeriesResult['problems'] = [];
    const ids: unknown[] | undefined = options.keepIds ? [] : undefined;
    for (const part of parts) {
      refOffsets.push(documents);
      for (const p of part.problems) problems.push({ ...p, line: p.line + lines });
      if (ids && part.ids) for (const id of part.ids) ids.push(id);
      documents += part.documents;
      lines += part.lines;
    }
    const seriesParts = parts.map((p) => p.part);
    return {
      set: options.piecewise
        ? piecewiseSeriesSet(seriesParts, refOffsets)
        : joinSeriesParts(
            seriesParts,
            refOffsets,
            await buildOnThreads(groupSeriesParts(seriesParts, refOffsets), mapping.metrics.length, pool),
          ),
      problems,
      documents,
      ids,
      format: InputFormat.Ndjson,
    };
  } finally {
    if (pool !== given) await pool.close();
  }
}

/**
 * Builds the series of `groups` on this thread and every pool thread at once, each taking a run
 * of consecutive assets with about the same number of observations, and gives them in order.
 */
async function buildOnThreads(
  groups: readonly SeriesPieces[],
  metricCount: number,
  pool: ThreadPool,
): Promise<AssetSeries[]> {
  const shares = pool.size + 1;
  const observations = groups.reduce((sum, g) => sum + g.length, 0);
  const runs: SeriesPieces[][] = [[]];
  let done = 0;
  for (const g of groups) {
    if (runs.length < shares && done >= (observations * runs.length) / shares) runs.push([]);
    runs[runs.length - 1]!.push(g);
    done += g.length;
  }
  const there = runs.slice(1).map((run, i) => pool.run(i, 'build-series', { groups: run, metricCount }));
  const here = runs[0]!.map((g) => buildSeries(g, metricCount));
  return here.concat(...(await Promise.all(there)).map((run) => run.map(ownSeries)));
}

/** What a worker thread is given to build (the `build-series` pool task): assets' chunks in shared memory. */
export interface BuildSeriesInput {
  readonly groups: readonly SeriesPieces[];
  readonly metricCount: number;
}

/**
 * The `build-series` pool task: some assets' series laid out from the parts' shared chunks on a
 * worker thread, moved back to the calling thread rather than copied.
 *
 * @example
 * await pool.run(0, 'build-series', { groups, metricCount: 7 });
 */
export function buildSeriesTask(input: BuildSeriesInput): TaskResult<AssetSeries[]> {
  const series = input.groups.map((g) => buildSeries(g, input.metricCount));
  return { value: series, transfer: seriesBuffers(series) };
}

/**
 * The `load-parts` pool task: a worker thread's range of a file, then any it takes from other
 * threads, loaded into chunks of shared memory, which the calling thread sees without a copy
 * (O(assets) a part to send).
 *
 * @example
 * await loadPartsTask({ source, mapping, options: {}, ranges: table.shared, index: 1, least: 4 << 20 }, (bytes) => {});
 */
export async function loadPartsTask(
  task: LoadPartsInput,
  onProgress: (bytes: number) => void,
): Promise<TaskResult<RangePart[]>> {
  const { source, mapping, options } = task;
  const value = await loadRanges(
    resolve(options.cwd ?? process.cwd(), source),
    RangeTable.of(task.ranges),
    task,
    onProgress,
    (claimed, onBytes) => readSeriesPart(source, mapping, { ...options, claimed, onProgress: onBytes }, true),
  );
  return { value, transfer: [] };
}

/**
 * What each reading thread runs: its own range of `table`, then, as long as another thread's
 * range has `least` bytes unclaimed, the second half of them (see {@link RangeTable.steal}).
 *
 * @param file - the file's path, to find line starts in
 * @param first - this thread's range, and the fewest bytes worth taking
 * @param onBytes - the bytes this thread has read, over all its ranges
 * @returns a part per range read, each with the range's start
 */
async function loadRanges(
  file: string,
  table: RangeTable,
  first: { readonly index: number; readonly least: number },
  onBytes: (bytes: number) => void,
  load: (range: ClaimedRange, onBytes: (bytes: number) => void) => Promise<PartResult>,
): Promise<RangePart[]> {
  const parts: RangePart[] = [];
  let fd: number | undefined;
  const lineStart = (offset: number) => {
    fd ??= openSync(file, 'r');
    return nextLineStart(fd, offset, Number.POSITIVE_INFINITY);
  };
  try {
    let before = 0;
    for (
      let index: number | null = first.index;
      index !== null;
      index = table.steal(first.least, lineStart)
    ) {
      const part = await load(table.range(index), (bytes) => onBytes(before + bytes));
      const { start, end } = table.bounds(index);
      before += end - start;
      parts.push({ ...part, start });
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return parts;
}
