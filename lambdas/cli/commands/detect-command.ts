import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { rollingReport, windowReport } from '../../core/detect-json.ts';
import { DAY_MS, Mode } from '../../core/detector-options.ts';
import { isPiecewise, newestPieceTime, type SeriesSet } from '../../core/series.ts';
import { readingThreads } from '../../loaders/parallel-load.ts';
import { runBlocksInOrder } from '../../threads/ordered-blocks.ts';
import { ThreadPool } from '../../threads/thread-pool.ts';
import { type CliIo, defineCommand, ExitCode, InputError, write } from '../command.ts';
import {
  type BlockAssets,
  blockSeparator,
  blockSeries,
  blockTransfer,
  type DetectJob,
  type DetectorRun,
  detectBlock,
  detectionBlocks,
} from '../detect/detect-block.ts';
import { type DetectSettings, parseDetectSettings } from '../detect/detect-settings.ts';
import { DetectTally } from '../detect/detect-tally.ts';
import { OutputFormat } from '../detect/output-format.ts';
import { createProgress } from '../detect/progress.ts';
import { renderSummaryTable } from '../detect/summary-table.ts';
import { TextSink } from '../detect/text-sink.ts';
import { assertWritable } from '../output-path.ts';
import { ALL_TIME, inputName, type LoadedInput, loadUsableSeries, type ReadRange } from '../series-flags.ts';
import { DETECT_SPEC } from '../specs/detect-spec.ts';
/**
 * `riskfence detect`: reads observations from a file, stdin or a MongoDB
 * collection, runs the detector in window or rolling mode and prints a
 * table, the JSON report or one NDJSON line per flag; `--out` writes
 * per-document flag updates for `mongoimport --mode merge`. See
 * `DETECT_SPEC` for the options.
 *
 * @example
 * await main(['detect', '--input', 'sample/risk-scores-2022-2023.ndjson', '--as-of', '2022-05-15']);
 */
export const detectCommand = defineCommand(DETECT_SPEC, async (values, io) => {
  const settings = parseDetectSettings(values, io.env);
  const outPath = settings.out === undefined ? undefined : resolve(io.cwd, settings.out);
  if (outPath !== undefined) await assertWritable('--out', outPath);
  const threads =
    settings.threads ??
    (settings.input.kind === 'file'
      ? await readingThreads(settings.input.path, { cwd: io.cwd, format: settings.input.format })
      : 1);
  // Started first, so that the threads start while the input is opened; the same threads parse and judge.
  const pool = ThreadPool.start(threads - 1);
  try {
    const { loaded, set } = await loadUsableSeries(
      io,
      'detect',
      settings.input,
      settings.config,
      { assets: settings.assets, range: readRange(settings) },
      {
        stdin: io.stdin,
        cwd: io.cwd,
        keepIds: settings.out !== undefined,
        workers: threads,
        pool,
        piecewise: true,
      },
      createProgress(io, `reading ${inputName(settings.input, settings.config)}`),
    );
    await printDetection({ settings, set, loaded, io, pool, outPath });
  } finally {
    await pool.close();
  }
  return ExitCode.Ok;
});

/**
 * What the MongoDB path reads: window mode with `--as-of`, the longest
 * window before it (the service's own query); otherwise every document of
 * the assets, since the newest one sets the default asOf and rolling mode
 * judges the whole history. Files are always read whole.
 */
function readRange(s: DetectSettings): ReadRange {
  if (s.mode !== Mode.Window || s.asOf === undefined) return ALL_TIME;
  return { from: s.asOf - Math.max(...s.timeframes) * DAY_MS, to: s.asOf };
}

interface Run {
  readonly settings: DetectSettings;
  /** The series after `--assets`. */
  readonly set: SeriesSet;
  readonly loaded: LoadedInput;
  readonly io: CliIo;
  /** Threads to judge on besides this one (none with `--out`, whose `_id`s stay here). */
  readonly pool: ThreadPool;
  readonly outPath: string | undefined;
}

// Blocks of about this many judgements (points × metrics × timeframes): 10-50 ms of work each,
// so that threads share the work evenly and a block's output text stays a few MB.
const BLOCK_JUDGEMENTS = 150_000;
// The last blocks shrink down to this, so that the threads finish together (see detectionBlocks).
const LEAST_BLOCK_JUDGEMENTS = 20_000;
// The rolling JSON report prints every point (~160 bytes a judgement): smaller blocks keep the
// text waiting to be written to a few MB.
const ROLLING_REPORT_BLOCK_JUDGEMENTS = 20_000;

async function printDetection({ settings: s, set, loaded, io, pool, outPath }: Run): Promise<void> {
  const asOf = s.mode === Mode.Window ? (s.asOf ?? newestTime(set) + 1) : undefined;
  const detector: DetectorRun =
    asOf === undefined
      ? { mode: Mode.Rolling, options: { ...detectorOptions(s), closed: s.closed } }
      : { mode: Mode.Window, options: { ...detectorOptions(s), asOf } };
  const job: DetectJob = { detector, metrics: set.metrics, format: s.format, limit: s.limit };
  const out = outPath === undefined ? undefined : await openOut(outPath, s.out!);
  const writeBack = out && { ids: loaded.ids ?? [], field: s.config.anomaliesField };
  const stdout = new TextSink(io.stdout);
  const tally = new DetectTally(s.limit);
  for (const tf of s.timeframes) tally.addTimeframe(tf);
  try {
    const json = s.format === OutputFormat.Json;
    if (json) {
      // The report's head is what the report prints for no results, minus the closing `]}`,
      // so that the results can be printed block by block between the brackets.
      const params = { ...detectorOptions(s), metrics: set.metrics };
      const empty =
        asOf === undefined
          ? rollingReport([], { ...params, closed: s.closed })
          : windowReport([], { ...params, asOf });
      await stdout.push(JSON.stringify(empty).slice(0, -2));
    }
    // Window mode writes --out in document order across assets: one block keeps one pass's order.
    const bound =
      writeBack && asOf !== undefined
        ? Number.POSITIVE_INFINITY
        : json && asOf === undefined
          ? ROLLING_REPORT_BLOCK_JUDGEMENTS
          : BLOCK_JUDGEMENTS;
    const perPoint = set.metrics.length * s.timeframes.length;
    const taper = writeBack ? undefined : { threads: pool.size + 1, leastJudgements: LEAST_BLOCK_JUDGEMENTS };
    // A file's series come as pieces, laid out block by block on the thread that judges them.
    const blocks: BlockAssets[] = isPiecewise(set)
      ? detectionBlocks(set.pieces, (p) => p.length, perPoint, bound, taper).map((pieces) => ({ pieces }))
      : detectionBlocks(set.series, (a) => a.times.length, perPoint, bound, taper).map((series) => ({
          series,
        }));
    const assets = blocks.reduce((n, b) => n + assetsOf(b), 0);
    const progress = createProgress(io, 'detection');
    let assetsDone = 0;
    let printed = false;
    let missingIds = 0;
    await runBlocksInOrder({
      count: blocks.length,
      here: (i) =>
        detectBlock(
          { metrics: set.metrics, series: blockSeries(set.metrics.length, blocks[i]!) },
          job,
          writeBack,
        ),
      there: writeBack
        ? undefined
        : (i, thread) =>
            pool.run(
              thread,
              'detect-block',
              { metrics: set.metrics, block: blocks[i]!, job },
              blockTransfer(blocks[i]!),
            ),
      threads: pool.size,
      consume: async (block, i) => {
        tally.absorb(block.tally);
        if (block.text.length > 0) {
          if (printed) await stdout.push(blockSeparator(s.format));
          for (const piece of block.text) await stdout.push(piece);
          printed = true;
        }
        for (const line of block.outLines) await out!.sink.push(line);
        missingIds += block.missingIds;
        assetsDone += assetsOf(blocks[i]!);
        progress.items(assetsDone, assets, 'assets');
      },
    });
    progress.done();
    if (json) await stdout.push(']}\n');
    if (s.format === OutputFormat.Table) {
      await stdout.push(
        renderSummaryTable({
          ...s,
          metrics: set.metrics,
          asOf,
          input: loaded.name,
          format: loaded.formatName,
          documents: loaded.documents,
          observations: set.observations,
          assets,
          skipped: loaded.problems.length,
          badValues: set.badValues,
          tally,
        }),
      );
    }
    await stdout.close();
    if (out) {
      await out.sink.close();
      await out.close();
      const note = missingIds > 0 ? `; ${missingIds} documents without _id were not written` : '';
      await write(io.stderr, `riskfence detect: flags written to ${s.out}${note}\n`);
    }
  } finally {
    await out?.close();
  }
}

function detectorOptions(s: DetectSettings) {
  return {
    timeframes: s.timeframes,
    deviationLimit: s.deviationLimit,
    minSamples: s.minSamples,
    minRelativeIqr: s.minRelativeIqr,
  };
}

function newestTime(set: SeriesSet): number {
  if (isPiecewise(set)) return newestPieceTime(set.pieces, set.metrics.length);
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of set.series) newest = Math.max(newest, s.times[s.times.length - 1]!);
  return newest;
}

function assetsOf(block: BlockAssets): number {
  return 'series' in block ? block.series.length : block.pieces.length;
}

interface OutFile {
  readonly sink: TextSink;
  close(): Promise<void>;
}

async function openOut(path: string, named: string): Promise<OutFile> {
  let file: FileHandle;
  try {
    file = await open(path, 'w');
  } catch (e) {
    throw new InputError(`cannot write --out ${named}: ${(e as Error).message}`);
  }
  const stream = file.createWriteStream();
  let closed = false;
  return {
    sink: new TextSink(stream),
    async close() {
      if (closed) return;
      closed = true;
      stream.end();
      await finished(stream);
    },
  };
}
