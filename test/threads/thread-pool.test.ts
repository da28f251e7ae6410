import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../lambdas/cli/command.ts';
import { blockTransfer, type DetectJob, detectBlock } from '../../lambdas/cli/detect/detect-block.ts';
import { piecewiseSeriesSet, SeriesBuilder } from '../../lambdas/core/series.ts';
import { RangeTable } from '../../lambdas/loaders/range-table.ts';
import { seriesBuffers, ThreadPool } from '../../lambdas/threads/thread-pool.ts';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'riskfence-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spikySet(assets: number) {
  const builder = new SeriesBuilder(['volume']);
  for (let a = 0; a < assets; a++)
    for (let h = 0; h < 96; h++)
      builder.add(`asset-${a}`, Date.UTC(2024, 0, 1) + h * HOUR, [h % 17 === a % 17 ? 500 : 10 + (h % 5)], h);
  return builder.build();
}

const JOB: DetectJob = Object.freeze({
  detector: {
    mode: 'rolling' as const,
    options: { closed: 'left' as const, timeframes: [1, 2], deviationLimit: 1.5, minSamples: 1 },
  },
  metrics: ['volume'],
  format: 'ndjson',
  limit: 0,
});

describe('ThreadPool', () => {
  it('runs a block on a worker thread with the same output as on this one, moving its series there', async () => {
    const here = detectBlock(spikySet(3), JOB);
    const moved = spikySet(3);
    const pool = ThreadPool.start(1);
    try {
      const there = await pool.run(
        0,
        'detect-block',
        { metrics: moved.metrics, block: { series: moved.series }, job: JOB },
        seriesBuffers(moved.series),
      );
      // The same output, its text as UTF-8 bytes moved from the worker thread.
      expect(there.text.every((piece) => piece instanceof Uint8Array)).toBe(true);
      expect(Buffer.concat(there.text).toString('utf8')).toBe(Buffer.concat(here.text).toString('utf8'));
      expect({ ...there, text: [] }).toEqual({ ...here, text: [] });
      expect(Buffer.concat(here.text).toString('utf8')).toContain('"direction":"high"');
      // Moved, not copied: the buffers now belong to the worker thread.
      expect(moved.series[0]!.times.length).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('lays out a block of pieces on the worker thread from shared memory, moving nothing', async () => {
    const builder = new SeriesBuilder(['volume'], { shared: true });
    const built = spikySet(3);
    for (const series of built.series)
      for (const [i, t] of series.times.entries())
        builder.add(series.asset, t, [series.values[0]![i]!], series.refs[i]!);
    const { pieces } = piecewiseSeriesSet([builder.part()], [0]);
    const pool = ThreadPool.start(1);
    try {
      const there = await pool.run(0, 'detect-block', { metrics: ['volume'], block: { pieces }, job: JOB });
      expect(Buffer.concat(there.text).toString('utf8')).toBe(
        Buffer.concat(detectBlock(built, JOB).text).toString('utf8'),
      );
      // Nothing to move: the pieces are views of shared memory, which the message shares.
      expect(blockTransfer({ pieces })).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('answers tasks sent to one thread in the order sent, the next sent before the first ends', async () => {
    const pool = ThreadPool.start(1);
    try {
      const sets = [1, 2, 3, 4].map(spikySet);
      const runs = sets.map((set) =>
        pool.run(0, 'detect-block', { metrics: set.metrics, block: { series: set.series }, job: JOB }),
      );
      const outputs = await Promise.all(runs);
      expect(outputs.map((out) => out.tally.judged)).toEqual([1, 2, 3, 4].map((n) => n * 96 * 2));
    } finally {
      await pool.close();
    }
  });

  it('keeps an InputError an InputError across the thread boundary, and the thread usable after it', async () => {
    const pool = ThreadPool.start(1);
    try {
      const task = {
        source: join(dir, 'missing.ndjson'),
        mapping: { assetField: 'coin_id', timeField: 'timestamp', metrics: ['volume'] },
        options: {},
        ranges: RangeTable.create([{ start: 0, end: 10 }], 1).shared,
        index: 0,
        least: 1,
      };
      await expect(pool.run(0, 'load-parts', task)).rejects.toBeInstanceOf(InputError);
      const file = join(dir, 'one.ndjson');
      writeFileSync(file, '{"coin_id":"a","timestamp":"2024-01-01T00:00:00Z","volume":1}\n');
      const parts = await pool.run(0, 'load-parts', {
        ...task,
        source: file,
        ranges: RangeTable.create([{ start: 0, end: 62 }], 1).shared,
      });
      expect(parts.map((p) => [p.start, p.part.observations])).toEqual([[0, 1]]);
    } finally {
      await pool.close();
    }
  });

  it('fails the tasks still pending when it is closed', async () => {
    const pool = ThreadPool.start(1);
    const pending = pool.run(0, 'detect-block', { metrics: ['volume'], block: spikySet(50), job: JOB });
    await pool.close();
    await expect(pending).rejects.toThrow(/exited/);
  });

  it('refuses a thread it does not have', () => {
    const pool = ThreadPool.start(0);
    expect(() => pool.run(0, 'detect-block', { metrics: ['volume'], block: spikySet(1), job: JOB })).toThrow(
      'no thread 0',
    );
  });
});
