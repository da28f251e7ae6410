import { describe, expect, it } from 'vitest';
import {
  buildBulkOps,
  buildFindQuery,
  buildProjection,
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

describe('buildBulkOps', () => {
  it('$sets each changed timeframe sub-document by _id, asOf as a Date, unless stored as of a later instant', () => {
    const updates = Object.freeze([
      {
        handle: 'bitcoin:2022-05-12',
        set: {
          d3: { asOf: 5, flags: { volume: { direction: 'high' as const, score: 1.5 } } },
          d30: { asOf: 5, flags: {} },
        },
      },
    ]);
    expect(buildBulkOps(updates, 'risk.anomalies')).toEqual([
      {
        updateOne: {
          filter: {
            _id: 'bitcoin:2022-05-12',
            $and: [
              {
                $or: [
                  { 'risk.anomalies.d3.asOf': { $exists: false } },
                  { 'risk.anomalies.d3.asOf': { $lte: new Date(5) } },
                ],
              },
              {
                $or: [
                  { 'risk.anomalies.d30.asOf': { $exists: false } },
                  { 'risk.anomalies.d30.asOf': { $lte: new Date(5) } },
                ],
              },
            ],
          },
          update: {
            $set: {
              'risk.anomalies.d3': {
                asOf: new Date(5),
                flags: { volume: { direction: 'high', score: 1.5 } },
              },
              'risk.anomalies.d30': { asOf: new Date(5), flags: {} },
            },
          },
        },
      },
    ]);
  });
});

describe('buildRunUpserts', () => {
  it('upserts by (asset, asOf as Date, paramsHash)', () => {
    const run = {
      asset: 'bitcoin',
      asOf: 7,
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
        update: { $set: { ...run, asOf: new Date(7) } },
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
