import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPiecewise } from '../../lambdas/core/series.ts';
import { loadSeries, readSeriesPart } from '../../lambdas/loaders/load-series.ts';
import { loadSeriesInWorkers, parallelRanges } from '../../lambdas/loaders/parallel-load.ts';
import { seededRandom } from '../support/seeded-random.ts';

const MAPPING = Object.freeze({
  assetField: 'coin_id',
  timeField: 'timestamp',
  metrics: Object.freeze(['volume', 'latest_price']),
});
const dir = mkdtempSync(join(tmpdir(), 'riskfence-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Assets interleaved in time order (so every asset spans every range), duplicate
 * instants, bad values, blank and malformed lines and documents without a time:
 * everything whose order or line number a split into ranges could disturb.
 */
function writeInput(name: string, lines: number): string {
  const random = seededRandom(7);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const r = random();
    if (r < 0.01) out.push('{"coin_id": "broken", ');
    else if (r < 0.02) out.push('');
    else if (r < 0.03) out.push(JSON.stringify({ _id: `x${i}`, coin_id: 'no-time' }));
    else {
      const hour = Math.floor(i / 3);
      out.push(
        JSON.stringify({
          _id: `d${i}`,
          coin_id: `asset-${i % 4}`,
          timestamp: { $date: new Date(Date.UTC(2024, 0, 1, hour % 48)).toISOString() },
          volume: r < 0.1 ? null : Math.round(random() * 100),
          latest_price: r < 0.15 ? { $numberDouble: 'NaN' } : random() * 10,
        }),
      );
    }
  }
  const path = join(dir, name);
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}

describe('loadSeries with worker threads', () => {
  const path = writeInput('mixed.ndjson', 3000);

  it('splits a file into line-aligned byte ranges that cover it exactly, the first one with a head start', async () => {
    const ranges = await parallelRanges(path, { workers: 3 });
    expect(ranges).not.toBeNull();
    expect(ranges!.length).toBe(3);
    expect(ranges![0]!.start).toBe(0);
    for (let i = 1; i < ranges!.length; i++) expect(ranges![i]!.start).toBe(ranges![i - 1]!.end);
    // The main thread's range has a head start, scanned while the worker threads start.
    const [first, second, third] = ranges!.map((r) => r.end - r.start);
    expect(first).toBeGreaterThan(1.3 * second!);
    expect(Math.abs(second! - third!)).toBeLessThan(0.05 * second!);
  });

  it('reads stdin, non-NDJSON formats and one-worker requests in a single pass', async () => {
    expect(await parallelRanges('-', { workers: 2 })).toBeNull();
    expect(await parallelRanges(path, { workers: 1 })).toBeNull();
    expect(await parallelRanges(path, { workers: 2, format: 'csv' })).toBeNull();
  });

  it.each([2, 3, 4])(
    'gives with %i workers exactly what one pass gives: series, refs, ids, problems and their lines',
    async (workers) => {
      const single = await loadSeries(path, MAPPING, { workers: 1, keepIds: true });
      const parallel = await loadSeries(path, MAPPING, { workers, keepIds: true });
      expect(single.problems.length).toBeGreaterThan(10);
      expect(parallel.set).toEqual(single.set);
      expect(parallel.problems).toEqual(single.problems);
      expect(parallel.ids).toEqual(single.ids);
      expect(parallel.documents).toBe(single.documents);
    },
  );

  it.each([
    ['scanned', false],
    ['read exactly', true],
  ])('gives what one pass gives when a thread takes from the range of another (%s)', async (_, keepIds) => {
    // The main thread's range is one line: it takes from the worker's range before that starts.
    const firstLine = readFileSync(path).indexOf(0x0a) + 1;
    const size = statSync(path).size;
    const options = { workers: 2, keepIds, piecewise: true };
    const single = await loadSeries(path, MAPPING, { workers: 1, keepIds });
    const parallel = await loadSeriesInWorkers(
      path,
      MAPPING,
      options,
      [
        { start: 0, end: firstLine },
        { start: firstLine, end: size },
      ],
      (claimed, onProgress) => readSeriesPart(path, MAPPING, { ...options, claimed, onProgress }, true),
    );
    expect(parallel.set.series).toEqual(single.set.series);
    expect(parallel.problems).toEqual(single.problems);
    expect(parallel.ids).toEqual(single.ids);
    expect(parallel.documents).toBe(single.documents);
    // More parts than the two ranges: some were split.
    expect(
      isPiecewise(parallel.set) && Math.max(...parallel.set.pieces.map((p) => p.pieces.length)),
    ).toBeGreaterThan(2);
  });

  it('reports an unreadable file as an input error from the worker path too', async () => {
    await expect(loadSeries(join(dir, 'missing.ndjson'), MAPPING, { workers: 2 })).rejects.toThrow(
      /cannot read/,
    );
  });
});
