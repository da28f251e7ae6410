import { readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FieldMapping } from '../core/document-reader.ts';
import type { SeriesBuilder, SeriesSlot } from '../core/series.ts';
import { FieldScanKernel } from '../wasm/field-scan-kernel.ts';
import { canScanFields, FieldScanner, LineVerdict } from './field-scanner.ts';
import { formatFromPath, InputFormat } from './input-format.ts';
import type { InputProblem } from './input-problem.ts';
import type { LoadSeriesOptions } from './load-series.ts';
import { fixedRange } from './range-table.ts';
import { STDIN_SOURCE } from './text-source.ts';

/** What one pass over an input, or a byte range of it, added to a series builder. */
export interface RecordPass {
  /** Documents read (parsed objects), including those rejected for their asset or time. */
  readonly documents: number;
  /** Skipped lines and documents, in input order; lines numbered from the start of the pass. */
  readonly problems: InputProblem[];
  /** With `keepIds`: the `_id` of each document, by ref minus the pass's first ref. */
  readonly ids: unknown[] | undefined;
  readonly format: InputFormat;
  /** Lines read (NDJSON, CSV). */
  readonly lines: number;
}

/**
 * The exact path: every document parsed with `JSON.parse` and read by the
 * document reader, added to `builder` with refs from `firstRef` on.
 */
export type ExactPass = (
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions,
  builder: SeriesBuilder,
  firstRef: number,
) => Promise<RecordPass>;

// Bytes read per step; a line longer than MAX_SCANNED_LINE is handed to the exact path whole.
const CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_SCANNED_LINE = 1024 * 1024;
// Past this many lines handed over one by one, the rest of the range goes to the exact path at
// once: each hand-over opens the file again, which only pays while unusual lines are rare.
const MAX_HANDOVERS = 64;
const NEWLINE = 0x0a;

/**
 * Whether {@link scanNdjson} may read this input: a regular NDJSON file by
 * name or explicit format (not stdin, not a `.json` file that turns out to be
 * NDJSON), without `keepIds`, and a mapping the field scanner reads exactly.
 *
 * @example
 * canScanNdjson('docs.ndjson', { assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'] }, {}); // true
 */
export function canScanNdjson(source: string, mapping: FieldMapping, options: LoadSeriesOptions): boolean {
  return (
    source !== STDIN_SOURCE &&
    !options.keepIds &&
    (options.format ?? formatFromPath(source)) === InputFormat.Ndjson &&
    canScanFields(mapping)
  );
}

/**
 * Reads an NDJSON file (or `options.range` of it) into `builder` with the
 * field scanner: bytes straight into the builder's arrays, no string per line
 * and no document objects. Every line the scanner declares unusual is read by
 * `exact` over that line's bytes alone, so messages, line numbers and values
 * stay exactly those of the exact path; after 64 such lines the rest of the
 * range is read by `exact` in one go. A file that cannot be opened or read is
 * handed to `exact` too, which reports it as it always does.
 *
 * @param source - a path relative to `options.cwd`
 * @param mapping - a mapping {@link canScanNdjson} accepts
 * @param options - cwd, range and progress (format and keepIds as {@link canScanNdjson} requires)
 * @param builder - receives every observation, refs from 0 in input order
 * @param exact - the exact path, for the lines the scanner leaves to it
 * @returns documents, problems and lines of the range, as the exact path would count them
 *
 * Complexity: O(bytes); memory O(chunk) besides the builder.
 *
 * @example
 * await scanNdjson('docs.ndjson', mapping, {}, new SeriesBuilder(mapping.metrics), readExactly);
 */
export async function scanNdjson(
  source: string,
  mapping: FieldMapping,
  options: LoadSeriesOptions,
  builder: SeriesBuilder,
  exact: ExactPass,
): Promise<RecordPass> {
  let file: FileHandle;
  try {
    file = await open(resolve(options.cwd ?? process.cwd(), source), 'r');
  } catch {
    return exact(source, mapping, options, builder, 0);
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) return await exact(source, mapping, options, builder, 0);
    return await scanFile(file, info.size, { source, mapping, options, builder, exact });
  } finally {
    await file.close();
  }
}

interface ScanContext {
  readonly source: string;
  readonly mapping: FieldMapping;
  readonly options: LoadSeriesOptions;
  readonly builder: SeriesBuilder;
  readonly exact: ExactPass;
}

async function scanFile(file: FileHandle, size: number, ctx: ScanContext): Promise<RecordPass> {
  const { options, builder } = ctx;
  const range =
    options.claimed ?? fixedRange(options.range?.start ?? 0, Math.min(options.range?.end ?? size, size));
  const rangeStart = range.start;
  // Room for a carried unfinished line, a chunk, the newline sentinel after the last line, and
  // three bytes more, so that the scanner's four-byte reads near the last line stay in the buffer.
  const bufferBytes = MAX_SCANNED_LINE + CHUNK_BYTES + 4;
  const kernel =
    options.fieldScanKernel === false
      ? null
      : FieldScanKernel.create(ctx.mapping.metrics.length, bufferBytes);
  const buffer = kernel?.buffer ?? Buffer.allocUnsafe(bufferBytes);
  const lineLoop = new LineLoop(new FieldScanner(ctx.mapping), builder, kernel);
  const problems: InputProblem[] = [];
  let handovers = 0;
  let carry = 0;
  let position = rangeStart;
  // File offset of buffer[0].
  let offset = rangeStart;

  /** The exact path over `[start, end)`, whose first line is line `linesBefore + 1` of this range. */
  const handOver = async (start: number, end: number, linesBefore: number) => {
    // Starting at the newline before the line keeps the exact reader from taking the line for the
    // start of the file, where it would drop a byte-order mark that is data anywhere else.
    const from = start > 0 ? start - 1 : 0;
    const extra = start - from;
    const { range: _range, onProgress: _onProgress, claimed: _claimed, ...rest } = options;
    const pass = await ctx.exact(
      ctx.source,
      ctx.mapping,
      { ...rest, format: InputFormat.Ndjson, range: { start: from, end } },
      builder,
      lineLoop.documents,
    );
    for (const p of pass.problems) problems.push({ ...p, line: p.line + linesBefore - extra });
    lineLoop.documents += pass.documents;
    lineLoop.lines = linesBefore + pass.lines - extra;
  };
  const result = (): RecordPass => ({
    documents: lineLoop.documents,
    problems,
    ids: undefined,
    format: InputFormat.Ndjson,
    lines: lineLoop.lines,
  });

  for (;;) {
    // Claimed before it is read: another thread may take the range's unclaimed rest.
    const rangeEnd = range.claim(position, CHUNK_BYTES);
    const want = Math.min(CHUNK_BYTES, rangeEnd - position);
    let bytesRead = 0;
    if (want > 0) {
      try {
        // Read on this thread: the scan waits for each chunk either way, and the bytes arrive in this
        // core's caches. Reads through libuv's thread pool (`file.read`) cost ~60 ms more of a 0.9 s
        // window run of 230 MB (medians of 12 paired runs, 10 of them slower). Regular files only.
        // The event loop waits meanwhile: other threads' progress is shown when this range ends.
        bytesRead = readSync(file.fd, buffer, carry, want, position);
      } catch {
        // The exact path reads the rest again and reports the failure in its own words.
        await handOver(offset, range.rest(), lineLoop.lines);
        return result();
      }
    }
    position += bytesRead;
    options.onProgress?.(position - rangeStart, size);
    const total = carry + bytesRead;
    const atEnd = bytesRead === 0 || position >= rangeEnd;
    let limit: number;
    if (atEnd) {
      limit = total;
      buffer[total] = NEWLINE;
    } else {
      limit = buffer.lastIndexOf(NEWLINE, total - 1);
      if (limit < 0) {
        if (total > MAX_SCANNED_LINE) {
          await handOver(offset, range.rest(), lineLoop.lines);
          return result();
        }
        carry = total;
        continue;
      }
    }
    const stop = atEnd ? total : limit + 1;
    for (let s = lineLoop.run(buffer, 0, stop, limit); s < stop; s = lineLoop.run(buffer, s, stop, limit)) {
      // An unusual line, counted but not read.
      if (++handovers > MAX_HANDOVERS) {
        await handOver(offset + s, range.rest(), lineLoop.lines - 1);
        return result();
      }
      const next = buffer.indexOf(NEWLINE, s) + 1;
      await handOver(offset + s, Math.min(offset + next, rangeEnd), lineLoop.lines - 1);
      s = next;
    }
    if (atEnd) return result();
    carry = total - stop;
    offset += stop;
    if (carry > MAX_SCANNED_LINE) {
      await handOver(offset, range.rest(), lineLoop.lines);
      return result();
    }
    buffer.copyWithin(0, stop, total);
  }
}

/**
 * The scan's inner loop, apart from the reading and the hand-overs around it: a small synchronous
 * function, so that the JIT optimises it once and keeps it, whatever the asynchronous code around it
 * does (deoptimising that code used to discard the loop's optimised code with it).
 */
class LineLoop {
  /** Documents added (and handed over), the next one's ref. */
  documents = 0;
  /** Lines met so far, an unusual line included. */
  lines = 0;
  readonly #scanner: FieldScanner;
  readonly #builder: SeriesBuilder;
  readonly #slots: SeriesSlot[] = [];
  readonly #kernel: FieldScanKernel | null;
  readonly #kernelSlots: SeriesSlot[] = [];
  /** Lines left to the JavaScript scanner before the kernel is tried again, and the kernel's misses in a row. */
  #pause = 0;
  #misses = 0;

  constructor(scanner: FieldScanner, builder: SeriesBuilder, kernel: FieldScanKernel | null) {
    this.#scanner = scanner;
    this.#builder = builder;
    this.#kernel = kernel;
    if (kernel !== null)
      scanner.onShape = (shape, slots, complete) => kernel.setShape(shape, slots, complete);
  }

  /**
   * Adds the observations of the lines of `buffer` from `s` on, up to `stop` or the first unusual
   * line (counted, not read): its start, or `stop`. The kernel reads what it can; each line it
   * stops at is read by the JavaScript scanner, and after misses in a row (a file whose lines it
   * cannot read) it waits 1, 3, 7, … up to 1023 lines before it tries again.
   */
  run(buffer: Uint8Array, s: number, stop: number, limit: number): number {
    const kernel = this.#kernel;
    while (s < stop) {
      if (kernel?.active && this.#pause === 0) {
        const next = kernel.scan(s, stop, limit);
        const count = kernel.count;
        if (count > 0) {
          this.#addRecords(kernel, count);
          this.#misses = 0;
          s = next;
          continue;
        }
        this.#misses = Math.min(this.#misses + 1, MAX_MISSES);
        this.#pause = 2 ** this.#misses - 1;
      }
      const next = this.#scanLine(buffer, s, limit);
      if (next < 0) return s;
      if (this.#pause > 0) this.#pause--;
      s = next;
    }
    return s;
  }

  /** One line by the JavaScript scanner: the next line's start, or -1 for an unusual line (counted). */
  #scanLine(buffer: Uint8Array, s: number, limit: number): number {
    const scanner = this.#scanner;
    this.lines++;
    const verdict = scanner.scan(buffer, s, limit);
    if (verdict === LineVerdict.Observation) {
      const asset = scanner.asset;
      let slot = this.#slots[asset];
      if (slot === undefined) {
        slot = this.#builder.slot(scanner.assetName(asset));
        this.#slots[asset] = slot;
      }
      this.#builder.addTo(slot, scanner.time, scanner.values, this.documents++);
    } else if (verdict !== LineVerdict.Blank) return -1;
    return scanner.next;
  }

  /** The kernel's records, in line order. */
  #addRecords(kernel: FieldScanKernel, count: number): void {
    const records = kernel.records;
    const stride = kernel.stride;
    const builder = this.#builder;
    const slots = this.#kernelSlots;
    for (let i = 0, at = 0; i < count; i++, at += stride) {
      const asset = records[at]!;
      let slot = slots[asset];
      if (slot === undefined) {
        slot = builder.slot(kernel.assetName(asset));
        slots[asset] = slot;
      }
      builder.addRecord(slot, records, at, this.documents++);
    }
    this.lines += count;
    this.#scanner.shapedLines += count;
  }
}

/** Misses in a row after which the kernel waits longest (2^10 - 1 lines) before it tries again. */
const MAX_MISSES = 10;
