import { describe, expect, it } from 'vitest';
import type { AssetSeries } from '../../lambdas/core/series.ts';
import { FlagWritePlan } from '../../lambdas/service/flag-writes.ts';
import { StoredFlagsReader, UNWRITABLE } from '../../lambdas/service/stored-flags.ts';

const reader = new StoredFlagsReader('anomalies', ['d3', 'd7'], ['volume', 'risk.score']);
const entry = (direction: string, score: unknown, asOf = '2022-05-14T00:00:00Z') => ({
  direction,
  score,
  asOf: { $date: asOf },
});

describe('StoredFlagsReader', () => {
  it.each([
    ['absent', {}, undefined],
    ['an object', { anomalies: { d7: {} } }, { d7: {} }],
    ['null', { anomalies: null }, UNWRITABLE],
    ['a string', { anomalies: 'x' }, UNWRITABLE],
    ['an array', { anomalies: [] }, UNWRITABLE],
    ['a timeframe that is a number', { anomalies: { d3: 5 } }, UNWRITABLE],
  ])('root(doc) when the flags field is %s', (_, doc, expected) => {
    expect(reader.root(Object.freeze(doc))).toEqual(expected);
  });

  it('entry(root, dT, metric) reads direction, score (Extended JSON too) and asOf; anything else is absent', () => {
    const root = {
      d7: { volume: entry('high', { $numberDouble: '2.5' }), risk: { score: entry('low', null) } },
      d3: { volume: entry('sideways', 1) },
    };
    expect(reader.entry(root, 'd7', 0)).toEqual({
      direction: 'high',
      score: 2.5,
      asOf: Date.parse('2022-05-14'),
      since: Date.parse('2022-05-14'),
    });
    expect(reader.entry(root, 'd7', 1)).toEqual({
      direction: 'low',
      score: null,
      asOf: Date.parse('2022-05-14'),
      since: Date.parse('2022-05-14'),
    });
    expect(reader.entry(root, 'd3', 0)).toBeUndefined();
    expect(reader.entry(root, 'd3', 1)).toBeUndefined();
  });
});

describe('FlagWritePlan', () => {
  const docs = Object.freeze([
    {},
    { anomalies: { d7: { volume: entry('high', 2) } } },
    { anomalies: { d7: { volume: entry('low', 1) } } },
    { anomalies: 'legacy' },
    { anomalies: { d7: { volume: entry('high', 3) } } },
  ]);
  const series: AssetSeries = {
    asset: 'a',
    times: Float64Array.of(1, 2, 3, 4, 5),
    refs: Float64Array.of(0, 1, 2, 3, 4),
    values: [new Float64Array(5)],
  };
  const plan = () => new FlagWritePlan({ documents: docs, handles: ['h0', 'h1', 'h2', 'h3', 'h4'] }, reader);

  it('writes new, changed and cleared entries only; an equal stored flag is neither new nor written', () => {
    const p = plan();
    const result = p.compare(
      series,
      'd7',
      0,
      'volume',
      0,
      5,
      [
        { index: 0, direction: 'high', score: 1 },
        { index: 1, direction: 'high', score: 2 },
        { index: 2, direction: 'high', score: 1 },
        { index: 3, direction: 'high', score: 1 },
      ],
      () => 9,
    );
    expect(result).toEqual({ newFlags: 2, isNew: [true, false, true, false] });
    expect(p.updates()).toEqual([
      {
        handle: 'h0',
        asOf: 9,
        changes: [{ timeframeKey: 'd7', metric: 'volume', flag: { direction: 'high', score: 1, since: 9 } }],
      },
      {
        handle: 'h2',
        asOf: 9,
        changes: [{ timeframeKey: 'd7', metric: 'volume', flag: { direction: 'high', score: 1, since: 9 } }],
      },
      { handle: 'h4', asOf: 9, changes: [{ timeframeKey: 'd7', metric: 'volume', flag: null }] },
    ]);
    expect(p.unwritable).toBe(1);
  });

  it('a changed score alone is written but is not a new verdict', () => {
    const p = plan();
    expect(
      p.compare(series, 'd7', 0, 'volume', 1, 2, [{ index: 1, direction: 'high', score: 2.5 }], () => 9),
    ).toEqual({
      newFlags: 0,
      isNew: [false],
    });
    expect(p.updates()).toHaveLength(1);
  });

  it('leaves positions outside [start, end) alone, stored flags included', () => {
    const p = plan();
    p.compare(series, 'd7', 0, 'volume', 0, 2, [], () => 9);
    expect(p.updates().map((u) => u.handle)).toEqual(['h1']);
  });

  it('groups the changes of one document across timeframes and metrics into one update', () => {
    const p = plan();
    p.compare(series, 'd7', 0, 'volume', 0, 1, [{ index: 0, direction: 'low', score: null }], () => 9);
    p.compare(series, 'd3', 1, 'risk.score', 0, 1, [{ index: 0, direction: 'high', score: 4 }], () => 9);
    expect(p.updates()).toEqual([
      {
        handle: 'h0',
        asOf: 9,
        changes: [
          { timeframeKey: 'd7', metric: 'volume', flag: { direction: 'low', score: null, since: 9 } },
          { timeframeKey: 'd3', metric: 'risk.score', flag: { direction: 'high', score: 4, since: 9 } },
        ],
      },
    ]);
  });
});
