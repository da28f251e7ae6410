import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { DAY_MS, InvalidOptionsError } from '../../lambdas/core/detector-options.ts';
import type { DetectionJob } from '../../lambdas/requests/parse-request.ts';
import { Collect, detectBatch, readQueryOf, rollingStart } from '../../lambdas/service/detect-job.ts';
import { WindowGuards } from '../../lambdas/service/run-guards.ts';
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

describe('readQueryOf(job, judged)', () => {
  it('window mode reads [asOf - longest timeframe, asOf)', () => {
    expect(readQueryOf(job())).toEqual({
      assets: ['bitcoin'],
      from: at('2022-05-08'),
      to: at('2022-05-15'),
      metrics: ['volume', 'latest_price'],
    });
  });

  it('rolling mode reads one longest timeframe of history before the first point to judge', () => {
    // Never judged: the last longest timeframe is judged, so twice it is read.
    expect(readQueryOf(job({ mode: 'rolling', assets: null }))!.from).toBe(at('2022-05-15') - 14 * DAY_MS);
    // Judged up to 05-14: one new day, and its 7-day history.
    const judged = new Map([['bitcoin', at('2022-05-14')]]);
    expect(readQueryOf(job({ mode: 'rolling' }), judged)!.from).toBe(at('2022-05-07'));
    expect(rollingStart(job({ mode: 'rolling' }), judged, 'bitcoin')).toBe(at('2022-05-14'));
  });

  it('rolling mode reads nothing when every asset is judged up to asOf', () => {
    expect(readQueryOf(job({ mode: 'rolling' }), new Map([['bitcoin', at('2022-05-15')]]))).toBeNull();
  });
});

describe('detectBatch(job, batch, config, scope, messageId, collect)', () => {
  const spike = (a: string, d: number) => (a === 'bitcoin' && d === 12 ? 1e6 : 100 + (d % 5));
  const detect = (j: DetectionJob, docs: readonly unknown[], scope = {}) =>
    detectBatch(j, batchOf(docs), config, scope, 'm-1', Collect.All);

  it('window mode: flags the spike where its window has enough context and writes only that document', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-08', 7, (a, d) => spike(a, d + 7));
    const result = detect(job(), docs);
    // In the 3-day window the spike is one of three values, so Q3 interpolates towards it: no flag (as in pandas).
    expect(result.anomalies).toEqual([
      expect.objectContaining({
        asset: 'bitcoin',
        metric: 'volume',
        timeframe: 7,
        time: at('2022-05-13'),
        value: 1e6,
        direction: 'high',
        isNew: true,
      }),
    ]);
    expect(result.updates).toEqual([
      {
        handle: 5,
        asOf: at('2022-05-15'),
        changes: [
          {
            timeframeKey: 'd7',
            metric: 'volume',
            flag: { direction: 'high', score: expect.any(Number), since: at('2022-05-15') },
          },
        ],
      },
    ]);
    expect([result.flaggedValues, result.newFlags.get(7), result.newFlags.get(3)]).toEqual([1, 1, 0]);
    expect(result.assetsEvaluated).toBe(1);
    expect(Object.keys(result.detectMs).sort()).toEqual(['latest_price', 'volume']);
    expect(result.runs).toEqual([
      expect.objectContaining({
        asset: 'bitcoin',
        asOf: at('2022-05-15'),
        from: at('2022-05-08'),
        documents: 7,
        messageId: 'm-1',
      }),
    ]);
    expect(result.runs[0]!.timeframes.d7!.volume).toEqual(
      expect.objectContaining({ n: 7, high: 1, low: 0, newFlags: 1 }),
    );
  });

  it('window mode: a stored identical flag is not new and not rewritten; a stale flag is cleared', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-08', 7, (a, d) => spike(a, d + 7));
    const first = detect(job(), docs);
    const { score } = first.updates[0]!.changes[0]!.flag!;
    const stored = docs.map((d, i) =>
      i === 5
        ? {
            ...d,
            anomalies: {
              d7: { volume: { direction: 'high', score, asOf: { $date: '2022-05-14T00:00:00Z' } } },
            },
          }
        : i === 6
          ? {
              ...d,
              anomalies: {
                d3: { volume: { direction: 'low', score: 1, asOf: { $date: '2022-05-14T00:00:00Z' } } },
              },
            }
          : d,
    );
    const again = detect(job(), stored);
    expect(again.anomalies.map((a) => a.isNew)).toEqual([false]);
    expect(again.newFlags.get(7)).toBe(0);
    expect(again.updates).toEqual([
      { handle: 6, asOf: at('2022-05-15'), changes: [{ timeframeKey: 'd3', metric: 'volume', flag: null }] },
    ]);
  });

  it('window mode: writes nothing a newer evaluation covers', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-08', 7, (a, d) => spike(a, d + 7));
    const guards = new WindowGuards(
      [{ asset: 'bitcoin', asOf: at('2022-05-19'), paramsHash: 'h', timeframes: [7], metrics: ['volume'] }],
      at('2022-05-15'),
    );
    // The newer 7-day window starts on 05-12, so the spike of 05-13 is its to judge.
    const result = detect(job(), docs, { guards });
    expect(result.updates).toEqual([]);
    expect(result.anomalies.map((a) => a.isNew)).toEqual([false]);
  });

  it('rolling mode: judges and writes only the evaluated range; earlier documents are history', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-01', 14, spike);
    const result = detect(job({ mode: 'rolling', timeframes: [7] }), docs);
    expect(result.updates.every((u) => u.asOf >= at('2022-05-08'))).toBe(true);
    expect(result.anomalies.map((a) => [a.metric, a.time, a.direction])).toContainEqual([
      'volume',
      at('2022-05-13'),
      'high',
    ]);
    expect(result.anomalies.every((a) => a.time >= at('2022-05-08'))).toBe(true);
    expect(result.runs[0]!.documents).toBe(7);
    expect(result.runs[0]!.from).toBe(at('2022-05-08'));
    expect(result.runs[0]!.timeframes.d7!.volume!.fences).toBeNull();
  });

  it('rolling mode: resumes where the last run with the same parameters stopped', () => {
    const docs = dailyDocuments(['bitcoin'], '2022-05-01', 14, spike);
    const judgedThrough = new Map([['bitcoin', at('2022-05-14')]]);
    const result = detect(job({ mode: 'rolling', timeframes: [7] }), docs, { judgedThrough });
    expect(result.runs[0]!.documents).toBe(1);
    expect(result.anomalies).toEqual([]);
    const done = detect(job({ mode: 'rolling', timeframes: [7] }), docs, {
      judgedThrough: new Map([['bitcoin', at('2022-05-15')]]),
    });
    expect([done.assetsEvaluated, done.runs]).toEqual([0, []]);
  });

  it('counts bad values, unusable documents and unwritable flags fields as data-quality issues, never as anomalies', () => {
    const docs = [
      ...dailyDocuments(['bitcoin'], '2022-05-10', 3),
      Object.freeze({
        coin_id: 'bitcoin',
        timestamp: { $date: '2022-05-13T00:00:00Z' },
        volume: 'n/a',
        latest_price: null,
        anomalies: ['not', 'an', 'object'],
      }),
      Object.freeze({ coin_id: 'bitcoin', volume: 1 }),
    ];
    const result = detect(job(), docs);
    expect(result.dataQualityIssues).toBe(4);
    expect(result.anomalies).toEqual([]);
  });

  it('rejects out-of-range parameters with InvalidOptionsError', () => {
    expect(() => detect(job({ deviationLimit: 0 }), [])).toThrow(InvalidOptionsError);
  });
});
