import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliRun, expectHandled, HANG_MS, ROOT, runCli } from './run-cli.ts';

/**
 * Bad command lines through the real `riskfence` process: each row states the
 * exit status, a line of stderr naming the problem, and what must not have
 * happened (see `expectHandled` for what every row asserts).
 */
interface Row {
  readonly name: string;
  readonly args: (dir: string) => string[];
  readonly code: 0 | 1 | 2;
  readonly problem: RegExp;
  readonly check?: (run: CliRun, dir: string) => void;
}

const SAMPLE = 'sample/risk-scores-2022-2023.ndjson';
const EVENT = 'test/fixtures/events/mixed-batch.json';
const root = mkdtempSync(join(tmpdir(), 'riskfence-robustness-options-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the sample to run `invoke` on, and what it held before. */
function storeCopy(dir: string): string {
  const store = join(dir, 'docs.ndjson');
  copyFileSync(join(ROOT, SAMPLE), store);
  return store;
}

const ROWS: readonly Row[] = [
  {
    name: '--input given twice',
    args: () => ['detect', '--input', SAMPLE, '--input', 'other.ndjson'],
    code: 2,
    problem: /--input given twice/,
  },
  {
    name: '--timeframes given twice',
    args: () => ['detect', '--input', SAMPLE, '--timeframes', '7', '--timeframes', '30'],
    code: 2,
    problem: /--timeframes given twice/,
  },
  {
    name: '--timeframes 1.5,0.5 with --out: the service forbids the d1.5 keys',
    args: (dir) => [
      'detect',
      '--input',
      SAMPLE,
      '--timeframes',
      '1.5,0.5',
      '--out',
      join(dir, 'flags.ndjson'),
    ],
    code: 2,
    problem: /--timeframes '1\.5,0\.5'.*whole number of days/,
    check: (_, dir) => expect(() => readFileSync(join(dir, 'flags.ndjson'))).toThrow(/ENOENT/),
  },
  {
    name: '--metrics nope --format ndjson warns on stderr',
    args: () => ['detect', '--input', SAMPLE, '--metrics', 'nope', '--format', 'ndjson'],
    code: 0,
    problem: /warning: no document in .* has a numeric value for nope/,
  },
  {
    name: 'invoke --dead-letter into a missing directory is refused before the store changes',
    args: (dir) => ['invoke', '--event', EVENT, '--store', storeCopy(dir), '--dead-letter', '/proc/x/dlq'],
    code: 1,
    problem: /cannot write --dead-letter \/proc\/x\/dlq/,
    check: (_, dir) => {
      expect(readFileSync(join(dir, 'docs.ndjson'), 'utf8')).toBe(readFileSync(join(ROOT, SAMPLE), 'utf8'));
      expect(() => readFileSync(join(dir, 'docs.ndjson.runs.ndjson'))).toThrow(/ENOENT/);
    },
  },
];

describe.concurrent('bad command lines through the real command', () => {
  it.each(ROWS)(
    '$name',
    async ({ args, code, problem, check }) => {
      const dir = mkdtempSync(join(root, 'case-'));
      const run = await runCli(args(dir));
      expectHandled(run, code, problem);
      check?.(run, dir);
    },
    HANG_MS + 15_000,
  );

  it.each([
    ['--format ndjson | head -1', ['--mode', 'rolling', '--format', 'ndjson'], 'head -1'],
    ['--format json | head -c 100', ['--format', 'json'], 'head -c 100'],
  ])(
    'a pipe closed early (%s) ends the command quietly',
    (_, options, head) => {
      const dir = mkdtempSync(join(root, 'pipe-'));
      const err = join(dir, 'stderr.txt');
      const command = ['node bin/riskfence.js detect --input', SAMPLE, ...options].join(' ');
      const r = spawnSync(
        'bash',
        ['-c', `${command} 2>${err} | ${head} >/dev/null; echo "\${PIPESTATUS[0]}"`],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: HANG_MS,
          killSignal: 'SIGKILL',
        },
      );
      expect(r.signal).toBeNull();
      expect(r.stdout.trim()).toBe('0');
      expect(readFileSync(err, 'utf8')).toBe('');
    },
    HANG_MS + 15_000,
  );
});
