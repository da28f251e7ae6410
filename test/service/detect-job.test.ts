import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { DAY_MS, InvalidOptionsError } from '../../lambdas/core/detector-options.ts';
import type { DetectionJob } from '../../lambdas/requests/parse-request.ts';
import { detectJob, readQueryOf } from '../../lambdas/service/detect-job.ts';
import { at, dailyDocuments } from '../stores/store-fixtures.ts';

const config = loadServiceConfig({ METRICS: 'volume,latest_price' });

const job = (over: Partial<DetectionJob> = {}): DetectionJob =>
  Object.freeze({
    assets: ['bitcoin'],
    asOf: at('2022-05-15'),
    timeframes: [3, 7],
    metrics: ['volume', 'latest_price'],
    deviationLimit: 1.5,
    mode: 'window' as const,
    ...over,
  });

/** Documents as a store returns them, handles = positions. */
const batchOf = (docs: readonly unknown[]) => ({ documents: docs, handles: docs.map((_, i) => i) });

describe('readQueryOf(job)', () => {
  it('window mode reads [asOf - longest timeframe, asOf)', () => {
    expect(readQueryOf(job())).toEqual({
      assets: ['bitcoin'],
      from: at('2022-05-08'),
      to: at('2022-05-15'),
      metrics: ['volume', 'latest_price'],
    });
  });

  it('rolling mode reads twice the longest timeframe so every judged point has a full window', () => {
    expect(readQueryOf(job({ mode: 'rolling', assets: null })).from).toBe(at('2022-05-15') - 14 * DAY_MS);
  });
});

describe('detectJob(job, batch, config, messageId)', () => {
  const spike = (a: string, d: number) => (a === 'bitcoin' && d === 12 ? 1e6 : 100 + (d % 5));

  it('window mode: flags the spike where its window has enough context and plans a write per window document', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-08', 7, (a, d) => spike(a, d + 7));
    const result = detectJob(job(), batchOf(docs), config, 'm-1');
    // In the 3-day window the spike is one of three values, so Q3 interpolates towards it: no flag (as in pandas).
    expect(result.anomalies).toEqual([
      {
        asset: 'bitcoin',
        metric: 'volume',
        timeframe: 7,
        time: at('2022-05-13'),
        direction: 'high',
        score: expect.any(Number),
      },
    ]);
    expect(result.updates).toHaveLength(7);
    expect(result.updates[6]!.set).toEqual({
      d3: { asOf: at('2022-05-15'), flags: {} },
      d7: { asOf: at('2022-05-15'), flags: {} },
    });
    expect(result.assetsEvaluated).toBe(1);
    expect(Object.keys(result.detectMs).sort()).toEqual(['latest_price', 'volume']);
    expect(result.runs).toEqual([
      expect.objectContaining({ asset: 'bitcoin', asOf: at('2022-05-15'), documents: 7, messageId: 'm-1' }),
    ]);
    expect(result.runs[0]!.timeframes.d7!.volume).toEqual(expect.objectContaining({ n: 7, high: 1, low: 0 }));
  });

  it('rolling mode: judges and writes only the evaluated range; earlier documents are history', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-01', 14, spike);
    const result = detectJob(job({ mode: 'rolling', timeframes: [7] }), batchOf(docs), config, 'm-1');
    const writtenDays = result.updates.map((u) => docs[u.handle as number]!._id);
    expect(writtenDays).toEqual(dailyDocuments(['bitcoin'], '2022-05-08', 7).map((d) => d._id));
    expect(result.updates.every((u) => u.set.d7!.asOf >= at('2022-05-08'))).toBe(true);
    expect(result.anomalies.map((a) => [a.metric, a.time, a.direction])).toContainEqual([
      'volume',
      at('2022-05-13'),
      'high',
    ]);
    expect(result.runs[0]!.documents).toBe(7);
    expect(result.runs[0]!.timeframes.d7!.volume!.fences).toBeNull();
  });

  it('counts bad values and unusable documents as data-quality issues, never as anomalies', () => {
    const docs = [
      ...dailyDocuments(['bitcoin'], '2022-05-10', 3),
      Object.freeze({
        coin_id: 'bitcoin',
        timestamp: { $date: '2022-05-13T00:00:00Z' },
        volume: 'n/a',
        latest_price: null,
      }),
      Object.freeze({ coin_id: 'bitcoin', volume: 1 }),
    ];
    const result = detectJob(job(), batchOf(docs), config, 'm-1');
    expect(result.dataQualityIssues).toBe(3);
    expect(result.anomalies).toEqual([]);
  });

  it('rejects out-of-range parameters with InvalidOptionsError', () => {
    expect(() => detectJob(job({ deviationLimit: 0 }), batchOf([]), config, 'm')).toThrow(
      InvalidOptionsError,
    );
  });
});
