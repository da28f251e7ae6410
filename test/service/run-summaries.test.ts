import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../lambdas/core/detector-options.ts';
import { judgedThrough, WindowGuards } from '../../lambdas/service/run-guards.ts';
import { paramsHash, RunSummaryCollector } from '../../lambdas/service/run-summaries.ts';

const params = Object.freeze({
  mode: 'window' as const,
  timeframes: [3, 7],
  metrics: ['volume'],
  deviationLimit: 1.5,
  minSamples: 1,
});

describe('paramsHash(params)', () => {
  it('is 16 hex digits, stable, and differs when any parameter differs', () => {
    expect(paramsHash(params)).toMatch(/^[0-9a-f]{16}$/);
    expect(paramsHash({ ...params })).toBe(paramsHash(params));
    expect(paramsHash({ ...params, deviationLimit: 3 })).not.toBe(paramsHash(params));
    expect(paramsHash({ ...params, mode: 'rolling' })).not.toBe(paramsHash(params));
  });
});

describe('RunSummaryCollector', () => {
  it('groups per asset: evaluated range, documents, and per timeframe and metric the counts and fences', () => {
    const runs = new RunSummaryCollector(params, 100, 'm-1');
    const fences = { q1: 1, q3: 2, iqr: 1, lower: -0.5, upper: 3.5 };
    runs.add('b', 10, 5, 3, 'volume', { n: 3, fences, high: 1, low: 0, newFlags: 1 });
    runs.add('b', 10, 5, 7, 'volume', { n: 5, fences: null, high: 0, low: 0, newFlags: 0 });
    runs.add('a', 20, 2, 7, 'volume', { n: 2, fences, high: 0, low: 2, newFlags: 2 });
    expect(runs.summaries()).toEqual([
      {
        asset: 'b',
        asOf: 100,
        from: 10,
        paramsHash: paramsHash(params),
        params,
        documents: 5,
        timeframes: {
          d3: { volume: { n: 3, fences, high: 1, low: 0, newFlags: 1 } },
          d7: { volume: { n: 5, fences: null, high: 0, low: 0, newFlags: 0 } },
        },
        messageId: 'm-1',
      },
      expect.objectContaining({ asset: 'a', from: 20, documents: 2 }),
    ]);
  });
});

describe('WindowGuards(marks, asOf)', () => {
  const asOf = 100 * DAY_MS;
  const mark = (days: number, timeframes = [7], metrics = ['volume']) =>
    Object.freeze({ asset: 'b', asOf: asOf + days * DAY_MS, paramsHash: 'h', timeframes, metrics });

  it('a newer evaluation owns its window: this job writes only before its earliest start', () => {
    const guards = new WindowGuards([mark(2), mark(5)], asOf);
    expect(guards.writableBefore('b', 7, 'volume')).toBe(asOf + 2 * DAY_MS - 7 * DAY_MS);
  });

  it('ignores evaluations as of the same or an earlier instant, other timeframes, metrics and assets', () => {
    const guards = new WindowGuards([mark(0), mark(-3), mark(1, [3]), mark(1, [7], ['price'])], asOf);
    expect(guards.writableBefore('b', 7, 'volume')).toBe(Number.POSITIVE_INFINITY);
    expect(guards.writableBefore('other', 3, 'volume')).toBe(Number.POSITIVE_INFINITY);
    expect(guards.writableBefore('b', 3, 'volume')).toBe(asOf - 2 * DAY_MS);
  });
});

describe('judgedThrough(marks)', () => {
  it('is the latest run asOf per asset', () => {
    const marks = [
      { asset: 'a', asOf: 5, paramsHash: 'h', timeframes: [7], metrics: ['v'] },
      { asset: 'a', asOf: 9, paramsHash: 'h', timeframes: [7], metrics: ['v'] },
      { asset: 'b', asOf: 2, paramsHash: 'h', timeframes: [7], metrics: ['v'] },
    ];
    expect([...judgedThrough(marks)]).toEqual([
      ['a', 9],
      ['b', 2],
    ]);
  });
});
