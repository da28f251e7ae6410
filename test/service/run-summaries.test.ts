import { describe, expect, it } from 'vitest';
import { paramsHash, windowRunSummaries } from '../../lambdas/service/run-summaries.ts';
import type { RunParams } from '../../lambdas/stores/detection-store.ts';

const params: RunParams = Object.freeze({
  mode: 'window',
  timeframes: [3, 7],
  metrics: ['volume'],
  deviationLimit: 1.5,
  minSamples: 1,
});

describe('paramsHash(params)', () => {
  it('is 16 hex digits, stable for equal parameters and different when any parameter differs', () => {
    expect(paramsHash(params)).toMatch(/^[0-9a-f]{16}$/);
    expect(paramsHash({ ...params })).toBe(paramsHash(params));
    for (const change of [
      { mode: 'rolling' as const },
      { timeframes: [3] },
      { metrics: ['market_cap'] },
      { deviationLimit: 3 },
      { minSamples: 2 },
    ]) {
      expect(paramsHash({ ...params, ...change })).not.toBe(paramsHash(params));
    }
  });
});

describe('windowRunSummaries(results, params, asOf, messageId)', () => {
  it('groups per asset: documents of the longest window, fences, n and high/low counts per timeframe and metric', () => {
    const fences = { q1: 1, q3: 2, iqr: 1, lower: -0.5, upper: 3.5 };
    const flag = (direction: 'high' | 'low') => ({ index: 0, time: 0, value: 9, direction, score: 1 });
    const results = [
      { asset: 'a', metric: 'volume', timeframe: 3, n: 3, fences, start: 4, end: 7, flags: [flag('high')] },
      {
        asset: 'a',
        metric: 'volume',
        timeframe: 7,
        n: 6,
        fences,
        start: 0,
        end: 7,
        flags: [flag('low'), flag('high')],
      },
      { asset: 'b', metric: 'volume', timeframe: 3, n: 0, fences: null, start: 0, end: 0, flags: [] },
      { asset: 'b', metric: 'volume', timeframe: 7, n: 0, fences: null, start: 0, end: 0, flags: [] },
    ];
    const [a, b] = windowRunSummaries(results, params, 42, 'm-1');
    expect(a).toEqual({
      asset: 'a',
      asOf: 42,
      paramsHash: paramsHash(params),
      params,
      documents: 7,
      timeframes: {
        d3: { volume: { n: 3, fences, high: 1, low: 0 } },
        d7: { volume: { n: 6, fences, high: 1, low: 1 } },
      },
      messageId: 'm-1',
    });
    expect(b!.timeframes.d7!.volume).toEqual({ n: 0, fences: null, high: 0, low: 0 });
  });
});
