import { seriesIsoTimes, windowResultJson } from '../../core/detect-json.ts';
import type { RollingOptions, WindowOptions } from '../../core/detector-options.ts';
import { DAY_MS, Mode } from '../../core/detector-options.ts';
import { rollingDocumentFlags, windowDocumentFlags } from '../../core/document-flags.ts';
import { DirectionCode } from '../../core/fences.ts';
import { detectRolling, type RollingResult, rollingFlags } from '../../core/rolling-detector.ts';
import { RollingJsonWriter } from '../../core/rolling-json-writer.ts';
import {
  type AssetSeries,
  buildSeries,
  ownSeries,
  SeriesMemory,
  type SeriesPieces,
  type SeriesSet,
} from '../../core/series.ts';
import { detectWindow } from '../../core/window-detector.ts';
import type { TaskResult } from '../../threads/pool-tasks.ts';
import { seriesBuffers } from '../../threads/thread-pool.ts';
import { RollingKernel } from '../../wasm/rolling-kernel.ts';
import { WindowKernel } from '../../wasm/window-kernel.ts';
import { DetectTally, type TallySnapshot } from './detect-tally.ts';
import { FlagLineWriter, flagLineHead } from './flag-line-writer.ts';
import type { FlagRow } from './flag-row.ts';
import { OutputFormat } from './output-format.ts';
import { writeBackLines } from './write-back.ts';

/** The detector run of one `riskfence detect`, as plain data that any thread can execute. */
export type DetectorRun =
  | { readonly mode: typeof Mode.Window; readonly options: WindowOptions }
  | { readonly mode: typeof Mode.Rolling; readonly options: RollingOptions };

/** What every block of one run shares: the detector, the metrics and what to print. */
export interface DetectJob {
  readonly detector: DetectorRun;
  readonly metrics: readonly string[];
  readonly format: OutputFormat;
  /** Table rows to keep (`--limit`, 0 = all); only the table format keeps any. */
  readonly limit: number;
}

/** `--out` of a block: the input's `_id`s by ref and the flags' root field. */
export interface BlockWriteBack {
  readonly ids: readonly unknown[];
  readonly field: string;
}

/** What one block of assets gave: its output text, its tally and its `--out` lines. */
export interface BlockOutput {
  /**
   * The block's share of stdout in order, as UTF-8 in pieces of about 1 MB
   * (a piece may end inside a line or entry): NDJSON lines, or for the JSON
   * report its `results` entries joined by commas (a comma between blocks is
   * the caller's, see {@link blockSeparator}). Each piece has a buffer of its
   * own, so a pool thread moves them to the writing thread (see {@link detectBlockTask}).
   */
  readonly text: readonly Uint8Array[];
  readonly tally: TallySnapshot;
  /** `--out` lines, each with its newline. */
  readonly outLines: readonly string[];
  /** Flagged documents without `_id`. */
  readonly missingIds: number;
}

// Output pieces are about this size: few enough to hand between threads cheaply,
// small enough that no block holds one huge buffer.
const PIECE_BYTES = 1 << 20;

/**
 * Runs the detector on one block of assets and prints what `riskfence
 * detect` prints for them: the same code on the main thread and on worker
 * threads, so the text of consecutive blocks, written in order, is the text
 * of one pass over all the assets (results come asset by asset in both modes).
 *
 * @param set - the block's metrics and series (sorted, as `SeriesBuilder` builds them); not modified
 * @param job - the run's settings
 * @param writeBack - for `--out`: window mode writes the block's flags in document order, rolling
 *   mode asset by asset, so a window run with `--out` must be one block to keep one pass's order
 * @returns text pieces, the tally (flags kept only for the table format) and `--out` lines
 *
 * Complexity: that of the detector on the block, plus O(flags) for the output
 * (O(points) for the rolling JSON report, which prints every point).
 *
 * @example
 * const { text } = detectBlock({ metrics, series }, { detector: { mode: 'window', options }, metrics, format: 'ndjson', limit: 0 });
 */
export function detectBlock(
  set: Pick<SeriesSet, 'metrics' | 'series'>,
  job: DetectJob,
  writeBack?: BlockWriteBack,
): BlockOutput {
  const tally = new DetectTally(job.limit);
  const text = new Pieces();
  const outLines: string[] = [];
  let missingIds = 0;
  // Called as `addOut?.(flags)`, which without --out does not even compute the flags.
  const addOut =
    writeBack &&
    ((flags: ReturnType<typeof windowDocumentFlags>) => {
      const back = writeBackLines(flags, writeBack.ids, writeBack.field);
      for (const line of back.lines) outLines.push(`${line}\n`);
      missingIds += back.missingIds;
    });
  // The table keeps its flags as rows; NDJSON prints them as lines; the JSON report counts them.
  const rows = job.format === OutputFormat.Table;
  const lines = job.format === OutputFormat.Ndjson ? threadWriters().flagLines : undefined;
  const { detector } = job;
  if (detector.mode === Mode.Window) {
    const { options } = detector;
    // The JSON report without --out: each series judged and printed by the kernel where it can.
    const kernel = job.format === OutputFormat.Json && !writeBack ? threadWriters().windowKernel : null;
    const judge = (subset: Pick<SeriesSet, 'metrics' | 'series'>) => {
      const results = detectWindow(subset, options);
      for (const r of results) {
        tally.judged++;
        tally.addWindow(r.timeframe, r.n);
        if (!r.fences) tally.insufficient++;
        else if (r.flags.length > 0) {
          const { lower, upper } = r.fences;
          if (rows) for (const f of r.flags) tally.addFlag(flagRow(r, f, lower, upper));
          else tally.countFlag(r.timeframe, r.flags.length);
          if (lines) text.bytes(lines.window(r));
        }
        if (job.format === OutputFormat.Json) text.item(JSON.stringify(windowResultJson(r)));
      }
      addOut?.(windowDocumentFlags(subset, results, options.asOf));
    };
    if (kernel === null) judge(set);
    else
      for (const series of set.series) {
        const printed = kernel.entries(series, set.metrics, options);
        if (printed === null) judge({ metrics: set.metrics, series: [series] });
        else {
          const { stats } = printed;
          for (let k = 0, at = 0; k < options.timeframes.length; k++) {
            const timeframe = options.timeframes[k]!;
            for (let m = 0; m < set.metrics.length; m++, at += 3) {
              tally.judged++;
              tally.addWindow(timeframe, stats[at]!);
              if (stats[at + 1] === 0) tally.insufficient++;
              else if (stats[at + 2]! > 0) tally.countFlag(timeframe, stats[at + 2]);
            }
          }
          text.itemBytes(printed.bytes);
        }
      }
  } else {
    const { options } = detector;
    const engine = threadWriters().rollingKernel ?? undefined;
    /** A result's flags counted, listed and printed; its points without fences tallied. */
    const absorb = (r: RollingResult) => {
      tally.judged += r.q1.length;
      const flags = countPoints(r, tally);
      if (rows) for (const f of rollingFlags(r)) tally.addFlag(flagRow(r, f, f.lower, f.upper));
      else if (flags > 0) tally.countFlag(r.timeframe, flags);
      if (lines && flags > 0) text.bytes(lines.rolling(r, seriesIsoTimes(r.series)));
    };
    if (lines && engine && !writeBack) {
      // NDJSON lines without --out: each result judged and printed by the kernel, with no per-point
      // arrays; from a result it cannot print on, the series' results come from detectRolling.
      for (const series of set.series) {
        const printed = printRollingSeries(series, set.metrics, options, engine, tally, text);
        if (printed === options.timeframes.length * set.metrics.length) continue;
        let k = 0;
        for (const r of detectRolling({ metrics: set.metrics, series: [series] }, options, {
          reuse: true,
          engine,
        })) {
          if (k++ >= printed) absorb(r);
        }
      }
    } else {
      let group: RollingResult[] = [];
      const json = job.format === OutputFormat.Json ? threadWriters().rollingJson : undefined;
      // Each result is used up before the next one (only --out keeps them), so their arrays are reused.
      for (const r of detectRolling(set, options, { reuse: !writeBack, engine })) {
        // Results come asset by asset; --out lines are made per asset to bound memory.
        if (group.length > 0 && group[0]!.series !== r.series) {
          addOut?.(rollingDocumentFlags(group));
          group = [];
        }
        if (writeBack) group.push(r);
        absorb(r);
        if (json) text.itemBytes(json.entry(r));
      }
      addOut?.(rollingDocumentFlags(group));
    }
  }
  return { text: text.done(), tally: tally.snapshot(), outLines, missingIds };
}

/**
 * Prints the NDJSON flag lines of one series' rolling results with the kernel, in
 * `detectRolling`'s order (timeframe, then metric), and tallies them, up to the first result the
 * kernel cannot print.
 *
 * @returns how many results were printed
 */
function printRollingSeries(
  series: AssetSeries,
  metrics: readonly string[],
  options: RollingOptions,
  kernel: RollingKernel,
  tally: DetectTally,
  text: Pieces,
): number {
  let printed = 0;
  for (const timeframe of options.timeframes) {
    for (let m = 0; m < metrics.length; m++) {
      const head = flagLineHead({ asset: series.asset, metric: metrics[m]!, timeframe });
      const lines = kernel.flagLines(series, m, timeframe * DAY_MS, options, head);
      if (lines === null) return printed;
      tally.judged += series.times.length;
      tally.insufficient += lines.unjudged;
      if (lines.flagged > 0) {
        tally.countFlag(timeframe, lines.flagged);
        text.bytes(lines.bytes);
      }
      printed++;
    }
  }
  return printed;
}

/** A flag as the table keeps it: where it belongs, the flag, and the fences it was judged against. */
function flagRow(
  r: Pick<FlagRow, 'asset' | 'metric' | 'timeframe'>,
  f: Pick<FlagRow, 'time' | 'value' | 'direction' | 'score'>,
  lower: number,
  upper: number,
): FlagRow {
  const { asset, metric, timeframe } = r;
  return {
    asset,
    metric,
    timeframe,
    time: f.time,
    value: f.value,
    direction: f.direction,
    score: f.score,
    lower,
    upper,
  };
}

// One writer of each kind per thread, for every block it prints: their buffers and lists keep
// their size, so neither the allocations nor the JIT's first use of their growing paths (which
// deoptimised the code that prints) come back with each block. The rolling writer remembers the
// heads of the series it printed last, by object: no two blocks share a series object (nor does
// the rolling kernel, which keeps the series it judges last in its memory).
let writers:
  | {
      readonly flagLines: FlagLineWriter;
      readonly rollingJson: RollingJsonWriter;
      readonly rollingKernel: RollingKernel | null;
      readonly windowKernel: WindowKernel | null;
    }
  | undefined;

function threadWriters(): NonNullable<typeof writers> {
  writers ??= {
    flagLines: new FlagLineWriter(),
    rollingJson: new RollingJsonWriter(),
    rollingKernel: RollingKernel.create(),
    windowKernel: WindowKernel.create(),
  };
  return writers;
}

/**
 * Adds a rolling result's points without fences to the tally; its flagged points. A function of
 * its own: as a loop inside detectBlock it made the JIT compile all of detectBlock in the middle of
 * its first result, before the code after the loop over results had run, which then deoptimised it
 * at the end of every block.
 */
function countPoints(r: RollingResult, tally: DetectTally): number {
  let flags = 0;
  for (let i = 0; i < r.q1.length; i++) {
    if (Number.isNaN(r.q1[i]!)) tally.insufficient++;
    if (r.direction[i] !== DirectionCode.None) flags++;
  }
  return flags;
}

/**
 * What goes between the text of two consecutive non-empty blocks: a comma
 * between JSON report entries, nothing between NDJSON lines.
 *
 * @example
 * blockSeparator('json'); // ','
 */
export function blockSeparator(format: OutputFormat): string {
  return format === OutputFormat.Json ? ',' : '';
}

/** How {@link detectionBlocks} makes its last blocks smaller, so that the threads finish together. */
export interface BlockTaper {
  /** Threads that take blocks (this one included). */
  readonly threads: number;
  /** The smallest bound a block gets. */
  readonly leastJudgements: number;
}

// With a taper, a block holds at most this share of what is left for each thread: the blocks a
// thread holds when the others run out of work (its own and up to two queued) stay short.
const TAPER_SHARE = 4;

/**
 * Consecutive assets in blocks of at most `maxJudgements` judgements (points ×
 * metrics × timeframes) each, never splitting an asset: the unit of work
 * handed to a thread. An asset above the bound is a block of its own.
 *
 * With `taper`, a block's bound is also at most a quarter of the judgements
 * left per thread (but at least `taper.leastJudgements`), so the last blocks
 * shrink: a thread that runs out of blocks waits at the end for at most a few
 * small ones of another thread, not for two of the largest (rolling mode's
 * blocks of 150,000 judgements take ~25 ms each, warm).
 *
 * @param assets - in output order: series, or their pieces
 * @param points - an asset's points (observations)
 * @param perPoint - metrics × timeframes
 * @param maxJudgements - the bound; `Infinity` gives one block (with no taper)
 * @param taper - threads and the least bound, for blocks that shrink towards the end
 * @returns the blocks in order, none empty
 *
 * Complexity: O(assets).
 *
 * @example
 * const points = (s: AssetSeries) => s.times.length;
 * detectionBlocks(set.series, points, 21, 150_000).length; // 23 for 200 assets × 720 points (9 a block)
 * detectionBlocks(set.series, points, 21, 150_000, { threads: 2, leastJudgements: 20_000 }).length; // 42: the last 27 of 8 assets down to 1
 */
export function detectionBlocks<T>(
  assets: readonly T[],
  points: (asset: T) => number,
  perPoint: number,
  maxJudgements: number,
  taper?: BlockTaper,
): T[][] {
  let left = 0;
  for (const a of assets) left += points(a) * perPoint;
  const boundFor = (judgementsLeft: number) =>
    taper === undefined
      ? maxJudgements
      : Math.min(
          maxJudgements,
          Math.max(taper.leastJudgements, judgementsLeft / (TAPER_SHARE * taper.threads)),
        );
  const blocks: T[][] = [];
  let block: T[] = [];
  let judgements = 0;
  let bound = boundFor(left);
  for (const a of assets) {
    const own = points(a) * perPoint;
    if (block.length > 0 && judgements + own > bound) {
      blocks.push(block);
      left -= judgements;
      bound = boundFor(left);
      block = [];
      judgements = 0;
    }
    block.push(a);
    judgements += own;
  }
  if (block.length > 0) blocks.push(block);
  return blocks;
}

/**
 * A block's assets as they travel: series already laid out (moved to the thread that judges
 * them), or pieces of a piecewise set (views of shared memory, sent without a copy), which that
 * thread lays out right before judging them (see {@link blockSeries}).
 */
export type BlockAssets =
  | { readonly series: readonly AssetSeries[] }
  | { readonly pieces: readonly SeriesPieces[] };

// Where each thread lays out the series of its blocks of pieces, one block after another.
let memory: SeriesMemory | undefined;

/**
 * The series of a block, laid out on this thread when they are pieces: in memory the thread
 * reuses for each block, so they are valid until its next block (what `detectBlock` leaves
 * behind — text, tally, `--out` lines — holds no series).
 *
 * @param metricCount - values per observation
 * @param block - the block's series or pieces
 *
 * Complexity: O(observations) for pieces.
 *
 * @example
 * detectBlock({ metrics, series: blockSeries(metrics.length, { pieces }) }, job);
 */
export function blockSeries(metricCount: number, block: BlockAssets): readonly AssetSeries[] {
  if ('series' in block) return block.series;
  memory ??= new SeriesMemory();
  memory.reserve(block.pieces.reduce((doubles, p) => doubles + p.length * (metricCount + 2), 0));
  return block.pieces.map((p) => buildSeries(p, metricCount, memory));
}

/**
 * What to move rather than copy when a block goes to another thread: its series' buffers
 * (pieces are shared memory, which no message copies).
 *
 * @example
 * pool.run(thread, 'detect-block', { metrics, block, job }, blockTransfer(block));
 */
export function blockTransfer(block: BlockAssets): ArrayBuffer[] {
  return 'series' in block ? seriesBuffers(block.series) : [];
}

const UTF8 = new TextEncoder();
const COMMA = 0x2c;
// A block's first piece is small (most blocks print far less than a full piece); each next one
// doubles up to PIECE_BYTES, so a block's buffers stay within about twice its text.
const FIRST_PIECE_BYTES = 1 << 16;

/**
 * Text encoded to UTF-8 as it comes, in pieces of up to about {@link PIECE_BYTES}: NDJSON lines,
 * or JSON entries separated by commas. Encoding each line or entry straight into the piece's
 * buffer spares joining them into one string and encoding that again. Each piece has a buffer of
 * its own; a line or entry may continue in the next piece.
 */
class Pieces {
  readonly #pieces: Uint8Array[] = [];
  #buffer = new Uint8Array(0);
  #used = 0;
  #items = 0;

  item(json: string): void {
    if (this.#items++ > 0) this.#byte(COMMA);
    this.#text(json);
  }

  /** An entry already encoded; `bytes` are copied. */
  itemBytes(bytes: Uint8Array): void {
    if (this.#items++ > 0) this.#byte(COMMA);
    this.bytes(bytes);
  }

  /** Text already encoded (whole lines); `bytes` are copied. */
  bytes(bytes: Uint8Array): void {
    let from = 0;
    for (;;) {
      const to = Math.min(bytes.length, from + this.#buffer.length - this.#used);
      this.#buffer.set(bytes.subarray(from, to), this.#used);
      this.#used += to - from;
      if (to === bytes.length) return;
      from = to;
      this.#buffer = new Uint8Array(this.#next());
    }
  }

  done(): Uint8Array[] {
    this.#cut();
    return this.#pieces;
  }

  #text(text: string): void {
    const { read, written } = UTF8.encodeInto(text, this.#buffer.subarray(this.#used));
    this.#used += written;
    if (read === text.length) return;
    // The piece is full (encodeInto never splits a character): the rest starts the next piece,
    // or is a piece of its own when it may not fit in one.
    const rest = text.slice(read);
    const size = this.#next();
    if (rest.length * 3 > size) this.#pieces.push(UTF8.encode(rest));
    else {
      this.#buffer = new Uint8Array(size);
      this.#used = UTF8.encodeInto(rest, this.#buffer).written;
    }
  }

  #byte(byte: number): void {
    if (this.#used === this.#buffer.length) this.#buffer = new Uint8Array(this.#next());
    this.#buffer[this.#used++] = byte;
  }

  /** Ends the current piece; the size of the next one. */
  #next(): number {
    const size = Math.min(PIECE_BYTES, Math.max(FIRST_PIECE_BYTES, this.#buffer.length * 2));
    this.#cut();
    return size;
  }

  #cut(): void {
    if (this.#used > 0) this.#pieces.push(this.#buffer.subarray(0, this.#used));
    this.#buffer = new Uint8Array(0);
    this.#used = 0;
  }
}

/** Input of the `detect-block` pool task: a block's assets, the run's metrics and settings. */
export interface DetectBlockInput {
  readonly metrics: readonly string[];
  readonly block: BlockAssets;
  readonly job: DetectJob;
}

/**
 * {@link detectBlock} as a pool task (without `--out`, whose `_id`s stay on
 * the main thread). Its text is already UTF-8, a buffer per piece: the buffers
 * are moved, so the thread that writes the output neither copies nor encodes it.
 *
 * @example
 * await pool.run(0, 'detect-block', { metrics, block: { pieces }, job });
 */
export function detectBlockTask(input: DetectBlockInput): TaskResult<BlockOutput> {
  const { metrics, block } = input;
  // Series laid out here have the shape of every series; series received from another thread do not.
  const series = 'series' in block ? block.series.map(ownSeries) : blockSeries(metrics.length, block);
  const output = detectBlock({ metrics, series }, input.job);
  return { value: output, transfer: output.text.map((bytes) => bytes.buffer as ArrayBuffer) };
}
