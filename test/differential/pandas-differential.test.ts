import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, it } from 'vitest';
import { runCli } from '../cli/detect-fake-io.ts';
import { disagreements } from '../support/agreement.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { checkPandas, runPandasReference } from '../support/pandas.ts';
import { DIFF_METRICS, randomDocuments } from './random-documents.ts';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'riskfence.js');
const run = promisify(execFile);

interface Case {
  readonly name: string;
  readonly seed: number;
  readonly mode: 'window' | 'rolling';
  readonly closed?: 'left' | 'right';
  readonly timeframes: readonly number[];
  readonly deviationLimit: number;
  readonly minSamples: number;
  /** Window mode: where asOf falls. */
  readonly asOf?: 'on-a-point' | 'inside' | 'after-the-last';
  /** Run `node bin/riskfence.js` as a separate process (end to end) rather than `main()` in-process. */
  readonly spawn?: boolean;
}

const CASES: readonly Case[] = [
  {
    name: 'window, asOf exactly on an observation',
    seed: 101,
    mode: 'window',
    timeframes: [1, 3, 7],
    deviationLimit: 1.5,
    minSamples: 1,
    asOf: 'on-a-point',
    spawn: true,
  },
  {
    name: 'window, k 3, minSamples 5, asOf inside the data',
    seed: 102,
    mode: 'window',
    timeframes: [2, 5],
    deviationLimit: 3,
    minSamples: 5,
    asOf: 'inside',
  },
  {
    name: 'window, k 0.75, 30 days, asOf after the data',
    seed: 103,
    mode: 'window',
    timeframes: [1, 3, 7, 30],
    deviationLimit: 0.75,
    minSamples: 2,
    asOf: 'after-the-last',
  },
  {
    name: 'rolling closed=left with duplicate instants',
    seed: 201,
    mode: 'rolling',
    closed: 'left',
    timeframes: [1, 3],
    deviationLimit: 1.5,
    minSamples: 1,
    spawn: true,
  },
  {
    name: 'rolling closed=left, k 2, minSamples 4',
    seed: 202,
    mode: 'rolling',
    closed: 'left',
    timeframes: [2, 7],
    deviationLimit: 2,
    minSamples: 4,
  },
  {
    name: 'rolling closed=right',
    seed: 301,
    mode: 'rolling',
    closed: 'right',
    timeframes: [1, 3],
    deviationLimit: 1.5,
    minSamples: 1,
  },
  {
    name: 'rolling closed=right, k 1, minSamples 3',
    seed: 302,
    mode: 'rolling',
    closed: 'right',
    timeframes: [2, 5],
    deviationLimit: 1,
    minSamples: 3,
  },
];

function asOfFor(c: Case, times: readonly number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (f: number) => sorted[Math.floor(f * (sorted.length - 1))]!;
  if (c.asOf === 'on-a-point') return new Date(at(0.8)).toISOString();
  if (c.asOf === 'inside') return new Date(Math.floor((at(0.5) + at(0.9)) / 2)).toISOString();
  return new Date(at(1) + 3_600_000).toISOString();
}

/**
 * `riskfence detect --input FILE --format json ...args`: spawned as a user runs it, or through
 * `main()` in-process (the same code from argument parsing to printed JSON, without the cost of
 * starting node and tsx for every case).
 */
async function detect(spawn: boolean, file: string, args: readonly string[]): Promise<unknown> {
  const argv = ['detect', '--input', file, '--format', 'json', ...args];
  if (!spawn) {
    const { code, stdout, stderr } = await runCli(argv);
    if (code !== 0) throw new Error(`riskfence detect exited with ${code}: ${stderr}`);
    return JSON.parse(stdout);
  }
  const env = { ...process.env };
  delete env.QUANTILE_DEVIATION_LIMIT;
  const { stdout } = await run(process.execPath, [CLI, ...argv], {
    env,
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  return JSON.parse(stdout);
}

/** How much a report flags, to prove a case compares something. */
function flagCount(report: unknown): number {
  const r = report as { mode: string; results: { flags?: unknown[]; points?: { direction: unknown }[] }[] };
  return r.results.reduce(
    (sum, x) => sum + (x.flags?.length ?? x.points?.filter((p) => p.direction !== null).length ?? 0),
    0,
  );
}

const pandas = checkPandas();
announceSkip('pandas differential test', pandas.available ? undefined : pandas.reason);

describe
  .skipIf(!pandas.available)
  .concurrent(
    `riskfence detect agrees with the pandas reference on random inputs no golden case has${pandas.available ? '' : ` (skipped: ${pandas.reason})`}`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'riskfence-differential-'));
      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      for (const c of CASES) {
        it(`${c.name} (seed ${c.seed}${c.spawn ? ', node bin/riskfence.js' : ', main() in-process'})`, async ({
          expect,
        }) => {
          const { docs, times } = randomDocuments({ seed: c.seed, duplicates: c.closed !== 'right' });
          const file = join(dir, `${c.seed}.ndjson`);
          writeFileSync(file, docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
          const metrics = DIFF_METRICS.join(',');
          const timeframes = c.timeframes.join(',');
          const asOf = c.mode === 'window' ? asOfFor(c, times) : undefined;
          const shared = [
            '--timeframes',
            timeframes,
            '--min-samples',
            String(c.minSamples),
            '--metrics',
            metrics,
          ];
          const modeArgs = asOf ? ['--as-of', asOf] : ['--closed', c.closed!];
          const [expected, actual] = await Promise.all([
            runPandasReference(c.mode, file, [...shared, '--k', String(c.deviationLimit), ...modeArgs]),
            detect(c.spawn ?? false, file, [
              ...shared,
              '--mode',
              c.mode,
              '--deviation-limit',
              String(c.deviationLimit),
              ...modeArgs,
            ]),
          ]);
          expect(flagCount(expected)).toBeGreaterThan(0);
          expect(disagreements(actual, expected)).toEqual([]);
        });
      }
    },
  );
