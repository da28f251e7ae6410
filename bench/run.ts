/**
 * `npm run bench`: riskfence against its peers — pandas, polars and DuckDB, each
 * in its fastest form — on generated hourly data, plus start-up, the rolling JSON
 * report, the Lambda record path and the deployment bundle. Builds the CLI first
 * (tools/build-cli.mjs), prints the peer table and the other figures, and
 * rewrites the figures section of docs/benchmarks.md (see that file for what is
 * measured and how). A peer that is not installed is skipped with a note saying
 * how to install it.
 *
 *   npm run bench                        everything, 3 runs each, docs updated
 *   npm run bench -- --only window,rolling   a subset: core, scan, startup, window, rolling, rolling-json, profile, handler, bundle
 *   npm run bench -- --quick             small data, one run, docs untouched (a smoke run)
 *   npm run bench -- --runs 5 --no-write
 *   npm run bench -- --baseline DIR      also an older checkout's CLI (built), alternating, with
 *                                        before/after ratios and a byte comparison of the outputs
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleBench } from './bundle-bench.ts';
import type { CoreBenchResult } from './core-bench.ts';
import { type DatasetSpec, datasetEnd, ensureDataset } from './generate.ts';
import type { HandlerBenchResult } from './handler-bench.ts';
import { describeMachine } from './machine.ts';
import { median, type ProcessRun, runNode, runProcess, warmPageCache } from './measure.ts';
import { PEERS, type Peer, type PeerRun, runPeer } from './peers.ts';
import { PHASES, profileBreakdown } from './profile-breakdown.ts';
import type { ScanLimitResult } from './scan-limit.ts';

const PARTS = [
  'core',
  'scan',
  'startup',
  'window',
  'rolling',
  'rolling-json',
  'profile',
  'handler',
  'bundle',
] as const;
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
    baseline: { type: 'string' },
  },
});
const baseline = flags.baseline === undefined ? undefined : resolve(flags.baseline);
const baselineCommit =
  baseline === undefined
    ? undefined
    : spawnSync('git', ['-C', baseline, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
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

/** One row of the other figures: riskfence alone, or against a target. */
interface Row {
  readonly what: string;
  readonly ours: string;
  readonly target: string;
}

/** One row of the peer table. */
interface PeerRow {
  readonly work: string;
  readonly ours: string;
  /** One cell per entry of {@link PEERS}. */
  readonly peers: readonly string[];
  readonly versusFastest: string;
}

const STARTUP_RUNS = 10;
const rows: Row[] = [];
const peerRows: PeerRow[] = [];
const profileRows: string[] = [];
const notes: string[] = [];
const started = new Date();
const loadAtStart = loadavg()
  .map((l) => l.toFixed(2))
  .join(', ');
const machine = describeMachine();
log(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${machine.node}, ` +
    `pandas ${machine.pandas}, polars ${machine.polars}, DuckDB ${machine.duckdb}`,
);
const peers = PEERS.filter((peer) => {
  if (machine[peer.engine] !== 'unavailable') return true;
  const note = `${peer.label} is not installed, so it was skipped; install it with \`${peer.install}\`.`;
  log(note);
  notes.push(note);
  return false;
});
// The CLI as users run it: built JavaScript of the current sources, never an older build.
log('building the CLI (tools/build-cli.mjs)');
runProcess(process.execPath, ['tools/build-cli.mjs']);

if (only.has('core')) coreBench();
if (only.has('scan')) scanLimit();
if (only.has('startup')) startupBench();
if (only.has('window')) versusPeers('window', SIZES.window);
if (only.has('rolling')) versusPeers('rolling', SIZES.rolling);
if (only.has('rolling-json')) rollingJson(SIZES.rolling);
if (only.has('profile')) profile();
if (only.has('handler')) handlerBench();
if (only.has('bundle')) await bundle();

const table = [
  peerRows.length > 0 ? peerTable(peerRows) : '',
  rows.length > 0 ? markdownTable(rows) : '',
  profileRows.length > 0 ? profileTable(profileRows) : '',
]
  .filter((t) => t !== '')
  .join('\n\n');
process.stdout.write(`\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
if (!quick && !flags['no-write']) {
  writeFigures(table);
  log(`figures written to ${DOCS}`);
}

/** Runs one of the in-process benchmarks in a child process of its own (at least 3 runs) and parses its JSON line. */
function benchScript<T>(script: string, args: readonly string[]): T {
  const run = runNode(['--import', 'tsx', `bench/${script}`, ...args, '--runs', String(Math.max(runs, 3))]);
  return JSON.parse(run.stdout) as T;
}

function coreBench(): void {
  for (const mode of ['window', 'rolling'] as const) {
    const spec = SIZES[mode];
    const file = dataset(spec);
    const r = benchScript<CoreBenchResult>('core-bench.ts', [
      '--input',
      file,
      '--mode',
      mode,
      '--as-of',
      new Date(datasetEnd(spec)).toISOString(),
    ]);
    const ms = median(r.detectMs);
    rows.push({
      what: `core ${mode}: ${describe(spec)} (in-process, loaded series)`,
      ours: `${fmtMs(ms)} (${fmtRate(r.judged / ms)} values/s judged)`,
      target: '',
    });
    notes.push(`core ${mode}: ${r.flags} flags; loading the series took ${fmtMs(r.loadMs)} (not included).`);
  }
}

function scanLimit(): void {
  const spec = SIZES.window;
  const file = dataset(spec);
  const r = benchScript<ScanLimitResult>('scan-limit.ts', ['--input', file]);
  const rate = (ms: number) => `${fmtMs(ms)} (${Math.round(r.bytes / 1e3 / ms)} MB/s)`;
  rows.push({
    what: `reading limit, ${fmtMB(r.bytes)} in memory: line ends found (\`Buffer#indexOf\`)`,
    ours: rate(r.newlinesMs),
    target: '',
  });
  rows.push({
    what: 'reading limit: `JSON.parse` of every line, one thread',
    ours: rate(r.jsonParseMs),
    target: '',
  });
  rows.push({ what: 'reading limit: the field scanner, one thread', ours: rate(r.scannerMs), target: '' });
  rows.push({
    what: `reading limit: the field scanner, ${r.threads} threads at once`,
    ours: rate(r.scannerThreadsMs),
    target: '',
  });
  rows.push({
    what: 'reading limit: the field scanner with its WebAssembly kernel, one thread',
    ours: rate(r.kernelMs),
    target: '',
  });
  rows.push({
    what: `reading limit: the field scanner with its WebAssembly kernel, ${r.threads} threads at once`,
    ours: rate(r.kernelThreadsMs),
    target: '',
  });
}

function startupBench(): void {
  const help = (env: Readonly<Record<string, string>> = {}) =>
    median(
      Array.from(
        { length: STARTUP_RUNS },
        () => runProcess(process.execPath, ['bin/riskfence.js', '--help'], { env }).wallMs,
      ),
    );
  const node = median(
    Array.from({ length: STARTUP_RUNS }, () => runProcess(process.execPath, ['-e', '0']).wallMs),
  );
  const built = help();
  const sources = help({ RISKFENCE_FROM_SOURCE: '1' });
  const npx = median(Array.from({ length: 5 }, () => runProcess('npx', ['riskfence', '--help']).wallMs));
  rows.push({
    what: '`node bin/riskfence.js --help` (start-up), built CLI',
    ours: `${fmtMs(built)} (Node.js alone \`node -e 0\`: ${fmtMs(node)}; from the TypeScript sources through tsx: ${fmtMs(sources)})`,
    target: 'aim ≤ 100 ms',
  });
  rows.push({ what: '`npx riskfence --help`', ours: fmtMs(npx), target: '' });
}

function versusPeers(mode: 'window' | 'rolling', spec: DatasetSpec): void {
  const file = dataset(spec);
  const asOf = new Date(datasetEnd(spec)).toISOString();
  // What the issue's table compares: window mode's JSON report (fences and every flagged value),
  // rolling mode's flagged values as NDJSON; each peer materialises its flagged values too.
  const ourArgs =
    mode === 'window'
      ? ['detect', '--input', file, '--as-of', asOf, '--format', 'json']
      : ['detect', '--input', file, '--mode', 'rolling', '--format', 'ndjson'];
  const peerArgs = mode === 'window' ? ['--as-of', asOf] : [];
  const outFile = join(CACHE, `out-${mode}.txt`);
  const ours: ProcessRun[] = [];
  const before: ProcessRun[] = [];
  const theirs = new Map<Peer, PeerRun[]>(peers.map((peer) => [peer, []]));
  // Alternate the sides so that load from other processes on the machine hits all alike, each run
  // starting with the next side, so that no side always follows the same one (pandas' 2 GB, say).
  const sides: (() => void)[] = [
    ...peers.map((peer) => () => void theirs.get(peer)!.push(runPeer(peer, mode, file, peerArgs))),
    () => void ours.push(runNode(['bin/riskfence.js', ...ourArgs], { stdoutFile: outFile })),
    ...(baseline ? [() => void before.push(runBaseline(ourArgs, `${outFile}.before`))] : []),
  ];
  for (let i = 0; i < runs; i++) {
    log(`${mode} ${describe(spec)}: run ${i + 1}/${runs}`);
    for (let k = 0; k < sides.length; k++) {
      warmPageCache(file);
      sides[(i + k) % sides.length]!();
    }
  }
  if (baseline) beforeAfter(`\`detect\` ${mode}, ${describe(spec)}`, ours, before, outFile);
  const ourFlags = mode === 'window' ? windowReportFlags(outFile) : lineCount(outFile);
  const oursMs = median(ours.map((r) => r.wallMs));
  const peerMs = new Map(peers.map((peer) => [peer, median(theirs.get(peer)!.map((r) => r.wallMs))]));
  const fastest = [...peerMs].sort((a, b) => a[1] - b[1])[0];
  peerRows.push({
    work: `${mode}, ${describe(spec)} (${fmtMB(statSync(file).size)} NDJSON), \`--format ${mode === 'window' ? 'json' : 'ndjson'}\``,
    ours: `${fmtMs(oursMs)}, ${fmtMiB(Math.max(...ours.map((r) => r.peakRssBytes)))}`,
    peers: PEERS.map((peer) => {
      const list = theirs.get(peer);
      if (!list) return 'not installed';
      const cell = `${fmtMs(peerMs.get(peer)!)}, ${fmtMiB(Math.max(...list.map((r) => r.report.peakRssBytes)))}`;
      return peer === fastest?.[0] ? `**${cell}**` : cell;
    }),
    versusFastest: fastest
      ? `**${(fastest[1] / oursMs).toFixed(2)}×** ${fastest[1] >= oursMs ? 'ahead of' : 'behind'} ${fastest[0].label}`
      : '',
  });
  const counts = [
    `riskfence ${ourFlags}`,
    ...peers.map((peer) => `${peer.label} ${theirs.get(peer)![0]!.report.flags}`),
  ];
  notes.push(`${mode}: flags counted — ${counts.join(', ')}.`);
  if (fastest) {
    // Each run's own ratio: the two sides ran seconds apart, so a slow spell of the machine tends to
    // hit both; the spread says how far one run's ratio can be trusted.
    const paired = ours.map((r, i) => theirs.get(fastest[0])![i]!.wallMs / r.wallMs).sort((a, b) => a - b);
    notes.push(
      `${mode}: ratio to ${fastest[0].label} run by run: ${paired.map((x) => `${x.toFixed(2)}×`).join(', ')} (median ${median(paired).toFixed(2)}×).`,
    );
  }
  for (const peer of peers) {
    const last = theirs.get(peer)!.at(-1)!.report;
    notes.push(
      `${mode}: ${peer.label} ${last.version} phases (last run): ${Object.entries(last.phasesMs)
        .map(([k, v]) => `${k} ${fmtMs(v)}`)
        .join(
          ', ',
        )}; wall time includes ${fmtMs(peerMs.get(peer)! - median(theirs.get(peer)!.map((r) => r.report.totalMs)))} of Python start and import.`,
    );
  }
}

function rollingJson(spec: DatasetSpec): void {
  const file = dataset(spec);
  const outFile = join(CACHE, 'out-rolling-json.txt');
  const args = ['detect', '--input', file, '--mode', 'rolling', '--format', 'json'];
  const before: ProcessRun[] = [];
  const list = Array.from({ length: runs }, (_, i) => {
    log(`rolling --format json ${describe(spec)}: run ${i + 1}/${runs}`);
    warmPageCache(file);
    const run = runNode(['bin/riskfence.js', ...args], { stdoutFile: outFile });
    if (baseline) {
      warmPageCache(file);
      before.push(runBaseline(args, `${outFile}.before`));
    }
    return run;
  });
  if (baseline) beforeAfter(`\`detect\` rolling \`--format json\`, ${describe(spec)}`, list, before, outFile);
  rows.push({
    what: `\`riskfence detect --mode rolling --format json\`, ${describe(spec)} (every point's fences)`,
    ours: `${fmtMs(median(list.map((r) => r.wallMs)))}, ${fmtMiB(Math.max(...list.map((r) => r.peakRssBytes)))}; ${fmtMB(statSync(outFile).size)} written`,
    target: '',
  });
}

/** Where each thread's time goes in one window and one rolling run, under the profiler. */
function profile(): void {
  const runs = [
    [
      'window',
      SIZES.window,
      ['--as-of', new Date(datasetEnd(SIZES.window)).toISOString(), '--format', 'json'],
    ],
    ['rolling', SIZES.rolling, ['--mode', 'rolling', '--format', 'ndjson']],
  ] as const;
  for (const [mode, spec, args] of runs) {
    log(`profile: ${mode} ${describe(spec)}`);
    warmPageCache(dataset(spec));
    for (const t of profileBreakdown(['detect', '--input', dataset(spec), ...args])) {
      const cells = PHASES.map((p) => fmtMs(t.ms[p]));
      profileRows.push(`| ${mode}, ${t.thread} | ${cells.join(' | ')} | ${fmtMs(t.totalMs)} |`);
    }
  }
}

/** The baseline checkout's built CLI on the same arguments (its input paths are absolute). */
function runBaseline(args: readonly string[], stdoutFile: string): ProcessRun {
  return runNode(
    [join(baseline!, 'bin', 'riskfence.js'), ...args.map((a) => (a.startsWith(CACHE) ? resolve(a) : a))],
    {
      stdoutFile,
    },
  );
}

/** A row comparing this checkout with the baseline in the same run, and whether their outputs are the same bytes. */
function beforeAfter(
  what: string,
  after: readonly ProcessRun[],
  before: readonly ProcessRun[],
  outFile: string,
): void {
  const afterMs = median(after.map((r) => r.wallMs));
  const beforeMs = median(before.map((r) => r.wallMs));
  const same = spawnSync('cmp', ['-s', outFile, `${outFile}.before`]).status === 0;
  rows.push({
    what: `before → after: ${what} (before: ${baselineCommit})`,
    ours:
      `${fmtMs(beforeMs)}, ${fmtMiB(Math.max(...before.map((r) => r.peakRssBytes)))} → ` +
      `${fmtMs(afterMs)}, ${fmtMiB(Math.max(...after.map((r) => r.peakRssBytes)))} (**${(beforeMs / afterMs).toFixed(2)}×** as fast); ` +
      `output ${same ? 'byte-identical' : '**differs**'}`,
    target: '',
  });
}

/** Flagged values in a window-mode JSON report. */
function windowReportFlags(path: string): number {
  const report = JSON.parse(readFileSync(path, 'utf8')) as { results: { flags: unknown[] }[] };
  return report.results.reduce((sum, r) => sum + r.flags.length, 0);
}

function lineCount(path: string): number {
  const text = readFileSync(path, 'latin1');
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

function handlerBench(): void {
  const spec = SIZES.handler;
  const file = dataset(spec);
  const r = benchScript<HandlerBenchResult>('handler-bench.ts', [
    '--input',
    file,
    '--as-of',
    new Date(datasetEnd(spec)).toISOString(),
    '--assets',
    String(spec.assets),
  ]);
  rows.push({
    what: `one SQS record through the handler, file store, ${describe(spec)} (read, detect, write)`,
    ours: `${fmtMs(median(r.recordMs))}; rerun (nothing to write) ${fmtMs(median(r.rerunMs))}`,
    target: '',
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
    target: 'aim < 1.5 MB',
  });
  rows.push({
    what: 'module initialisation (import of the bundle in a fresh Node.js process)',
    ours: `${fmtMs(r.initMedianMs)} (whole process ${fmtMs(median(r.processMs))})`,
    target: '',
  });
}

function dataset(spec: DatasetSpec): string {
  log(`data: ${describe(spec)}`);
  return ensureDataset(spec, CACHE);
}

/** The flags of this run as `npm run bench` would be given them. */
function commandFlags(parts: string): string {
  const list = [
    parts === PARTS.join(',') ? '' : `--only ${parts}`,
    flags.runs === undefined ? '' : `--runs ${runs}`,
    baseline ? '--baseline DIR' : '',
  ].filter((f) => f !== '');
  return list.length === 0 ? '' : ` -- ${list.join(' ')}`;
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
      `\`npm run bench${commandFlags(parts)}\` (median of ${runs} runs)` +
      `${baseline ? `; before: the built CLI of commit ${baselineCommit}` : ''}.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}; ` +
      `Node.js ${machine.node}, Python ${machine.python}, pandas ${machine.pandas}, polars ${machine.polars}, ` +
      `DuckDB ${machine.duckdb}. Load average at the start: ${loadAtStart}.`,
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
  const lines = ['| what | riskfence | target |', '|---|---|---|'];
  for (const r of list) lines.push(`| ${r.what} | ${r.ours} | ${r.target} |`);
  return lines.join('\n');
}

/** Milliseconds per phase and thread, under `node --cpu-prof` (see bench/profile-breakdown.ts). */
function profileTable(list: readonly string[]): string {
  return [
    `| profile (\`--cpu-prof\`) | ${PHASES.join(' | ')} | all |`,
    `|---|${PHASES.map(() => '---:|').join('')}---:|`,
    ...list,
  ].join('\n');
}

/** Wall time and peak RSS of every side, and riskfence against the fastest peer of the same run. */
function peerTable(list: readonly PeerRow[]): string {
  const lines = [
    `| work | riskfence | ${PEERS.map((p) => p.label).join(' | ')} | riskfence vs fastest peer |`,
    `|---|---|${PEERS.map(() => '---|').join('')}---|`,
  ];
  for (const r of list) lines.push(`| ${r.work} | ${r.ours} | ${r.peers.join(' | ')} | ${r.versusFastest} |`);
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

function fmtMB(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}

function fmtRate(perMs: number): string {
  return `${((perMs * 1000) / 1e6).toFixed(1)} M`;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
