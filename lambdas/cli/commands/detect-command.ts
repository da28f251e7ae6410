import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { rollingReport, rollingResultJson, windowReport } from '../../core/detect-json.ts';
import { DAY_MS, Mode } from '../../core/detector-options.ts';
import { rollingDocumentFlags, windowDocumentFlags } from '../../core/document-flags.ts';
import type { RollingResult } from '../../core/rolling-detector.ts';
import { detectRolling } from '../../core/rolling-detector.ts';
import type { SeriesSet } from '../../core/series.ts';
import { detectWindow } from '../../core/window-detector.ts';
import { type CliIo, defineCommand, ExitCode, InputError, write } from '../command.ts';
import { type DetectSettings, parseDetectSettings } from '../detect/detect-settings.ts';
import { DetectTally } from '../detect/detect-tally.ts';
import { type FlagRow, flagRowLine, rollingFlagRows, windowFlagRows } from '../detect/flag-row.ts';
import { OutputFormat } from '../detect/output-format.ts';
import { createProgress } from '../detect/progress.ts';
import { renderSummaryTable } from '../detect/summary-table.ts';
import { TextSink } from '../detect/text-sink.ts';
import { writeBackLines } from '../detect/write-back.ts';
import { assertWritable } from '../output-path.ts';
import {
  ALL_TIME,
  inputName,
  type LoadedInput,
  loadInput,
  type ReadRange,
  reportProblems,
  selectAssets,
  warnMetricsWithoutNumbers,
} from '../series-flags.ts';
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
  const progress = createProgress(io, `reading ${inputName(settings.input, settings.config)}`);
  const loaded = await loadInput(
    settings.input,
    settings.config,
    { assets: settings.assets, range: readRange(settings) },
    { stdin: io.stdin, cwd: io.cwd, onProgress: progress.bytes, keepIds: settings.out !== undefined },
  );
  progress.done();
  await reportProblems(io, 'detect', loaded.problems);
  const { assetField, timeField } = settings.config.mapping;
  if (loaded.set.observations === 0) {
    throw new InputError(
      `no usable documents in ${loaded.name} (${loaded.documents} read, ${loaded.problems.length} skipped; ` +
        `asset field '${assetField}', time field '${timeField}')`,
    );
  }
  const set = selectAssets(loaded.set, settings.assets, loaded.name);
  await warnMetricsWithoutNumbers(io, 'detect', set, loaded.name);
  const out = outPath === undefined ? undefined : await openOut(outPath, settings.out!);
  const stdout = new TextSink(io.stdout);
  try {
    const run = { settings, set, loaded, io, stdout, out };
    const { tally, asOf, missingIds } =
      settings.mode === Mode.Window ? await runWindow(run) : await runRolling(run);
    if (settings.format === OutputFormat.Table) {
      await stdout.push(
        renderSummaryTable({
          ...settings,
          metrics: set.metrics,
          asOf,
          input: loaded.name,
          format: loaded.formatName,
          documents: loaded.documents,
          observations: set.observations,
          assets: set.series.length,
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
      await write(io.stderr, `riskfence detect: flags written to ${settings.out}${note}\n`);
    }
  } finally {
    await out?.close();
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
  readonly stdout: TextSink;
  readonly out: OutFile | undefined;
}

interface RunOutcome {
  readonly tally: DetectTally;
  /** Window mode: the window end used. */
  readonly asOf: number | undefined;
  /** Documents inside a window without `_id` (not written to `--out`). */
  readonly missingIds: number;
}

async function runWindow({ settings: s, set, loaded, stdout, out }: Run): Promise<RunOutcome> {
  const asOf = s.asOf ?? newestTime(set) + 1;
  const options = {
    asOf,
    timeframes: s.timeframes,
    deviationLimit: s.deviationLimit,
    minSamples: s.minSamples,
  };
  const results = detectWindow(set, { ...options, minRelativeIqr: s.minRelativeIqr });
  const tally = newTally(s);
  for (const r of results) {
    tally.judged++;
    tally.addWindow(r.timeframe, r.n);
    if (!r.fences) tally.insufficient++;
  }
  for (const row of windowFlagRows(results)) await emitFlag(row, s.format, tally, stdout);
  if (s.format === OutputFormat.Json) {
    await stdout.push(`${JSON.stringify(windowReport(results, { ...options, metrics: set.metrics }))}\n`);
  }
  let missingIds = 0;
  if (out) missingIds = await writeFlags(out, windowDocumentFlags(set, results, asOf), loaded.ids, s);
  return { tally, asOf, missingIds };
}

async function runRolling({ settings: s, set, loaded, io, stdout, out }: Run): Promise<RunOutcome> {
  const options = {
    closed: s.closed,
    timeframes: s.timeframes,
    deviationLimit: s.deviationLimit,
    minSamples: s.minSamples,
  };
  const tally = newTally(s);
  const json = s.format === OutputFormat.Json;
  if (json) {
    // The report's head is what `rollingReport` prints for no results, minus the closing `]}`,
    // so that results can be streamed one at a time between the brackets.
    await stdout.push(JSON.stringify(rollingReport([], { ...options, metrics: set.metrics })).slice(0, -2));
  }
  const progress = createProgress(io, 'rolling detection');
  let missingIds = 0;
  let group: RollingResult[] = [];
  let assetsDone = 0;
  let first = true;
  // Results come asset by asset; per-document flags are written per asset to bound memory.
  const flushGroup = async () => {
    if (out && group.length > 0)
      missingIds += await writeFlags(out, rollingDocumentFlags(group), loaded.ids, s);
    group = [];
  };
  for (const r of detectRolling(set, { ...options, minRelativeIqr: s.minRelativeIqr })) {
    if (group.length > 0 && group[0]!.series !== r.series) {
      await flushGroup();
      progress.items(++assetsDone, set.series.length, 'assets');
    }
    group.push(r);
    tally.judged += r.q1.length;
    for (let i = 0; i < r.q1.length; i++) if (Number.isNaN(r.q1[i]!)) tally.insufficient++;
    for (const row of rollingFlagRows(r)) await emitFlag(row, s.format, tally, stdout);
    if (json) {
      await stdout.push(`${first ? '' : ','}${JSON.stringify(rollingResultJson(r))}`);
      first = false;
    }
  }
  await flushGroup();
  progress.done();
  if (json) await stdout.push(']}\n');
  return { tally, asOf: undefined, missingIds };
}

function newTally(s: DetectSettings): DetectTally {
  const tally = new DetectTally(s.format === OutputFormat.Table ? s.limit : 1);
  for (const tf of s.timeframes) tally.addTimeframe(tf);
  return tally;
}

async function emitFlag(
  row: FlagRow,
  format: OutputFormat,
  tally: DetectTally,
  stdout: TextSink,
): Promise<void> {
  tally.addFlag(row);
  if (format === OutputFormat.Ndjson) await stdout.push(`${flagRowLine(row)}\n`);
}

function newestTime(set: SeriesSet): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of set.series) newest = Math.max(newest, s.times[s.times.length - 1]!);
  return newest;
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

async function writeFlags(
  out: OutFile,
  flags: ReturnType<typeof windowDocumentFlags>,
  ids: readonly unknown[] | undefined,
  s: DetectSettings,
): Promise<number> {
  const { lines, missingIds } = writeBackLines(flags, ids ?? [], s.config.anomaliesField);
  for (const line of lines) await out.sink.push(`${line}\n`);
  return missingIds;
}
