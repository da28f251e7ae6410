import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One measured run of a child process. */
export interface ProcessRun {
  /** Spawn to exit, milliseconds. */
  readonly wallMs: number;
  /** Peak resident set size in bytes, or NaN when the process did not report it. */
  readonly peakRssBytes: number;
  /** Standard output, unless it was sent to a file. */
  readonly stdout: string;
}

/** Options of {@link runProcess}. */
export interface RunOptions {
  /** Send standard output to this file instead of capturing it. */
  readonly stdoutFile?: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Thrown when a benchmarked command fails: the figures would be meaningless. */
export class BenchCommandError extends Error {
  override readonly name = 'BenchCommandError';
}

const PEAK_RSS_PRELOAD = new URL('./peak-rss.mjs', import.meta.url).pathname;

/**
 * Reads a file once, untimed, so that the run after it finds the file in the page cache. This
 * machine's memory reclaim pages cached files out within seconds (32 of 219 MiB half a minute
 * after a read), so without it each side would pay a varying share of disk reads for its input.
 *
 * @param path - the input file
 *
 * Complexity: O(file size), in 8 MiB reads.
 *
 * @example
 * warmPageCache(file);
 * runNode(['bin/riskfence.js', 'detect', '--input', file]);
 */
export function warmPageCache(path: string): void {
  const buffer = Buffer.allocUnsafe(8 << 20);
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs `node ARGS` with the peak-RSS preload, timing it from spawn to exit.
 *
 * @param args - arguments after `node`
 * @param options - output file and environment
 * @returns wall time, peak RSS (from `bench/peak-rss.mjs`) and output
 * @throws {@link BenchCommandError} on a non-zero exit
 *
 * @example
 * runNode(['bin/riskfence.js', 'detect', '--input', file, '--format', 'ndjson'], { stdoutFile: out });
 */
export function runNode(args: readonly string[], options: RunOptions = {}): ProcessRun {
  const dir = mkdtempSync(join(tmpdir(), 'riskfence-bench-'));
  const rssFile = join(dir, 'peak-rss');
  try {
    const run = runProcess(process.execPath, ['--import', PEAK_RSS_PRELOAD, ...args], {
      ...options,
      env: { ...options.env, BENCH_PEAK_RSS_FILE: rssFile },
    });
    return { ...run, peakRssBytes: Number(readFileSync(rssFile, 'utf8')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a command, timing it from spawn to exit (the parent waits synchronously,
 * so nothing else of the benchmark runs meanwhile).
 *
 * @param command - executable
 * @param args - its arguments
 * @param options - output file and environment
 * @returns wall time and output; `peakRssBytes` is NaN (the command reports its own, if any)
 * @throws {@link BenchCommandError} on a non-zero exit or a spawn failure
 *
 * @example
 * runProcess('python3', ['bench/pandas_window.py', file, '--as-of', asOf]);
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): ProcessRun {
  const out = options.stdoutFile === undefined ? 'pipe' : openSync(options.stdoutFile, 'w');
  try {
    const start = performance.now();
    const result = spawnSync(command, args, {
      stdio: ['ignore', out, 'pipe'],
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const wallMs = performance.now() - start;
    if (result.error) throw new BenchCommandError(`${command}: ${result.error.message}`);
    if (result.status !== 0) {
      throw new BenchCommandError(
        `${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}`,
      );
    }
    return { wallMs, peakRssBytes: Number.NaN, stdout: result.stdout ?? '' };
  } finally {
    if (typeof out === 'number') closeSync(out);
  }
}

/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
