import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { seriesFromDocuments } from '../../lambdas/core/series-from-documents.ts';
import { loadSeries } from '../../lambdas/loaders/load-series.ts';
import { readDocuments } from '../../lambdas/loaders/read-documents.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'loaders');
const fixture = (name: string) => join(FIXTURES, name);
const MAPPING = Object.freeze({
  assetField: 'coin_id',
  timeField: 'timestamp',
  metrics: Object.freeze(['metrics.volume', 'latest_price']),
});

describe('loadSeries', () => {
  it('builds the same series from NDJSON, a JSON array and CSV (dotted header = nested field)', async () => {
    const ndjson = await loadSeries(fixture('observations.ndjson'), MAPPING);
    const array = await loadSeries(fixture('observations.json'), MAPPING);
    const csv = await loadSeries(fixture('observations.csv'), MAPPING);
    expect(ndjson.set.series.map((s) => s.asset)).toEqual(['bitcoin', 'ether, classic']);
    expect(ndjson.set.badValues).toEqual({ 'metrics.volume': 0, latest_price: 1 });
    expect(array.set).toEqual(ndjson.set);
    expect(csv.set).toEqual(ndjson.set);
    expect([ndjson.documents, array.documents, csv.documents]).toEqual([24, 24, 24]);
  });

  it('builds what seriesFromDocuments builds from the same documents in memory', async () => {
    const { documents } = await readDocuments(fixture('observations.ndjson'));
    const loaded = await loadSeries(fixture('observations.ndjson'), MAPPING);
    expect(loaded.set).toEqual(seriesFromDocuments(documents, MAPPING).set);
  });

  it('reads canonical Extended JSON numbers and dates; their NaN is a bad value', async () => {
    const { set, problems } = await loadSeries(fixture('canonical.ndjson'), MAPPING);
    expect(problems).toEqual([]);
    const s = set.series[0]!;
    expect(s.times[0]).toBe(Date.UTC(2024, 0, 1));
    expect(Array.from(s.values[0]!.slice(0, 6))).toEqual([10, 11, 12, 11, 10, 13]);
    expect(s.values[1]![4]).toBeNaN();
    expect(s.values[1]![6]).toBe(1.5);
    expect(set.badValues).toEqual({ 'metrics.volume': 0, latest_price: 1 });
  });

  it('reports documents without usable asset or time by line, with bad JSON, and skips them', async () => {
    const path = fixture('malformed.ndjson');
    const { set, problems, documents } = await loadSeries(path, { ...MAPPING, metrics: ['volume'] });
    expect(problems.map((p) => [p.source, p.line])).toEqual([
      [path, 2],
      [path, 3],
      [path, 5],
      [path, 6],
    ]);
    expect(problems[2]!.reason).toMatch(/coin_id/);
    expect(problems[3]!.reason).toMatch(/timestamp/);
    expect(documents).toBe(5);
    expect(set.observations).toBe(3);
    // the numeric string "5" is not coerced: a bad value, not a problem
    expect(Array.from(set.series[0]!.values[0]!)).toEqual([1, Number.NaN, 6]);
  });

  it('uses 0-based document indexes as refs and keeps _ids by ref on request', async () => {
    const { set, ids } = await loadSeries(
      fixture('malformed.ndjson'),
      { ...MAPPING, metrics: ['volume'] },
      {
        keepIds: true,
      },
    );
    expect(Array.from(set.series[0]!.refs)).toEqual([0, 3, 4]);
    expect(ids).toEqual(['a:0', 'a:2', 'a:3', 'a:4', 'a:5']);
    expect((await loadSeries(fixture('malformed.ndjson'), MAPPING)).ids).toBeUndefined();
  });

  it('reads stdin for "-" and names problems <stdin>', async () => {
    const stdin = Readable.from([Buffer.from('{"coin_id": "a", "timestamp": "2024-01-01"}\nnot json\n')]);
    const { set, problems } = await loadSeries('-', MAPPING, { stdin });
    expect(set.observations).toBe(1);
    expect(problems).toMatchObject([{ source: '<stdin>', line: 2 }]);
  });
});
