import { updateOne } from 'mingo';
import { describe, expect, it } from 'vitest';
import type { FlagUpdate } from '../../lambdas/stores/detection-store.ts';
import {
  buildFindQuery,
  buildFlagOps,
  buildProjection,
  buildRunQuery,
  buildRunUpserts,
  chunks,
  indexPlans,
} from '../../lambdas/stores/mongo-queries.ts';

const FIELDS = Object.freeze({ assetField: 'coin_id', timeField: 'timestamp', anomaliesField: 'anomalies' });

describe('buildFindQuery', () => {
  it('filters $in on the assets and a half-open time range, projects configured fields, sorts by (asset, time)', () => {
    const query = Object.freeze({
      assets: Object.freeze(['bitcoin', 'ethereum']),
      from: 1000,
      to: 2000,
      metrics: ['volume'],
    });
    expect(buildFindQuery(query, FIELDS)).toEqual({
      filter: {
        coin_id: { $in: ['bitcoin', 'ethereum'] },
        timestamp: { $gte: new Date(1000), $lt: new Date(2000) },
      },
      projection: { coin_id: 1, timestamp: 1, volume: 1, anomalies: 1 },
      sort: { coin_id: 1, timestamp: 1 },
    });
  });

  it('has no asset filter when the query is for every asset', () => {
    const { filter } = buildFindQuery({ assets: null, from: 0, to: 1, metrics: [] }, FIELDS);
    expect(Object.keys(filter)).toEqual(['timestamp']);
  });

  it('passes asset names as values, so an operator-looking name stays a literal', () => {
    const { filter } = buildFindQuery({ assets: ['$where'], from: 0, to: 1, metrics: [] }, FIELDS);
    expect(filter.coin_id).toEqual({ $in: ['$where'] });
  });
});

describe('buildProjection', () => {
  it('drops duplicates and paths whose ancestor is projected (MongoDB path collisions)', () => {
    expect(buildProjection(['a.b', 'a', 'c', 'c', 'cd', 'x.y.z', 'x.y'])).toEqual({
      a: 1,
      c: 1,
      cd: 1,
      'x.y': 1,
    });
  });
});

describe('buildFlagOps: query semantics, evaluated by mingo', () => {
  const later = new Date(Date.UTC(2022, 4, 20));
  const stored = (direction: string, asOf: Date) => ({ direction, score: 1, asOf });
  const apply = (
    doc: Record<string, unknown>,
    changes: FlagUpdate['changes'],
    asOf = Date.UTC(2022, 4, 15),
  ) => {
    const docs = [structuredClone({ _id: 'x', ...doc })];
    const [op] = buildFlagOps([Object.freeze({ handle: 'x', asOf, changes })], 'anomalies') as {
      updateOne: { filter: Record<string, unknown>; update: Record<string, unknown>[] };
    }[];
    const result = updateOne(docs, op!.updateOne.filter, op!.updateOne.update as never);
    return {
      matched: result.matchedCount,
      modified: result.modifiedCount,
      doc: docs[0] as Record<string, unknown>,
    };
  };
  const high = { direction: 'high' as const, score: 2, since: Date.UTC(2022, 4, 15) };
  const stored15 = {
    direction: 'high',
    score: 2,
    since: new Date(Date.UTC(2022, 4, 15)),
    asOf: new Date(Date.UTC(2022, 4, 15)),
  };
  const setD7 = [{ timeframeKey: 'd7', metric: 'volume', flag: high }];

  it.each([
    ['anomalies absent', {}, 1],
    ['anomalies an empty object', { anomalies: {} }, 1],
    ['anomalies null', { anomalies: null }, 0],
    ['anomalies a string', { anomalies: 'checked' }, 0],
    ['anomalies an array of documents', { anomalies: [{ d7: {} }] }, 0],
    ['anomalies.d7 a number', { anomalies: { d7: 5 } }, 0],
    ['anomalies.d7 an array', { anomalies: { d7: [] } }, 0],
  ])('matches the document only when the flags path can hold entries: %s', (_, doc, matched) => {
    const result = apply(doc, setD7);
    expect(result.matched).toBe(matched);
    if (matched === 0) expect(result.doc).toEqual({ _id: 'x', ...doc });
    else
      expect(result.doc.anomalies).toEqual({
        d7: { volume: stored15 },
      });
  });

  it('applies each entry on its own guard: a timeframe stored as of a later instant keeps its entry', () => {
    const doc = {
      anomalies: { d7: { volume: stored('low', later) }, d3: { volume: stored('low', new Date(0)) } },
    };
    const result = apply(doc, [
      { timeframeKey: 'd7', metric: 'volume', flag: high },
      { timeframeKey: 'd3', metric: 'volume', flag: high },
    ]);
    expect(result.modified).toBe(1);
    expect(result.doc.anomalies).toEqual({
      d7: { volume: stored('low', later) },
      d3: { volume: stored15 },
    });
  });

  it('clears an entry (older or equal asOf) and never touches other metrics or timeframes', () => {
    const doc = {
      anomalies: { d7: { volume: stored('low', new Date(0)), latest_price: stored('high', later) }, d30: {} },
    };
    const result = apply(doc, [{ timeframeKey: 'd7', metric: 'volume', flag: null }]);
    expect(result.doc.anomalies).toEqual({ d7: { latest_price: stored('high', later) }, d30: {} });
  });

  it('an entry without a readable asOf counts as older than any evaluation', () => {
    const result = apply({ anomalies: { d7: { volume: { direction: 'low', asOf: 'garbage' } } } }, setD7);
    expect((result.doc.anomalies as { d7: { volume: unknown } }).d7.volume).toEqual(stored15);
  });
});

describe('buildRunQuery', () => {
  it('filters by assets, mode, exclusive asOf bounds and parameters, projecting what a RunMark needs', () => {
    expect(
      buildRunQuery({ assets: ['bitcoin'], mode: 'window', asOfAfter: 5, asOfBefore: 9, paramsHash: 'h' }),
    ).toEqual({
      filter: {
        asset: { $in: ['bitcoin'] },
        'params.mode': 'window',
        asOf: { $gt: new Date(5), $lt: new Date(9) },
        paramsHash: 'h',
      },
      projection: { _id: 0, asset: 1, asOf: 1, paramsHash: 1, 'params.timeframes': 1, 'params.metrics': 1 },
      sort: { asset: 1, asOf: 1 },
    });
    expect(
      buildRunQuery({ assets: null, mode: 'rolling', asOfAfter: Number.NEGATIVE_INFINITY }).filter,
    ).toEqual({
      'params.mode': 'rolling',
    });
  });
});

describe('buildRunUpserts', () => {
  it('upserts by (asset, asOf as Date, paramsHash), with the evaluated range start as a Date', () => {
    const run = {
      asset: 'bitcoin',
      asOf: 7,
      from: 3,
      paramsHash: 'h',
      params: {
        mode: 'window' as const,
        timeframes: [7],
        metrics: ['volume'],
        deviationLimit: 1.5,
        minSamples: 1,
      },
      documents: 1,
      timeframes: {},
      messageId: 'm',
    };
    const [op] = buildRunUpserts([run]);
    expect(op).toEqual({
      updateOne: {
        filter: { asset: 'bitcoin', asOf: new Date(7), paramsHash: 'h' },
        update: { $set: { ...run, asOf: new Date(7), from: new Date(3) } },
        upsert: true,
      },
    });
  });
});

describe('indexPlans and chunks', () => {
  it('plans the (asset, time) index and the unique run key', () => {
    expect(indexPlans(FIELDS)).toEqual([
      { collection: 'source', key: { coin_id: 1, timestamp: 1 }, unique: false },
      { collection: 'runs', key: { asset: 1, asOf: 1, paramsHash: 1 }, unique: true },
    ]);
  });

  it('chunks(items, size) splits into runs of at most size', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 500)).toEqual([]);
  });
});
