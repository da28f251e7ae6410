import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeNdjson } from './detect-fake-io.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample', 'risk-scores-2022-2023.ndjson');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** Hourly documents in another deployment's field names: `sym`, `at`, `px` (one spike). */
const RENAMED = Object.freeze(
  [10, 11, 12, 11, 10, 13, 12, 11, 95, 12].map((px, i) =>
    Object.freeze({ _id: i, sym: 'btc', at: new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString(), px }),
  ),
);
const renamed = writeNdjson(dir, 'renamed.ndjson', RENAMED);
const RENAMED_ENV = Object.freeze({ ASSET_FIELD: 'sym', TIME_FIELD: 'at', METRICS: 'px', TIMEFRAMES: '1' });

describe('the same input options, defaults and environment for every command that reads documents', () => {
  it('detect and report read ASSET_FIELD, TIME_FIELD, METRICS and TIMEFRAMES like the Lambda', async () => {
    const detect = await runCli(['detect', '-i', renamed, '--format', 'json'], { env: { ...RENAMED_ENV } });
    expect(detect.code).toBe(0);
    const report = JSON.parse(detect.stdout);
    expect(report.params).toMatchObject({ timeframes: [1], deviationLimit: 1.5 });
    expect(report.results.map((r: { asset: string; metric: string }) => `${r.asset}/${r.metric}`)).toEqual([
      'btc/px',
    ]);
    const html = await runCli(['report', '-i', renamed, '-o', join(dir, 'r.html')], {
      env: { ...RENAMED_ENV },
    });
    expect(html).toMatchObject({ code: 0, stdout: `wrote ${join(dir, 'r.html')}: 1 charts, 1 flags\n` });
    const evaluate = await runCli(['evaluate', '-i', renamed, '--format', 'json'], {
      env: { ...RENAMED_ENV },
    });
    expect(evaluate.code).toBe(0);
  });

  it('an option takes the place of its environment variable', async () => {
    const env = { ...RENAMED_ENV, QUANTILE_DEVIATION_LIMIT: '3' };
    const k = async (args: string[]) =>
      JSON.parse((await runCli(['detect', '-i', renamed, '--format', 'json', ...args], { env })).stdout)
        .params;
    expect((await k([])).deviationLimit).toBe(3);
    expect((await k(['--deviation-limit', '2', '--timeframes', '1,2'])).deviationLimit).toBe(2);
    expect((await k(['--timeframes', '1,2'])).timeframes).toEqual([1, 2]);
  });

  it('report takes window mode by default, as detect does: --as-of is accepted, --closed needs --mode rolling', async () => {
    const out = join(dir, 'w.html');
    const window = await runCli([
      'report',
      '-i',
      SAMPLE,
      '--assets',
      'bitcoin',
      '--metrics',
      'volume',
      '--as-of',
      '2022-05-15',
      '-o',
      out,
    ]);
    expect(window.code).toBe(0);
    const closed = await runCli(['report', '-i', SAMPLE, '--closed', 'right']);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toContain('--closed applies to --mode rolling');
  });

  it('detect --assets keeps only those assets, and names assets without data', async () => {
    const run = await runCli(['detect', '-i', SAMPLE, '--assets', 'bitcoin,ethereum', '--format', 'json']);
    const assets = new Set(JSON.parse(run.stdout).results.map((r: { asset: string }) => r.asset));
    expect([...assets].sort()).toEqual(['bitcoin', 'ethereum']);
    const missing = await runCli(['detect', '-i', SAMPLE, '--assets', 'bitcoin,no-such-coin']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no data for asset(s) no-such-coin');
  });

  it.each([['table'], ['json'], ['ndjson']])(
    '--metrics nope is a warning on stderr with --format %s',
    async (format) => {
      const run = await runCli(['detect', '-i', SAMPLE, '--metrics', 'volume,nope', '--format', format]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        'riskfence detect: warning: no document in ' +
          SAMPLE +
          ' has a numeric value for nope (check --metrics or METRICS)',
      );
    },
  );

  it.each([
    [['report', '-i', SAMPLE, '--assets', 'bitcoin', '--metrics', 'nope', '-o', join(dir, 'n.html')]],
    [['evaluate', '-i', SAMPLE, '--metrics', 'nope', '--timeframes', '7']],
  ])('%j warns about a metric found in no document too', async (argv) => {
    const run = await runCli(argv);
    expect(run.stderr).toMatch(/warning: no document in .* has a numeric value for nope/);
  });

  it('explains "d3 0" on daily data under the table', async () => {
    const run = await runCli(['detect', '-i', SAMPLE, '--as-of', '2022-05-15']);
    expect(run.stdout).toMatch(/flags: \d+ \(d3 0, d7 \d+, d30 \d+\)\nnote: d3: at most 3 values per window/);
    const hourly = await runCli(['detect', '-i', renamed, '--timeframes', '3'], {
      env: { ...RENAMED_ENV, TIMEFRAMES: '' },
    });
    expect(hourly.stdout).not.toContain('note:');
  });
});

describe('every output is checked before anything is changed', () => {
  it('invoke --dead-letter in a directory that does not exist leaves the store as it was', async () => {
    const store = join(dir, 'store.ndjson');
    copyFileSync(SAMPLE, store);
    const before = readFileSync(store, 'utf8');
    const run = await runCli([
      'invoke',
      '--event',
      'examples/sqs-event.json',
      '--store',
      store,
      '--dead-letter',
      '/proc/x/dlq',
    ]);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'riskfence invoke: cannot write --dead-letter /proc/x/dlq: no such directory /proc/x\n',
    });
    expect(readFileSync(store, 'utf8')).toBe(before);
    expect(existsSync(`${store}.runs.ndjson`)).toBe(false);
  });

  it.each([
    [
      ['detect', '-i', SAMPLE, '--out', join(dir, 'nowhere', 'f.ndjson')],
      `cannot write --out ${join(dir, 'nowhere', 'f.ndjson')}: no such directory`,
    ],
    [['detect', '-i', SAMPLE, '--out', dir], `cannot write --out ${dir}: it is a directory`],
    [['report', '-i', SAMPLE, '--out', join(SAMPLE, 'r.html')], 'a parent is not a directory'],
    [
      ['invoke', '--event', 'examples/sqs-event.json', '--store', dir],
      `cannot write --store ${dir}: it is a directory`,
    ],
  ])('%j stops with one line before reading or writing', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
