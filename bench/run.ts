/**
 * `npm run bench`: riskfence against the fastest plain pandas on generated hourly
 * data, the Lambda record path, and the deployment bundle. Prints a table and
 * rewrites the figures section of docs/benchmarks.md (see that file for what is
 * measured and how).
 *
 *   npm run bench                        everything, 3 runs each, docs updated
 *   npm run bench -- --only window,rolling   a subset: core, window, rolling, handler, bundle
 *   npm run bench -- --quick             small data, one run, docs untouched (a smoke run)
 *   npm run bench -- --runs 5 --no-write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleBench } from './bundle-bench.ts';
import type { CoreBenchResult } from './core-bench.ts';
import { type DatasetSpec, datasetEnd, ensureDataset } from './generate.ts';
import type { HandlerBenchResult } from './handler-bench.ts';
import { describeMachine } from './machine.ts';
import { median, type ProcessRun, runNode, runProcess } from './measure.ts';

const PARTS = ['core', 'window', 'rolling', 'handler', 'bundle'] as const;
type Part = (typeof PARTS)[number];

const DOCS = 'docs/benchmarks.md';
const FIGURES_START = '<!-- bench:figures:start -->';
const FIGURES_END = '<!-- bench:figures:end -->';
const CACHE = '.bench';

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const only = new Set((flags.only ?? PARTS.join(',')).split(',').map((p) => p.trim()));
for (const p of only) {
  if (!PARTS.includes(p as Part)) throw new Error(`--only: unknown part '${p}' (parts: ${PARTS.join(', ')})`);
}
const quick = flags.quick;
const runs = Number(flags.runs ?? (quick ? 1 : 3));
const SIZES = quick
  ? {
      window: { assets: 50, hours: 168 },
      rolling: { assets: 20, hours: 168 },
      handler: { assets: 10, hours: 168 },
    }
  : {
      window: { assets: 1000, hours: 720 },
      rolling: { assets: 200, hours: 720 },
      handler: { assets: 100, hours: 720 },
    };

/** One comparison row of the report. */
interface Row {
  readonly what: string;
  readonly ours: string;
  readonly baseline: string;
  readonly ratio: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const started = new Date();
const machine = describeMachine();
log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${machine.node}, pandas ${machine.pandas}`,
);

if (only.has('core')) coreBench();
if (only.has('window')) endToEnd('window', SIZES.window);
if (only.has('rolling')) endToEnd('rolling', SIZES.rolling);
if (only.has('handler')) handlerBench();
if (only.has('bundle')) await bundle();

const table = markdownTable(rows);
process.stdout.write(`\n${table}\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
if (!quick && !flags['no-write']) {
  writeFigures(table);
  log(`figures written to ${DOCS}`);
}

function coreBench(): void {
  for (const mode of ['window', 'rolling'] as const) {
    const spec = SIZES[mode];
    const file = dataset(spec);
    const run = runNode([
      '--import',
      'tsx',
      'bench/core-bench.ts',
      '--input',
      file,
      '--mode',
      mode,
      '--as-of',
      new Date(datasetEnd(spec)).toISOString(),
      '--runs',
      String(Math.max(runs, 3)),
    ]);
    const r = JSON.parse(run.stdout) as CoreBenchResult;
    const ms = median(r.detectMs);
    rows.push({
      what: `core ${mode}: ${describe(spec)} (in-process, loaded series)`,
      ours: `${fmtMs(ms)} (${fmtRate(r.judged / ms)} values/s judged)`,
      baseline: '',
      ratio: '',
    });
    notes.push(`core ${mode}: ${r.flags} flags; loading the series took ${fmtMs(r.loadMs)} (not included).`);
  }
}

function endToEnd(mode: 'window' | 'rolling', spec: DatasetSpec): void {
  const file = dataset(spec);
  const asOf = new Date(datasetEnd(spec)).toISOString();
  // The default table output: every value judged and every flag counted, as the pandas script does.
  const summaryFile = join(CACHE, `summary-${mode}.txt`);
  const modeArgs = mode === 'window' ? ['--as-of', asOf] : ['--mode', 'rolling'];
  const pandasArgs =
    mode === 'window' ? ['bench/pandas_window.py', file, '--as-of', asOf] : ['bench/pandas_rolling.py', file];
  const ours: ProcessRun[] = [];
  const theirs: PandasRun[] = [];
  // Alternate the two so that load from other processes on the machine hits both alike.
  for (let i = 0; i < runs; i++) {
    log(`${mode} ${describe(spec)}: run ${i + 1}/${runs}`);
    theirs.push(pandasRun(pandasArgs));
    ours.push(
      runNode(['bin/riskfence.js', 'detect', '--input', file, ...modeArgs], {
        stdoutFile: summaryFile,
      }),
    );
  }
  const ourFlags = flagTotal(summaryFile);
  const oursMs = median(ours.map((r) => r.wallMs));
  const pandasMs = median(theirs.map((r) => r.wallMs));
  const pandasWorkMs = median(theirs.map((r) => r.report.totalMs));
  rows.push({
    what: `\`riskfence detect\` ${mode}, ${describe(spec)}, end to end`,
    ours: `${fmtMs(oursMs)}, peak RSS ${fmtMiB(Math.max(...ours.map((r) => r.peakRssBytes)))}`,
    baseline: `${fmtMs(pandasMs)}, peak RSS ${fmtMiB(Math.max(...theirs.map((r) => r.report.peakRssBytes)))}`,
    ratio: `**${(pandasMs / oursMs).toFixed(2)}×** (${(pandasWorkMs / oursMs).toFixed(2)}× vs pandas' own work)`,
  });
  const phases = theirs[theirs.length - 1]!.report.phasesMs;
  notes.push(
    `${mode}: riskfence counted ${ourFlags} flags, pandas counted ${theirs[0]!.report.flags} flags; ` +
      `pandas phases (last run): ${Object.entries(phases)
        .map(([k, v]) => `${k} ${fmtMs(v)}`)
        .join(', ')}.`,
  );
}

/** The flag total from the summary table of `riskfence detect` (`flags: N (d3 …)`). */
function flagTotal(summaryFile: string): number {
  const match = /^flags: (\d+)/m.exec(readFileSync(summaryFile, 'utf8'));
  if (!match) throw new Error(`no flag total in ${summaryFile}`);
  return Number(match[1]);
}

interface PandasReport {
  readonly flags: number;
  readonly totalMs: number;
  readonly peakRssBytes: number;
  readonly phasesMs: Readonly<Record<string, number>>;
}

interface PandasRun {
  readonly wallMs: number;
  readonly report: PandasReport;
}

function pandasRun(args: readonly string[]): PandasRun {
  const run = runProcess('python3', args);
  return { wallMs: run.wallMs, report: JSON.parse(run.stdout) as PandasReport };
}

function handlerBench(): void {
  const spec = SIZES.handler;
  const file = dataset(spec);
  const run = runNode([
    '--import',
    'tsx',
    'bench/handler-bench.ts',
    '--input',
    file,
    '--as-of',
    new Date(datasetEnd(spec)).toISOString(),
    '--assets',
    String(spec.assets),
    '--runs',
    String(Math.max(runs, 3)),
  ]);
  const r = JSON.parse(run.stdout) as HandlerBenchResult;
  rows.push({
    what: `one SQS record through the handler, file store, ${describe(spec)} (read, detect, write)`,
    ours: `${fmtMs(median(r.recordMs))}; rerun (nothing to write) ${fmtMs(median(r.rerunMs))}`,
    baseline: '',
    ratio: '',
  });
  notes.push(
    `handler: ${r.documents} documents; first record wrote ${r.flagsWritten} documents' flags ` +
      `(${r.anomalies} anomalies); opening the file store took ${fmtMs(median(r.openMs))} (not included).`,
  );
}

async function bundle(): Promise<void> {
  const r = await bundleBench(join(CACHE, 'bundle'), Math.max(runs, 5));
  rows.push({
    what: 'deployment bundle (esbuild, minified ESM, node22, as the CDK stack builds it)',
    ours: `${(r.bundleBytes / 1e6).toFixed(2)} MB (+ ${(r.sourceMapBytes / 1e6).toFixed(1)} MB source map)`,
    baseline: 'aim < 1.5 MB',
    ratio: '',
  });
  rows.push({
    what: 'module initialisation (import of the bundle in a fresh Node.js process)',
    ours: `${fmtMs(r.initMedianMs)} (whole process ${fmtMs(median(r.processMs))})`,
    baseline: '',
    ratio: '',
  });
}

function dataset(spec: DatasetSpec): string {
  log(`data: ${describe(spec)}`);
  return ensureDataset(spec, CACHE);
}

function writeFigures(tableText: string): void {
  const text = readFileSync(DOCS, 'utf8');
  const start = text.indexOf(FIGURES_START);
  const end = text.indexOf(FIGURES_END);
  if (start === -1 || end < start)
    throw new Error(`${DOCS}: markers ${FIGURES_START} … ${FIGURES_END} not found`);
  const parts = [...only].join(',');
  const section = [
    FIGURES_START,
    '',
    `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC with ` +
      `\`npm run bench${parts === PARTS.join(',') ? '' : ` -- --only ${parts}`}\` (median of ${runs} runs).`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}; ` +
      `Node.js ${machine.node}, Python ${machine.python}, pandas ${machine.pandas}.`,
    '',
    tableText,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    FIGURES_END,
  ].join('\n');
  writeFileSync(DOCS, text.slice(0, start) + section + text.slice(end + FIGURES_END.length));
}

function markdownTable(list: readonly Row[]): string {
  const lines = ['| what | riskfence | pandas / target | pandas ÷ riskfence |', '|---|---|---|---|'];
  for (const r of list) lines.push(`| ${r.what} | ${r.ours} | ${r.baseline} | ${r.ratio} |`);
  return lines.join('\n');
}

function describe(spec: DatasetSpec): string {
  return `${spec.assets} assets × ${spec.hours} h × 7 metrics`;
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

function fmtMiB(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

function fmtRate(perMs: number): string {
  return `${((perMs * 1000) / 1e6).toFixed(1)} M`;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
