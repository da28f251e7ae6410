import { createDocumentReader, type FieldMapping, InvalidDocumentError } from '../core/document-reader.ts';
import { joinSeriesParts, piecewiseSeriesSet, SeriesBuilder, type SeriesSet } from '../core/series.ts';
import type { ThreadPool } from '../threads/thread-pool.ts';
import type { InputFormat } from './input-format.ts';
import type { InputProblem } from './input-problem.ts';
import { loadSeriesInWorkers, type PartResult, parallelRanges } from './parallel-load.ts';
import type { ClaimedRange, RangeTable } from './range-table.ts';
import { type RecordStreamOptions, streamRecords } from './record-stream.ts';
import { canScanNdjson, type RecordPass, scanNdjson } from './scan-ndjson.ts';

/** Options of {@link loadSeries}. */
export interface LoadSeriesOptions extends RecordStreamOptions {
  /** Keep each document's `_id` (for write-back), indexed by ref. @default false */
  readonly keepIds?: boolean;
  /**
   * Threads that parse byte ranges of a large NDJSON file in parallel: this one and `workers - 1` worker threads.
   * @default one per core (at most 4) for NDJSON files of 32 MiB or more, else 1
   */
  readonly workers?: number;
  /**
   * Threads to parse on, when the caller keeps them for later work (the detect command judges on
   * them too); must hold `workers - 1` threads. @default a pool started and stopped by the load
   */
  readonly pool?: ThreadPool;
  /**
   * Leave the series as pieces in shared memory, laid out where and when they are used (see
   * `PiecewiseSeriesSet`): for a caller that judges assets block by block on several threads.
   * @default false
   */
  readonly piecewise?: boolean;
  /**
   * The byte range to read as this thread's share of a {@link RangeTable}: read as it is claimed,
   * its end moving when another thread takes its rest. Instead of `range`.
   */
  readonly claimed?: ClaimedRange;
  /**
   * `false`: NDJSON files are read by the JavaScript field scanner alone, without its WebAssembly
   * kernel (the results are the same; the tests compare the two). @default the kernel when built
   */
  readonly fieldScanKernel?: boolean;
}

/** The series of an input, and what was skipped. */
export interface LoadSeriesResult {
  /** Series refs are 0-based document indexes in input order. */
  readonly set: SeriesSet;
  /** Skipped lines and documents without usable asset or time, in input order. */
  readonly problems: InputProblem[];
  /** Documents read (parsed objects or CSV rows), including those rejected for their asset or time. */
  readonly documents: number;
  /** With `keepIds`: `ids[ref]` is the `_id` of that document as in the input (`undefined` when absent). */
  readonly ids: unknown[] | undefined;
  readonly format: InputFormat;
}

/**
 * The fast path from a file to detector series: documents are streamed,
 * reduced to (asset, time, metric values) by the field mapping and dropped, so
 * memory stays proportional to the observations, not the documents.
 *
 * Formats and problems as in `readDocuments`. A document without a usable
 * asset or time is reported with its line and skipped; bad metric values are
 * data, counted in `set.badValues`.
 *
 * @param source - a path (relative to `options.cwd`), or `-` for stdin
 * @param mapping - asset, time and metric field paths (dotted allowed)
 * @param options - format, stdin, cwd, progress, keepIds
 * @returns the built series, problems, document count and optionally the `_id`s
 * @throws `InputError` when the file is missing or unreadable
 *
 * Complexity: O(bytes + documents · metrics), plus the per-asset sort of `SeriesBuilder.build`.
 *
 * @example
 * const { set, problems } = await loadSeries('docs.ndjson', {
 *   assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'],
 * });
 */
export async function loadSeries(
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions = {},
): Promise<LoadSeriesResult> {
  const ranges = await parallelRanges(source, options);
  if (!ranges) return loadSeriesPart(source, mapping, options);
  return loadSeriesInWorkers(source, mapping, options, ranges, (claimed, onProgress) =>
    readSeriesPart(source, mapping, { ...options, claimed, onProgress }, true),
  );
}

/**
 * {@link loadSeries} on one pass, optionally over a byte range (`options.range`),
 * its series built (or left as pieces, with `options.piecewise`).
 *
 * @returns the result plus the number of lines read, so the next range's line numbers can follow on
 *
 * @example
 * await loadSeriesPart('docs.ndjson', mapping, { range: { start: 0, end: 1 << 20 } });
 */
export async function loadSeriesPart(
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions = {},
): Promise<LoadSeriesResult & { readonly lines: number }> {
  const piecewise = options.piecewise ?? false;
  const { part, ...pass } = await readSeriesPart(source, mapping, options, piecewise);
  return { set: piecewise ? piecewiseSeriesSet([part], [0]) : joinSeriesParts([part], [0]), ...pass };
}

/**
 * One pass over `source` (or `options.range` of it) into a builder, left unbuilt: what each
 * thread of the parallel path runs. NDJSON files go through the field scanner (`scanNdjson`),
 * which leaves every line it cannot read exactly to {@link readExactly}; other inputs are read
 * by {@link readExactly} alone.
 *
 * @param shared - chunks in shared memory, for a part other threads build series from
 * @returns the builder's part, the pass's documents, problems and `_id`s, and the lines read
 *
 * @example
 * const { part } = await readSeriesPart('docs.ndjson', mapping, { range }, true);
 */
export async function readSeriesPart(
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions = {},
  shared = false,
): Promise<PartResult> {
  const builder = new SeriesBuilder(mapping.metrics, { shared });
  const pass = canScanNdjson(source, mapping, options)
    ? await scanNdjson(source, mapping, options, builder, readExactly)
    : await readExactly(source, mapping, options, builder, 0);
  return { part: builder.part(), ...pass };
}

/**
 * The exact path: every document parsed with `JSON.parse` (or read as a CSV
 * row), reduced by the document reader and added to `builder` with refs from
 * `firstRef` on; documents without a usable asset or time become problems.
 *
 * @param source - a path (relative to `options.cwd`), or `-` for stdin
 * @param mapping - asset, time and metric field paths
 * @param options - as {@link loadSeries}, with an optional byte range (a claimed one is claimed whole)
 * @param builder - receives the observations
 * @param firstRef - ref of the first document read
 * @returns the documents, problems, `_id`s (with `keepIds`), format and lines of the pass
 * @throws `InputError` when the file is missing or unreadable
 *
 * Complexity: O(bytes) plus one `JSON.parse` per document.
 *
 * @example
 * await readExactly('docs.csv', mapping, {}, new SeriesBuilder(mapping.metrics), 0);
 */
export async function readExactly(
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions,
  builder: SeriesBuilder,
  firstRef: number,
): Promise<RecordPass> {
  const reader = createDocumentReader(mapping);
  const ids: unknown[] | undefined = options.keepIds ? [] : undefined;
  let documents = 0;
  // A claimed range is read whole, as a fixed range: no other thread may take any of it then.
  const { claimed, ...rest } = options;
  const fixed =
    claimed === undefined ? options : { ...rest, range: { start: claimed.start, end: claimed.rest() } };
  const { format, problems, lines } = await streamRecords(source, fixed, (doc) => {
    const ref = firstRef + documents++;
    if (ids) ids.push(doc._id);
    try {
      const o = reader.read(doc);
      builder.add(o.asset, o.time, o.values, ref);
      return undefined;
    } catch (e) {
      if (e instanceof InvalidDocumentError) return e.message;
      throw e;
    }
  });
  return { documents, problems, ids, format, lines };
}
