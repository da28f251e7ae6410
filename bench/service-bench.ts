/**
 * `npm run bench:service`: the service at scale (issue 10 item 4, the figures
 * of issues 9 and 10). Each case is one SQS record through the real handler
 * against a benchmark store that generates driver-like documents and keeps
 * only the flags written (`bench/benchmark-store.ts`), in a child process of
 * its own under `--max-old-space-size=1024` (the prod function's memory), so
 * the peak RSS reported is that record's. Prints one JSON line per case (the
 * median of `--runs` runs), then one line comparing with the baseline when
 * one is given; exits non-zero if a case fails (and, with `--check-targets`,
 * if a target is missed).
 *
 *   npm run bench:service                                  every case, 3 runs each
 *   npm run bench:service -- --runs 5 --only window,fan-out
 *   npm run bench:service -- --baseline /tmp/riskfence-old  also main before the rewrite (a worktree of 90e2a32)
 *   npm run bench:service -- --quick                       small sizes, one run (a smoke run)
 *
 * Cases: a 1000-asset × 720-hour record (7 metrics) in window and rolling
 * mode, first run and the next hour's run (the first run's flags and run
 * summaries saved by its process and loaded by the next one's, untimed); one
 * chunk at the default chunk size (250 assets, hourly, rolling, first run:
 * the worst case a chunk meets); and the fan-out of an all-asset request over
 * 20,000 assets (requests counted by an in-memory sink).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FAN_OUT_CHUNK_SIZE } from '../lambdas/config/service-config.ts';
import { describeMachine } from './machine.ts';
import { BenchCommandError, median, runNode } from './measure.ts';
import type { CaseFigures } from './service-case.ts';

/** The prod function's memory (cdk.json `memoryMiB`): each case's heap limit. */
const PROD_MEMORY_MIB = 1024;

/** What a case runs and what it must reach. */
interface CaseSpec {
  readonly name: string;
  readonly mode: 'window' | 'rolling';
  readonly assets: number;
  readonly run: 'first' | 'next';
  /** The case whose saved state this next-hour run loads. */
  readonly after?: string;
  readonly fanOut?: boolean;
  readonly chunkSize?: number;
  readonly baseline?: boolean;
  readonly targets: Targets;
}

/**
 * Upper bounds a case must stay within (issue 10). Times are checked as CPU
 * time (`detectCpuMs`, `cpuMs`): the benchmark machines are shared, and wall
 * time there measures the neighbours' load as much as the record.
 */
interface Targets {
  readonly peakRssMiB?: number;
  readonly detectMs?: number;
  readonly ms?: number;
}

const GROUPS = ['window', 'rolling', 'baseline', 'chunk', 'fan-out'] as const;

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string' },
    only: { type: 'string' },
    baseline: { type: 'string' },
    'baseline-heap': { type: 'string', default: '4096' },
    quick: { type: 'boolean', default: false },
    'check-targets': { type: 'boolean', default: false },
  },
});
const quick = flags.quick;
const runs = Number(flags.runs ?? (quick ? 1 : 3));
const only = new Set((flags.only ?? GROUPS.join(',')).split(',').map((g) => g.trim()));
for (const g of only) {
  if (!GROUPS.includes(g as (typeof GROUPS)[number])) {
    throw new Error(`--only: unknown group '${g}' (groups: ${GROUPS.join(', ')})`);
  }
}
const RECORD_ASSETS = quick ? 50 : 1000;
const HOURS = quick ? 168 : 720;
const UNIVERSE = quick ? 2_000 : 20_000;
const CHUNK = DEFAULT_FAN_OUT_CHUNK_SIZE;

const record = (mode: 'window' | 'rolling', run: 'first' | 'next', baseline = false): CaseSpec => ({
  name: `${baseline ? 'baseline-' : ''}${mode}-${RECORD_ASSETS}-${run}`,
  mode,
  assets: RECORD_ASSETS,
  run,
  ...(run === 'next' ? { after: `${baseline ? 'baseline-' : ''}${mode}-${RECORD_ASSETS}-first` } : {}),
  // One record of the most assets a request may name: larger than a chunk, so allow it unsplit.
  chunkSize: RECORD_ASSETS,
  baseline,
  targets: baseline ? {} : { peakRssMiB: 512, detectMs: mode === 'window' ? 3_000 : 6_000 },
});
const cases: CaseSpec[] = [];
if (only.has('window')) cases.push(record('window', 'first'), record('window', 'next'));
if (only.has('baseline') && flags.baseline !== undefined) {
  cases.push(record('window', 'first', true), record('window', 'next', true));
}
if (only.has('rolling')) cases.push(record('rolling', 'first'), record('rolling', 'next'));
if (only.has('chunk')) {
  cases.push({
    name: `chunk-${CHUNK}-rolling-first`,
    mode: 'rolling',
    assets: CHUNK,
    run: 'first',
    // A third of the prod function's 60-s timeout.
    targets: { ms: 20_000 },
  });
}
if (only.has('fan-out')) {
  cases.push({
    name: `fan-out-${UNIVERSE}`,
    mode: 'window',
    assets: UNIVERSE,
    run: 'first',
    fanOut: true,
    targets: { peakRssMiB: 256, detectMs: 5_000 },
  });
}

const machine = describeMachine();
process.stderr.write(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; node ${machine.node}; ` +
    `code ${codeVersion()}; load ${loadText()}; ${runs} run(s) per case\n`,
);

const measured = new Map<string, { figures: CaseFigures; peakRssMiB: number }[]>();
const failures: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'riskfence-service-bench-'));
try {
  // Repetitions outermost, so that a burst of load on a shared machine hits every case alike.
  for (let rep = 0; rep < runs; rep++) {
    for (const c of cases) {
      if (c.after !== undefined && failures.includes(c.after)) continue;
      try {
        const run = runNode(caseArgs(c, rep));
        const figures = JSON.parse(run.stdout) as CaseFigures;
        const list = measured.get(c.name) ?? [];
        list.push({ figures, peakRssMiB: run.peakRssBytes / 2 ** 20 });
        measured.set(c.name, list);
        process.stderr.write(
          `${c.name} #${rep + 1}: ${Math.round(figures.ms)} ms, ${Math.round(run.peakRssBytes / 2 ** 20)} MiB\n`,
        );
      } catch (e) {
        if (!(e instanceof BenchCommandError)) throw e;
        process.stderr.write(`${c.name} #${rep + 1} failed: ${e.message}\n`);
        failures.push(c.name);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

let missed = 0;
const lines = new Map<string, ReturnType<typeof caseLine>>();
for (const c of cases) {
  const list = measured.get(c.name);
  if (!list || failures.includes(c.name)) continue;
  const line = caseLine(c, list);
  lines.set(c.name, line);
  if (!line.withinTargets) missed++;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
const comparison = compareWithBaseline();
if (comparison) process.stdout.write(`${JSON.stringify(comparison)}\n`);
process.stderr.write(`load at the end: ${loadText()}\n`);
if (failures.length > 0) {
  process.stderr.write(`failed: ${[...new Set(failures)].join(', ')}\n`);
  process.exitCode = 1;
} else if (flags['check-targets'] && missed > 0) {
  process.stderr.write(`${missed} case(s) missed a target\n`);
  process.exitCode = 1;
}

function caseArgs(c: CaseSpec, rep: number): string[] {
  const state = (name: string) => join(dir, `${name}-${rep}.json`);
  const heap = c.baseline ? Number(flags['baseline-heap']) : PROD_MEMORY_MIB;
  return [
    `--max-old-space-size=${heap}`,
    '--import',
    'tsx',
    'bench/service-case.ts',
    '--assets',
    String(c.assets),
    '--hours',
    String(HOURS),
    '--mode',
    c.mode,
    ...(c.fanOut ? ['--fan-out'] : []),
    ...(c.chunkSize === undefined ? [] : ['--chunk-size', String(c.chunkSize)]),
    ...(c.after === undefined ? ['--save', state(c.name)] : ['--load', state(c.after)]),
    ...(c.baseline ? ['--baseline', flags.baseline!] : []),
  ];
}

/** The JSON line of a case: medians of the timed figures; the counts are the same in every run. */
function caseLine(c: CaseSpec, list: readonly { figures: CaseFigures; peakRssMiB: number }[]) {
  const f = list[0]!.figures;
  const med = (pick: (x: { figures: CaseFigures; peakRssMiB: number }) => number) =>
    Math.round(median(list.map(pick)));
  const line = {
    case: c.name,
    mode: c.mode,
    assets: c.assets,
    hours: HOURS + (c.run === 'next' ? 1 : 0),
    run: c.run,
    code: c.baseline ? 'baseline' : 'current',
    peakRssMiB: med((x) => x.peakRssMiB),
    ms: med((x) => x.figures.ms),
    detectMs: med((x) => x.figures.detectMs),
    ioMs: med((x) => x.figures.ioMs),
    cpuMs: med((x) => x.figures.cpuMs),
    detectCpuMs: med((x) => x.figures.detectCpuMs),
    ioCpuMs: med((x) => x.figures.ioCpuMs),
    coreMs: med((x) => x.figures.coreMs),
    documentsRead: f.documentsRead,
    documentsWritten: f.documentsWritten,
    runsUpserted: f.runsUpserted,
    flaggedValues: f.flaggedValues,
    anomaliesDetected: f.anomaliesDetected,
    ...(c.fanOut ? { requestsSent: f.requestsSent, chunkSize: CHUNK } : {}),
    storedFlags: f.storedFlags,
    heapLimitMiB: c.baseline ? Number(flags['baseline-heap']) : PROD_MEMORY_MIB,
    runs: list.length,
    msEach: list.map((x) => Math.round(x.figures.ms)),
    detectMsEach: list.map((x) => Math.round(x.figures.detectMs)),
    detectCpuMsEach: list.map((x) => Math.round(x.figures.detectCpuMs)),
    peakRssMiBEach: list.map((x) => Math.round(x.peakRssMiB)),
    targets: c.targets,
    withinTargets: true,
  };
  const { peakRssMiB, detectMs, ms } = c.targets;
  line.withinTargets =
    (peakRssMiB === undefined || line.peakRssMiB <= peakRssMiB) &&
    (detectMs === undefined || line.detectCpuMs <= detectMs) &&
    (ms === undefined || line.cpuMs <= ms);
  return line;
}

/** Issue 9's ratios: the old code's non-I/O time over the current one's, and the next run's write share. */
function compareWithBaseline() {
  const pair = (run: 'first' | 'next') => {
    const now = lines.get(`window-${RECORD_ASSETS}-${run}`);
    const old = lines.get(`baseline-window-${RECORD_ASSETS}-${run}`);
    if (!now || !old) return undefined;
    return {
      detectMsBaseline: old.detectMs,
      detectMsCurrent: now.detectMs,
      detectSpeedup: round2(old.detectMs / now.detectMs),
      detectCpuMsBaseline: old.detectCpuMs,
      detectCpuMsCurrent: now.detectCpuMs,
      detectCpuSpeedup: round2(old.detectCpuMs / now.detectCpuMs),
      documentsWrittenBaseline: old.documentsWritten,
      documentsWrittenCurrent: now.documentsWritten,
      writtenShareOfReadBaseline: round2(old.documentsWritten / old.documentsRead),
      writtenShareOfReadCurrent: round3(now.documentsWritten / now.documentsRead),
      anomaliesDetectedBaseline: old.anomaliesDetected,
      anomaliesDetectedCurrent: now.anomaliesDetected,
    };
  };
  const first = pair('first');
  const next = pair('next');
  if (!first && !next) return undefined;
  return { case: `baseline-comparison-window-${RECORD_ASSETS}`, first, next };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The commit measured, marked when the service's sources differ from it. */
function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'lambdas') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in lambdas/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function loadText(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}
