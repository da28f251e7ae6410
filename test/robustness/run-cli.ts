import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { expect } from 'vitest';

/** The project root: `bin/riskfence.js` is spawned from here, as test/cli/detect-spawn.test.ts does. */
export const ROOT = join(import.meta.dirname, '..', '..');

/** Longest a case may run before it is killed and counted as a hang: generous for two busy cores. */
export const HANG_MS = 45_000;

/** What a spawned `riskfence` did. */
export interface CliRun {
  /** Exit status; `null` when killed. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed after {@link HANG_MS}. */
  readonly hung: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where a run's standard input comes from. */
export type CliStdin = { readonly text: string } | { readonly path: string };

/**
 * Runs `node bin/riskfence.js …args` as a real process, with the test
 * environment (vitest sets `RISKFENCE_FROM_SOURCE=1`, so the sources run, never
 * an older build) and `QUANTILE_DEVIATION_LIMIT` cleared, and kills it with
 * SIGKILL after {@link HANG_MS}.
 *
 * @param args - the command and its options
 * @param stdin - text piped to standard input, or a file given as it (`/dev/zero` never ends)
 * @returns exit status, signal, whether it hung, and both outputs
 *
 * @example
 * const run = await runCli(['detect', '--input', 'sample/risk-scores-2022-2023.ndjson']);
 */
export function runCli(args: readonly string[], stdin?: CliStdin): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // A file is given as the descriptor itself, as `< file` does: a directory or /dev/zero stays what it is.
    const fd = stdin !== undefined && 'path' in stdin ? openSync(stdin.path, 'r') : undefined;
    const child = spawn(process.execPath, ['bin/riskfence.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, QUANTILE_DEVIATION_LIMIT: '' },
      stdio: [fd ?? 'pipe', 'pipe', 'pipe'],
    });
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr!.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
    if (child.stdin) {
      // The command may stop reading early: a closed pipe is expected.
      child.stdin.on('error', () => {});
      child.stdin.end(stdin !== undefined && 'text' in stdin ? stdin.text : undefined);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, stdout, stderr });
    });
  });
}

/** Printable text plus newlines and tabs: a message must not carry raw control characters to the terminal. */
const CONTROL = /[^\P{Cc}\n\t]/u;

/**
 * Asserts how a run ended: not hung, the exit status, a line of stderr that
 * names the problem, no stack frames, no engine error names, no internal-error
 * fallback and no raw control characters.
 *
 * @param run - the run
 * @param code - the expected exit status
 * @param problem - a pattern one line of stderr must match (tested line by line)
 *
 * @example
 * expectHandled(await runCli(['detect', '--input', 'nope']), 1, /cannot read nope: no such file/);
 */
export function expectHandled(run: CliRun, code: number, problem?: RegExp): void {
  expect(run.hung, 'killed after the hang timeout').toBe(false);
  expect({ code: run.code, stderr: run.stderr.slice(0, 2000) }).toEqual({
    code,
    stderr: expect.any(String),
  });
  const output = `${run.stderr}\n${run.stdout}`;
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/RangeError|TypeError|ReferenceError|unexpected error|Fatal|FATAL/);
  expect(run.stderr).not.toMatch(CONTROL);
  if (problem) {
    const lines = run.stderr.split('\n');
    expect(
      lines.some((l) => problem.test(l)),
      `no stderr line matches ${problem}:\n${run.stderr.slice(0, 2000)}`,
    ).toBe(true);
  }
}

/**
 * Writes a file line by line through a stream, so that inputs of many
 * megabytes are never one string in the test either.
 *
 * @param path - the file to create
 * @param lines - text pieces in order (newlines included by the caller)
 *
 * @example
 * await writeStreamed(join(dir, 'big.ndjson'), (function* () { yield '{}\n'; })());
 */
export async function writeStreamed(path: string, lines: Iterable<string | Buffer>): Promise<void> {
  const out = createWriteStream(path);
  for (const piece of lines) {
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await finished(out);
}
