import { describe, expect, it } from 'vitest';
import { seriesFromDocuments } from '../../lambdas/core/series-from-documents.ts';

describe('seriesFromDocuments', () => {
  it('seriesFromDocuments builds sorted series with document positions as refs and reports rejects', () => {
    const docs = Object.freeze(
      [
        { coin_id: 'eth', timestamp: '2024-01-02', volume: 2 },
        { coin_id: 'btc', timestamp: '2024-01-03', volume: 'n/a' },
        { timestamp: '2024-01-01', volume: 3 },
        { coin_id: 'btc', timestamp: '2024-01-01', volume: { $numberInt: '7' } },
        { coin_id: 'btc', timestamp: 'never', volume: 1 },
      ].map((d) => Object.freeze(d)),
    );
    const { set, rejected } = seriesFromDocuments(docs, {
      assetField: 'coin_id',
      timeField: 'timestamp',
      metrics: ['volume'],
    });
    expect(set.series.map((s) => s.asset)).toEqual(['btc', 'eth']);
    const btc = set.series[0]!;
    expect(Array.from(btc.refs)).toEqual([3, 1]);
    expect(Array.from(btc.times)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 3)]);
    expect(Array.from(btc.values[0]!)).toEqual([7, Number.NaN]);
    expect(set.badValues).toEqual({ volume: 1 });
    expect(set.observations).toBe(3);
    expect(rejected.map((r) => r.index)).toEqual([2, 4]);
    expect(rejected[0]!.reason).toMatch(/coin_id/);
    expect(rejected[1]!.reason).toMatch(/timestamp/);
  });

  it('seriesFromDocuments of no documents is an empty set', () => {
    const { set, rejected } = seriesFromDocuments([], { assetField: 'a', timeField: 't', metrics: ['v'] });
    expect(set.series).toEqual([]);
    expect(set.observations).toBe(0);
    expect(rejected).toEqual([]);
  });
});
