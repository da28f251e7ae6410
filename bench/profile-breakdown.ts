/**
 * Where a `riskfence` run's time goes, thread by thread: the built CLI run once
 * under `node --cpu-prof` (every thread writes a profile), each sample put in
 * the phase of the source file it fell in, found through the build's source maps.
 * The profiler's own overhead is included, so the sums exceed a plain run's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The phases a sample is put in, in the order the table prints them. */
export const PHASES = [
  'start-up',
  'read',
  'parse',
  'series',
  'detect',
  'output',
  'GC',
  'idle',
  'other',
] as const;
export type Phase = (typeof PHASES)[number];

/** One thread's milliseconds per phase. */
export interface ThreadBreakdown {
  readonly thread: string;
  readonly ms: Readonly<Record<Phase, number>>;
  readonly totalMs: number;
}

// Source files by phase (paths as the source maps give them); the first match wins. WebAssembly
// frames have no source: they take the phase of the JavaScript that called them.
const SOURCE_PHASES: readonly (readonly [RegExp, Phase])[] = [
  [
    /lambdas\/loaders\/(parallel-load|load-series)\.ts$|lambdas\/core\/series\.ts$|lambdas\/threads\//,
    'series',
  ],
  [
    /lambdas\/loaders\/|lambdas\/wasm\/field-scan-kernel\.ts$|lambdas\/core\/(document-reader|timestamp|numeric-value|field-path)\.ts$/,
    'parse',
  ],
  [/lambdas\/cli\/detect\/text-sink\.ts$/, 'output'],
  [/lambdas\/core\/|lambdas\/cli\/detect\/|lambdas\/wasm\/rolling-kernel\.ts$/, 'detect'],
  [/lambdas\/cli\/commands\/detect-command\.ts$/, 'series'],
];

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/**
 * Runs `node --cpu-prof bin/riskfence.js ...args` (stdout discarded) and
 * breaks each thread's samples down by phase.
 *
 * @param args - the CLI's arguments
 * @returns the main thread first, then the worker threads in the order they started
 *
 * @example
 * profileBreakdown(['detect', '--input', file, '--format', 'json'])[0]!.ms.parse;
 */
export function profileBreakdown(args: readonly string[]): ThreadBreakdown[] {
  const dir = mkdtempSync(join(tmpdir(), 'riskfence-profile-'));
  try {
    const run = spawnSync(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'bin/riskfence.js', ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`riskfence ${args.join(' ')} failed: ${run.stderr}`);
    const maps = new SourceMaps();
    // Profiles are named CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile: thread 0 is the main one.
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort((a, b) => threadOf(a) - threadOf(b));
    const rows = files.map((f, i) =>
      breakdown(
        i === 0 ? 'main' : `worker ${i}`,
        JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile,
        maps,
      ),
    );
    // With no source map found for the build's files every sample lands in 'other': fail, not print zeros.
    if (rows.every((r) => SOURCE_PHASES.every(([, phase]) => r.ms[phase] === 0))) {
      throw new Error(
        'profile: no sample was traced to a source file (are the source maps beside the build?)',
      );
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function threadOf(file: string): number {
  return Number(basename(file).split('.')[4]);
}

function breakdown(thread: string, profile: Profile, maps: SourceMaps): ThreadBreakdown {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phases = new Map<number, Phase>();
  const phaseOf = (id: number): Phase => {
    const known = phases.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const own = framePhase(node, maps);
    const up = parent.get(id);
    const phase = own ?? (up === undefined ? 'start-up' : phaseOf(up));
    phases.set(id, phase);
    return phase;
  };
  const ms = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    ms[phaseOf(id)] += delta;
    total += delta;
  });
  return { thread, ms, totalMs: total };
}

/** A frame's own phase, or `undefined` to take its caller's. */
function framePhase(node: ProfileNode, maps: SourceMaps): Phase | undefined {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)' || functionName === '(root)') return 'other';
  // Node.js loading and compiling modules (the CLI's own at start, a command's when it runs).
  if (/^node:internal\/(modules|bootstrap|main|process\/pre_execution)/.test(url)) return 'start-up';
  if (url === '') {
    if (/^(read|readSync|pread)$/.test(functionName)) return 'read';
    if (/^(write|writev|writeBuffer|writeString|writeUtf8String)/.test(functionName)) return 'output';
    return undefined;
  }
  const source = maps.source(url, lineNumber, columnNumber);
  if (source === undefined) return undefined;
  for (const [pattern, phase] of SOURCE_PHASES) if (pattern.test(source)) return phase;
  return undefined;
}

/** The original source file of a position in a built file, from its `.map` (read once per file). */
class SourceMaps {
  readonly #maps = new Map<string, SourceMap | null>();

  source(url: string, line: number, column: number): string | undefined {
    const entry = this.#load(url)?.findEntry(line, column);
    return entry && 'originalSource' in entry ? entry.originalSource : undefined;
  }

  #load(url: string): SourceMap | null {
    if (!this.#maps.has(url)) {
      let map: SourceMap | null = null;
      if (url.startsWith('file://') && /\.m?js$/.test(url)) {
        try {
          map = new SourceMap(JSON.parse(readFileSync(new URL(`${url}.map`), 'utf8')));
        } catch {
          map = null;
        }
      }
      this.#maps.set(url, map);
    }
    return this.#maps.get(url)!;
  }
}
