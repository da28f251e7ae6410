import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blockSeparator,
  blockSeries,
  type DetectJob,
  detectBlock,
  detectionBlocks,
} from '../../lambdas/cli/detect/detect-block.ts';
import { DetectTally } from '../../lambdas/cli/detect/detect-tally.ts';
import { FlagLineWriter } from '../../lambdas/cli/detect/flag-line-writer.ts';
import { rollingResultJson, seriesIsoTimes } from '../../lambdas/core/detect-json.ts';
import { detectRolling } from '../../lambdas/core/rolling-detector.ts';
import {
  type AssetSeries,
  piecewiseSeriesSet,
  SeriesBuilder,
  type SeriesSet,
} from '../../lambdas/core/series.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { runCli, tempDir } from './detect-fake-io.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const METRICS = Object.freeze(['volume', 'latest_price']);

/** Random walks with spikes, ties, gaps and bad values, hour by hour across assets. */
function documents(assets: number, hours: number, seed: number): Record<string, unknown>[] {
  const random = seededRandom(seed);
  const level = Array.from({ length: assets }, () => 100 * random());
  const docs: Record<string, unknown>[] = [];
  for (let h = 0; h < hours; h++) {
    for (let a = 0; a < assets; a++) {
      if (random() < 0.02) continue;
      level[a]! *= 1 + (random() - 0.5) / 20;
      const r = random();
      docs.push({
        _id: `a${a}:${h}`,
        coin_id: `asset-${String(a).padStart(3, '0')}`,
        timestamp: { $date: new Date(START + h * HOUR).toISOString() },
        volume: r < 0.01 ? null : r < 0.04 ? level[a]! * 8 : Math.round(level[a]!),
        latest_price: r > 0.99 ? 'n/a' : level[a]!,
      });
    }
  }
  return docs;
}

function setOf(docs: readonly Record<string, unknown>[]): SeriesSet {
  const builder = new SeriesBuilder(METRICS);
  docs.forEach((d, ref) => {
    const values = METRICS.map((m) => (typeof d[m] === 'number' ? (d[m] as number) : Number.NaN));
    builder.add(d.coin_id as string, Date.parse((d.timestamp as { $date: string }).$date), values, ref);
  });
  return builder.build();
}

/** A block's text pieces as one string. */
function utf8(pieces: readonly Uint8Array[]): string {
  return Buffer.concat(pieces).toString('utf8');
}

const SET = setOf(documents(9, 120, 5));
const TIMEFRAMES = Object.freeze([1, 3]);
const DETECTORS = Object.freeze({
  window: {
    mode: 'window',
    options: { asOf: START + 120 * HOUR, timeframes: TIMEFRAMES, deviationLimit: 1.5, minSamples: 1 },
  },
  rolling: {
    mode: 'rolling',
    options: { closed: 'left', timeframes: TIMEFRAMES, deviationLimit: 1.5, minSamples: 1 },
  },
} as const);

/** An asset's points, as `detectionBlocks` counts them. */
const points = (s: AssetSeries) => s.times.length;

describe('detectBlock', () => {
  describe.each(['window', 'rolling'] as const)('in %s mode', (mode) => {
    it.each(['json', 'ndjson', 'table'] as const)(
      'prints and counts, block after block, what one block of every asset gives (%s)',
      (format) => {
        const job: DetectJob = { detector: DETECTORS[mode], metrics: METRICS, format, limit: 7 };
        const whole = detectBlock(SET, job);
        const blocks = detectionBlocks(SET.series, points, METRICS.length * TIMEFRAMES.length, 600);
        expect(blocks.length).toBeGreaterThan(3);
        const tally = new DetectTally(7);
        const texts: string[] = [];
        for (const series of blocks) {
          const part = detectBlock({ metrics: METRICS, series }, job);
          tally.absorb(part.tally);
          if (part.text.length > 0) texts.push(utf8(part.text));
        }
        expect(texts.join(blockSeparator(format))).toBe(utf8(whole.text));
        expect(tally.snapshot()).toEqual(whole.tally);
        if (format === 'table') expect(whole.tally.rows).toHaveLength(7);
        else expect(whole.tally.rows).toHaveLength(0);
      },
    );
  });

  it('prints text of megabytes as UTF-8 pieces of at most 1 MiB, each in a buffer of its own, characters whole', () => {
    // Multi-byte names in every entry, so that piece ends fall on and inside them.
    const builder = new SeriesBuilder(['volume']);
    for (let h = 0; h < 3000; h++)
      for (const asset of ['資産-😀', 'ä-b'])
        builder.add(asset, START + h * HOUR, [h % 23 === 0 ? 900 : 100 + (h % 7)], h);
    const set = builder.build();
    const rolling = DETECTORS.rolling.options;
    for (const format of ['json', 'ndjson'] as const) {
      const job: DetectJob = { detector: DETECTORS.rolling, metrics: ['volume'], format, limit: 0 };
      const { text } = detectBlock(set, job);
      const expected =
        format === 'json'
          ? Array.from(detectRolling(set, rolling), (r) => JSON.stringify(rollingResultJson(r))).join(',')
          : null;
      expect(text.length).toBeGreaterThan(1);
      expect(text.every((piece) => piece.byteLength > 0 && piece.byteLength <= 1 << 20)).toBe(true);
      expect(new Set(text.map((piece) => piece.buffer)).size).toBe(text.length);
      const decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(text));
      if (expected !== null) expect(decoded).toBe(expected);
      else expect(decoded.split('\n').filter((line) => line.includes('資産-😀')).length).toBeGreaterThan(100);
    }
  });

  it('prints rolling NDJSON lines as FlagLineWriter does, also for a series the kernel leaves to JavaScript midway', () => {
    // A name this long makes a flag line's head too long for the kernel: its results, from the first
    // one on, come from detectRolling; the other asset's are printed by the kernel.
    const long = `${'a'.repeat(300)}-ü`;
    const set = setOf(
      documents(2, 120, 9).map((d) => (d.coin_id === 'asset-001' ? { ...d, coin_id: long } : d)),
    );
    const options = DETECTORS.rolling.options;
    const writer = new FlagLineWriter();
    const expected = Array.from(detectRolling(set, options), (r) =>
      Buffer.from(writer.rolling(r, seriesIsoTimes(r.series))).toString('utf8'),
    ).join('');
    const job = (format: 'ndjson' | 'json'): DetectJob => ({
      detector: DETECTORS.rolling,
      metrics: METRICS,
      format,
      limit: 0,
    });
    const ndjson = detectBlock(set, job('ndjson'));
    expect(utf8(ndjson.text)).toBe(expected);
    expect(expected).toContain(long);
    expect(ndjson.tally).toEqual(detectBlock(set, job('json')).tally);
  });

  it.each(['left', 'right'] as const)(
    'prints rolling JSON entries byte for byte as JSON.stringify prints rollingResultJson (closed %s)',
    (closed) => {
      const detector = { mode: 'rolling', options: { ...DETECTORS.rolling.options, closed } } as const;
      const { text } = detectBlock(SET, { detector, metrics: METRICS, format: 'json', limit: 0 });
      const expected = Array.from(detectRolling(SET, detector.options), (r) =>
        JSON.stringify(rollingResultJson(r)),
      );
      expect(expected.length).toBe(SET.series.length * METRICS.length * TIMEFRAMES.length);
      expect(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(text))).toBe(expected.join(','));
    },
  );

  it.each(['window', 'rolling'] as const)(
    'judges blocks of pieces, laid out one block after another in the same memory, as the built series (%s)',
    (mode) => {
      const docs = documents(9, 120, 5);
      // Two parts, as two threads read them: an asset's observations come from both.
      const parts = [docs.slice(0, 500), docs.slice(500)].map((rows) => {
        const builder = new SeriesBuilder(METRICS, { shared: true });
        rows.forEach((d, ref) => {
          const values = METRICS.map((m) => (typeof d[m] === 'number' ? (d[m] as number) : Number.NaN));
          builder.add(d.coin_id as string, Date.parse((d.timestamp as { $date: string }).$date), values, ref);
        });
        return builder.part();
      });
      const set = piecewiseSeriesSet(parts, [0, 500]);
      for (const format of ['json', 'ndjson', 'table'] as const) {
        const job: DetectJob = { detector: DETECTORS[mode], metrics: METRICS, format, limit: 0 };
        const blocks = detectionBlocks(set.pieces, (p) => p.length, METRICS.length * TIMEFRAMES.length, 600);
        expect(blocks.length).toBeGreaterThan(3);
        const buffers = new Set<ArrayBufferLike>();
        const tally = new DetectTally(0);
        const texts: string[] = [];
        for (const pieces of blocks) {
          const series = blockSeries(METRICS.length, { pieces });
          buffers.add(series[0]!.times.buffer);
          const part = detectBlock({ metrics: METRICS, series }, job);
          tally.absorb(part.tally);
          if (part.text.length > 0) texts.push(utf8(part.text));
        }
        const whole = detectBlock(SET, job);
        expect(texts.join(blockSeparator(format))).toBe(utf8(whole.text));
        expect(tally.snapshot()).toEqual(whole.tally);
        // Used again block after block: a new buffer only when a block needs more than any before.
        expect(buffers.size).toBeLessThanOrEqual(2);
      }
    },
  );

  it('does not modify the series it judges', () => {
    const frozen = setOf(documents(2, 30, 9));
    const before = structuredClone(frozen);
    Object.freeze(frozen.series);
    for (const s of frozen.series) Object.freeze(s);
    for (const detector of Object.values(DETECTORS))
      detectBlock(frozen, { detector, metrics: METRICS, format: 'json', limit: 0 });
    expect(frozen).toEqual(before);
  });
});

describe('detectionBlocks', () => {
  it('splits consecutive whole assets under the bound, an asset above it alone', () => {
    const lengths = [5, 5, 5, 20, 1, 1];
    const series = lengths.map((n, i) => ({
      asset: `a${i}`,
      times: new Float64Array(n),
      refs: new Float64Array(n),
      values: [],
    }));
    const blocks = detectionBlocks(series, points, 2, 20);
    expect(blocks.map((b) => b.map((s) => s.asset))).toEqual([['a0', 'a1'], ['a2'], ['a3'], ['a4', 'a5']]);
    expect(detectionBlocks(series, points, 2, Number.POSITIVE_INFINITY)).toHaveLength(1);
    expect(detectionBlocks([], points, 2, 20)).toEqual([]);
  });

  it('with a taper, shrinks the last blocks to a quarter of what is left per thread, down to the least bound', () => {
    const series = Array.from({ length: 100 }, (_, i) => ({
      asset: `a${i}`,
      times: new Float64Array(10),
      refs: new Float64Array(10),
      values: [],
    }));
    // 100 assets × 10 points × 2 = 2000 judgements; blocks of at most 200 (10 assets) untapered.
    const plain = detectionBlocks(series, points, 2, 200);
    const tapered = detectionBlocks(series, points, 2, 200, { threads: 2, leastJudgements: 40 });
    expect(plain.map((b) => b.length)).toEqual(Array(10).fill(10));
    expect(tapered.flat()).toEqual(series);
    const sizes = tapered.map((b) => b.length);
    // Full blocks while 8 × 200 judgements or more are left, then a quarter of the rest per thread.
    expect(sizes.slice(0, 3)).toEqual([10, 10, 10]);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]!);
    // The least bound holds two assets: every block but a last remainder has two or more.
    expect(sizes.slice(-4, -1)).toEqual([2, 2, 2]);
    expect(sizes.at(-1)).toBeLessThanOrEqual(2);
    expect(Math.max(...sizes)).toBe(10);
  });
});

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('riskfence detect --threads', () => {
  // 40 assets × 720 hours × 2 metrics × 4 timeframes: two blocks of work or more.
  const input = join(dir, 'hourly.ndjson');
  const docs = documents(40, 720, 3);
  writeFileSync(input, `${docs.map((d) => JSON.stringify(d)).join('\n')}\n{"broken": \n`);
  const common = ['detect', '--input', input, '--metrics', 'volume,latest_price', '--timeframes', '1,3,7,30'];

  it.each([
    ['window', 'json'],
    ['window', 'ndjson'],
    ['window', 'table'],
    ['rolling', 'ndjson'],
    ['rolling', 'json'],
    ['rolling', 'table'],
  ])('prints the same %s %s output with 1, 2 and 3 threads', async (mode, format) => {
    const runs = await Promise.all(
      [1, 2, 3].map((threads) =>
        runCli([...common, '--mode', mode, '--format', format, '--threads', String(threads)]),
      ),
    );
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`hourly.ndjson:${docs.length + 1}:`);
    }
    expect(runs[0]!.stdout.length).toBeGreaterThan(1000);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
  });

  it.each(['window', 'rolling'])('writes the same --out file with 1 and 2 threads (%s)', async (mode) => {
    const outs = await Promise.all(
      [1, 2].map(async (threads) => {
        const out = join(dir, `${mode}-${threads}.out.ndjson`);
        const run = await runCli([...common, '--mode', mode, '--threads', String(threads), '--out', out]);
        expect(run.code).toBe(0);
        return readFileSync(out, 'utf8');
      }),
    );
    expect(outs[0]!.split('\n').length).toBeGreaterThan(100);
    expect(outs[1]).toBe(outs[0]);
  });

  it.each(['0', '1.5', 'many', '65'])('refuses --threads %s', async (value) => {
    const run = await runCli([...common, '--threads', value]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--threads');
  });
});
