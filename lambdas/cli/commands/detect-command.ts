import { type FileHandle, open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { rollingReport, rollingResultJson, windowReport } from '../../core/detect-json.ts';
import { Mode } from '../../core/detector-options.ts';
import { rollingDocumentFlags, windowDocumentFlags } from '../../core/document-flags.ts';
import type { RollingResult } from '../../core/rolling-detector.ts';
import { detectRolling } from '../../core/rolling-detector.ts';
import type { SeriesSet } from '../../core/series.ts';
import { detectWindow } from '../../core/window-detector.ts';
import { formatProblem, type InputProblem } from '../../loaders/input-problem.ts';
import { type LoadSeriesResult, loadSeries } from '../../loaders/load-series.ts';
import { sourceName } from '../../loaders/text-source.ts';
import { type CliIo, type Command, ExitCode, InputError, write } from '../command.ts';
import {
  DETECT_USAGE,
  type DetectSettings,
  OutputFormat,
  parseDetectSettings,
} from '../detect/detect-settings.ts';
import { DetectTally } from '../detect/detect-tally.ts';
import { type FlagRow, flagRowLine, rollingFlagRows, windowFlagRows } from '../detect/flag-row.ts';
import { createProgress } from '../detect/progress.ts';
import { renderSummaryTable } from '../detect/summary-table.ts';
import { TextSink } from '../detect/text-sink.ts';
import { writeBackLines } from '../detect/write-back.ts';

/** Skipped lines listed on stderr before the rest are only counted. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * `riskfence detect`: reads observations from a file or stdin, runs the
 * detector in window or rolling mode and prints a table, the JSON report or
 * one NDJSON line per flag; `--out` writes per-document flag updates for
 * `mongoimport --mode merge`. See {@link DETECT_USAGE} for the flags.
 *
 * @example
 * await main(['detect', '--input', 'sample/risk-scores-2022-2023.ndjson', '--as-of', '2022-05-15']);
 */
export const detectCommand: Command = {
  name: 'detect',
  usage: DETECT_USAGE,
  async run(argv, io) {
    const settings = parseDetectSettings(argv, io.env);
    const name = sourceName(settings.input);
    const progress = createProgress(io, `reading ${name}`);
    const loaded = await loadSeries(
      settings.input,
      { assetField: settings.assetField, timeField: settings.timeField, metrics: settings.metrics },
      {
        format: settings.inputFormat,
        stdin: io.stdin,
        cwd: io.cwd,
        onProgress: progress.bytes,
        keepIds: settings.out !== undefined,
      },
    );
    progress.done();
    await reportProblems(io, loaded.problems);
    if (loaded.set.observations === 0) {
      throw new InputError(
        `no usable documents in ${name} (${loaded.documents} read, ${loaded.problems.length} lines skipped; ` +
          `asset field '${settings.assetField}', time field '${settings.timeField}')`,
      );
    }
    const out = settings.out === undefined ? undefined : await openOut(io, settings.out);
    const stdout = new TextSink(io.stdout);
    try {
      const run = { settings, loaded, io, stdout, out };
      const { tally, asOf, missingIds } =
        settings.mode === Mode.Window ? await runWindow(run) : await runRolling(run);
      if (settings.format === OutputFormat.Table) {
        await stdout.push(
          renderSummaryTable({
            ...settings,
            asOf,
            input: name,
            format: loaded.format,
            documents: loaded.documents,
            observations: loaded.set.observations,
            assets: loaded.set.series.length,
            skipped: loaded.problems.length,
            badValues: loaded.set.badValues,
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
  },
};

interface Run {
  readonly settings: DetectSettings;
  readonly loaded: LoadSeriesResult;
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

async function runWindow({ settings: s, loaded, stdout, out }: Run): Promise<RunOutcome> {
  const { set } = loaded;
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

async function runRolling({ settings: s, loaded, io, stdout, out }: Run): Promise<RunOutcome> {
  const { set } = loaded;
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

async function reportProblems(io: CliIo, problems: readonly InputProblem[]): Promise<void> {
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${formatProblem(p)}\n`);
  const more = problems.length - listed.length;
  await write(
    io.stderr,
    `${listed.join('')}${more > 0 ? `… and ${more} more\n` : ''}riskfence detect: skipped ${problems.length} ` +
      `line${problems.length === 1 ? '' : 's'}\n`,
  );
}

interface OutFile {
  readonly sink: TextSink;
  close(): Promise<void>;
}

async function openOut(io: CliIo, path: string): Promise<OutFile> {
  let file: FileHandle;
  try {
    file = await open(resolve(io.cwd, path), 'w');
  } catch (e) {
    throw new InputError(`cannot write --out ${path}: ${(e as Error).message}`);
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
  const { lines, missingIds } = writeBackLines(flags, ids ?? [], s.anomaliesField);
  for (const line of lines) await out.sink.push(`${line}\n`);
  return missingIds;
}
