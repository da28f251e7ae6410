import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DetectTally } from '../../lambdas/cli/detect/detect-tally.ts';
import { renderSummaryTable } from '../../lambdas/cli/detect/summary-table.ts';
import { disagreements } from '../support/agreement.ts';
import { readGolden } from '../support/golden.ts';
import { runCli, tempDir, writeNdjson } from './detect-fake-io.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'sample', 'risk-scores-2022-2023.ndjson');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'loaders');
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOUR = 3_600_000;
/** One asset, hourly, volume 10..13 with one spike of 95 at hour 8 (flagged high). */
const SPIKE = Object.freeze(
  [10, 11, 12, 11, 10, 13, 12, 11, 95, 12, 10, 11].map((volume, i) =>
    Object.freeze({
      _id: `btc:${i}`,
      coin_id: 'btc',
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString(),
      volume,
    }),
  ),
);
const spikeFile = writeNdjson(dir, 'spike.ndjson', SPIKE);
const VOLUME = ['--metrics', 'volume', '--timeframes', '1'];

describe('riskfence detect', () => {
  it('gives the same report for the same observations as NDJSON, JSON array and CSV', async () => {
    const reports = await Promise.all(
      ['observations.ndjson', 'observations.json', 'observations.csv'].map(async (name) => {
        const run = await runCli([
          'detect',
          '--input',
          join(FIXTURES, name),
          '--metrics',
          'metrics.volume,latest_price',
          '--timeframes',
          '1',
          '--format',
          'json',
        ]);
        expect(run.code).toBe(0);
        return JSON.parse(run.stdout);
      }),
    );
    expect(reports[0].results).toHaveLength(4);
    expect(reports[0].results.some((r: { flags: unknown[] }) => r.flags.length > 0)).toBe(true);
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
  });

  it('agrees with pandas on a golden case given as canonical Extended JSON', async () => {
    const c = readGolden('edge-bad-values');
    const canonical = c.input.map((d) => {
      const doc = d as { timestamp: { $date: string } };
      expect(typeof doc.timestamp.$date).toBe('string');
      return { ...doc, timestamp: { $date: { $numberLong: String(Date.parse(doc.timestamp.$date)) } } };
    });
    const input = writeNdjson(dir, 'canonical-golden.ndjson', canonical);
    const o = c.options;
    const run = await runCli(
      ['detect', '--input', input, '--format', 'json', '--as-of', o.asOf!, '--timeframes', '1'].concat([
        '--metrics',
        'volume',
      ]),
    );
    expect(run.code).toBe(0);
    expect(disagreements(JSON.parse(run.stdout), c.expected)).toEqual([]);
  });

  it('defaults --as-of to the newest observation + 1 ms, so the newest is the last inside the window', async () => {
    const run = await runCli(['detect', '--input', spikeFile, ...VOLUME, '--format', 'json']);
    const report = JSON.parse(run.stdout);
    expect(report.params.asOf).toBe('2024-01-01T11:00:00.001Z');
    expect(report.results[0].n).toBe(12);
  });

  it('takes the deviation limit from QUANTILE_DEVIATION_LIMIT, the flag winning over it', async () => {
    const k = async (args: string[], env: Record<string, string>) =>
      JSON.parse(
        (await runCli(['detect', '--input', spikeFile, ...VOLUME, '--format', 'json', ...args], { env }))
          .stdout,
      ).params.deviationLimit;
    expect(await k([], {})).toBe(1.5);
    expect(await k([], { QUANTILE_DEVIATION_LIMIT: '3' })).toBe(3);
    expect(await k(['--deviation-limit', '2'], { QUANTILE_DEVIATION_LIMIT: '3' })).toBe(2);
    const bad = await runCli(['detect', '--input', spikeFile], { env: { QUANTILE_DEVIATION_LIMIT: 'lots' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/QUANTILE_DEVIATION_LIMIT: QUANTILE_DEVIATION_LIMIT is not a number/);
  });

  it('prints a table sorted by severity with counts of documents, skipped lines, bad values and flags', async () => {
    const docs = [...SPIKE, { ...SPIKE[0], _id: 'btc:x', timestamp: '2024-01-01T00:30:00Z', volume: 'n/a' }];
    const input = join(dir, 'table.ndjson');
    writeFileSync(input, `${docs.map((d) => JSON.stringify(d)).join('\n')}\n{broken\n`);
    const run = await runCli(['detect', '--input', input, ...VOLUME]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/window mode, as of 2024-01-01T11:00:00\.001Z/);
    expect(run.stdout).toMatch(/13 documents, 1 asset, 13 observations, 1 skipped line/);
    expect(run.stdout).toMatch(/bad values \(missing or non-numeric, skipped\): volume 1/);
    expect(run.stdout).toMatch(/insufficient data: 0 of 1 windows/);
    expect(run.stdout).toMatch(/flags: 1 \(d1 1\)/);
    expect(run.stdout).toMatch(/btc\s+volume\s+d1\s+2024-01-01T08:00:00\.000Z\s+95\s+high\s+\d+\.\d\d/);
    expect(run.stderr).toMatch(new RegExp(`${input}:14: invalid JSON`));
  });

  it('lists flags by score descending with IQR-0 flags (no score) after numeric ones', async () => {
    const flat = [5, 5, 5, 5, 5, 5, 9].map((volume, i) => ({
      coin_id: 'flat',
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString(),
      volume,
    }));
    const input = writeNdjson(dir, 'mixed.ndjson', [...SPIKE, ...flat]);
    const run = await runCli(['detect', '--input', input, ...VOLUME]);
    const rows = run.stdout.split('\n').filter((l) => /^(btc|flat)\s/.test(l));
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual(['btc', 'flat']);
    expect(rows[1]).toMatch(/IQR 0\*/);
    expect(run.stdout).toMatch(/\* IQR 0:/);
  });

  it('prints one NDJSON line per flagged value with --format ndjson', async () => {
    const run = await runCli(['detect', '--input', spikeFile, ...VOLUME, '--format', 'ndjson']);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      asset: 'btc',
      metric: 'volume',
      timeframe: 1,
      timestamp: '2024-01-01T08:00:00.000Z',
      value: 95,
      direction: 'high',
    });
    expect(Object.keys(lines[0])).toEqual([
      'asset',
      'metric',
      'timeframe',
      'timestamp',
      'value',
      'direction',
      'score',
      'lower',
      'upper',
    ]);
    expect(lines[0].score).toBeCloseTo((95 - lines[0].upper) / ((lines[0].upper - lines[0].lower) / 4), 9);
  });

  it('writes --out lines that mongoimport --mode merge applies, in the stored shape, one per flagged document', async () => {
    const out = join(dir, 'flags.ndjson');
    const noId = { coin_id: 'btc', timestamp: '2024-01-01T11:30:00Z', volume: 99 };
    const input = writeNdjson(dir, 'out-input.ndjson', [...SPIKE, noId]);
    const run = await runCli([
      'detect',
      '--input',
      input,
      ...VOLUME,
      '--as-of',
      '2024-01-01T12:00:00Z',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/1 documents without _id were not written/);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        _id: 'btc:8',
        anomalies: {
          d1: {
            volume: {
              direction: 'high',
              score: expect.any(Number),
              since: { $date: '2024-01-01T12:00:00.000Z' },
              asOf: { $date: '2024-01-01T12:00:00.000Z' },
            },
          },
        },
      },
    ]);
  });

  it('writes --out flags in rolling mode with each point as its own asOf', async () => {
    const out = join(dir, 'rolling-flags.ndjson');
    const run = await runCli(['detect', '--input', spikeFile, ...VOLUME, '--mode', 'rolling', '--out', out]);
    expect(run.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Only flagged points get a line: early points, judged on one or two values, and the spike.
    expect(lines.map((l) => l._id)).toEqual(['btc:1', 'btc:2', 'btc:5', 'btc:8']);
    expect(lines[3].anomalies.d1.volume).toEqual({
      direction: 'high',
      score: expect.any(Number),
      since: { $date: '2024-01-01T08:00:00.000Z' },
      asOf: { $date: '2024-01-01T08:00:00.000Z' },
    });
  });

  it('streams the rolling JSON report in the golden shape, also from stdin', async () => {
    const c = readGolden('edge-rolling-ties');
    const stdin = c.input.map((d) => JSON.stringify(d)).join('\n');
    const args = ['detect', '--input', '-', '--mode', 'rolling', '--timeframes', '1', '--metrics', 'volume'];
    const run = await runCli([...args, '--format', 'json'], { stdin });
    expect(run.code).toBe(0);
    expect(disagreements(JSON.parse(run.stdout), c.expected)).toEqual([]);
  });

  it('reports malformed lines as file:line on stderr, capped at 20, and still succeeds', async () => {
    const input = join(dir, 'many-bad.ndjson');
    const bad = Array.from({ length: 25 }, (_, i) => `{bad ${i}`);
    writeFileSync(input, `${[JSON.stringify(SPIKE[0]), ...bad].join('\n')}\n`);
    const run = await runCli(['detect', '--input', input, ...VOLUME]);
    expect(run.code).toBe(0);
    const listed = run.stderr.split('\n').filter((l) => l.startsWith(`${input}:`));
    expect(listed).toHaveLength(20);
    expect(listed[0]).toMatch(new RegExp(`^${input}:2: invalid JSON`));
    expect(run.stderr).toMatch(/… and 5 more\nriskfence detect: skipped 25 lines/);
    expect(run.stdout).toMatch(/25 skipped lines/);
  });

  it.each([
    [['detect'], /--input FILE is required/],
    [
      ['detect', '--input', spikeFile, '--mode', 'sideways'],
      /--mode: 'sideways' is not one of window, rolling/,
    ],
    [
      ['detect', '--input', spikeFile, '--timeframes', '3,x'],
      /--timeframes '3,x': each of --timeframes must be a number/,
    ],
    [
      ['detect', '--input', spikeFile, '--timeframes', '0'],
      /--timeframes '0': each of --timeframes must be at least 1 day/,
    ],
    [
      ['detect', '--input', spikeFile, '--timeframes', '1.5'],
      /--timeframes '1.5': each of --timeframes must be a whole number of days/,
    ],
    [
      ['detect', '--input', spikeFile, '--timeframes', '400'],
      /--timeframes '400': each of --timeframes must be at most 365 days/,
    ],
    [['detect', '--input', spikeFile, '--timeframes', '7,7'], /--timeframes '7,7': has duplicates/],
    [['detect', '--input', spikeFile, '--deviation-limit=-1'], /--deviation-limit '-1': must be > 0/],
    [['detect', '--input', spikeFile, '--deviation-limit', '-1'], /--deviation-limit '-1': must be > 0/],
    [['detect', '--input', spikeFile, '--min-samples', '1.5'], /--min-samples '1.5': must be an integer/],
    [['detect', '--input', spikeFile, '--as-of', 'soon'], /--as-of: not an ISO-8601 date/],
    [['detect', '--input', spikeFile, '--closed', 'right'], /--closed applies to --mode rolling/],
    [['detect', '--input', spikeFile, '--mode', 'rolling', '--as-of', '2024-01-01'], /--as-of applies/],
    [
      ['detect', '--input', spikeFile, '--format', 'xml'],
      /--format: 'xml' is not one of table, json, ndjson/,
    ],
    [['detect', '--input', spikeFile, '--bogus'], /bogus/],
  ])('exits 2 with a message naming the problem for %j', async (argv, message) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Usage: riskfence detect/);
  });

  it.each([
    ['a missing file', () => [join(dir, 'missing.ndjson')], /missing\.ndjson: no such file/],
    ['no usable documents', () => [writeNdjson(dir, 'useless.ndjson', [{ x: 1 }])], /no usable documents in/],
    [
      'an unwritable --out',
      () => [spikeFile, '--out', join(dir, 'no-dir', 'x.ndjson')],
      /cannot write --out/,
    ],
  ])('exits 1 with a message for %s', async (_, args, message) => {
    const [input, ...rest] = args();
    const run = await runCli(['detect', '--input', input!, ...rest]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  it('passes --min-relative-iqr to the detector (IQR floor relative to the median)', async () => {
    const flat = [100, 100, 100, 100, 101].map((volume, i) => ({
      coin_id: 'flat',
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * HOUR).toISOString(),
      volume,
    }));
    const input = writeNdjson(dir, 'floor.ndjson', flat);
    const flags = async (extra: string[]) =>
      JSON.parse((await runCli(['detect', '--input', input, ...VOLUME, '--format', 'json', ...extra])).stdout)
        .results[0].flags.length;
    expect(await flags([])).toBe(1);
    expect(await flags(['--min-relative-iqr', '0.01'])).toBe(0);
  });

  it('shows progress on stderr only when it is a terminal', async () => {
    const quiet = await runCli(['detect', '--input', SAMPLE, '--format', 'ndjson']);
    expect(quiet.stderr).toBe('');
    const tty = await runCli(['detect', '--input', SAMPLE, '--format', 'ndjson', '--mode', 'rolling'], {
      tty: true,
    });
    expect(tty.stderr).toMatch(/reading .*risk-scores-2022-2023\.ndjson: \d+% of/);
  });

  it('flags terra-luna latest_price low during the May 2022 collapse in the bundled sample', async () => {
    const run = await runCli([
      'detect',
      '--input',
      SAMPLE,
      '--as-of',
      '2022-05-15T00:00:00Z',
      '--format',
      'ndjson',
    ]);
    expect(run.code).toBe(0);
    const flags = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((f) => f.asset === 'terra-luna' && f.metric === 'latest_price');
    const days = new Set(flags.map((f) => f.timestamp.slice(0, 10)));
    expect([...days].sort()).toEqual(['2022-05-10', '2022-05-11', '2022-05-12', '2022-05-13', '2022-05-14']);
    expect(flags.every((f) => f.direction === 'low')).toBe(true);
  });
});

describe('riskfence detect --format table --limit 0', () => {
  it('lists every flag, even more than a spread call could take (here 200,000)', async () => {
    const tally = new DetectTally(0);
    tally.addTimeframe(7);
    for (let i = 0; i < 200_000; i++) {
      tally.addFlag({
        asset: 'a',
        metric: 'volume',
        timeframe: 7,
        time: i * 3_600_000,
        value: i,
        direction: 'high',
        score: i,
        lower: 0,
        upper: 1,
      });
    }
    const text = renderSummaryTable({
      mode: 'window',
      asOf: 0,
      closed: 'left',
      timeframes: [7],
      deviationLimit: 1.5,
      minSamples: 1,
      minRelativeIqr: 0,
      metrics: ['volume'],
      input: 'x.ndjson',
      format: 'ndjson',
      documents: 200_000,
      observations: 200_000,
      assets: 1,
      skipped: 0,
      badValues: { volume: 0 },
      tally,
      limit: 0,
    });
    expect(text).toContain('all 200000');
    expect(text.split('\n').filter((l) => l.startsWith('a '))).toHaveLength(200_000);
  });
});
