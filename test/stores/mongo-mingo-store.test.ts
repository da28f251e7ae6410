import { BSON } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MongoDetectionStore } from '../../lambdas/stores/mongo-store.ts';
import { readAll } from '../../lambdas/stores/read-all.ts';
import { mingoClient } from '../support/mingo-client.ts';
import { CONTRACT_FIELDS, describeStoreContract } from './store-contract.ts';

// The real adapter and its real filters, pipelines and upserts, evaluated by mingo's implementation of
// MongoDB's query language: query semantics only, never passed off as a server (see mingo-client.ts).
describeStoreContract('MongoDB adapter on mingo query semantics', async (docs) => {
  const client = mingoClient();
  const options = {
    ...CONTRACT_FIELDS,
    database: 'riskfence',
    sourceCollection: 'risk_scores',
    runsCollection: 'anomaly_runs',
  };
  const db = client.db('riskfence');
  await db
    .collection('risk_scores')
    .insertMany(docs.map((d) => BSON.EJSON.deserialize(d, { relaxed: true })));
  const store = new MongoDetectionStore(client, options);
  await store.ensureIndexes();
  return {
    store,
    runs: () =>
      db
        .collection('anomaly_runs')
        .find({}, { projection: { _id: 0 } })
        .toArray(),
    cleanup: async () => undefined,
  };
});

describe('MongoDetectionStore on mingo query semantics', () => {
  const options = { ...CONTRACT_FIELDS, database: 'd', sourceCollection: 's', runsCollection: 'r' };

  it('missingIndexes() lists the (asset, time) index and the run key until ensureIndexes() creates them', async () => {
    const store = new MongoDetectionStore(mingoClient(), options);
    expect(await store.missingIndexes()).toEqual([
      's {"coin_id":1,"timestamp":1}',
      'r {"asset":1,"asOf":1,"paramsHash":1}',
    ]);
    await store.ensureIndexes();
    expect(await store.missingIndexes()).toEqual([]);
  });

  it.each([
    [
      'an ISO string',
      '2022-05-10T00:00:00Z',
      /holds string values \(e\.g\. "2022-05-10T00:00:00Z"\), not dates/,
    ],
    ['epoch milliseconds', 1652140800000, /holds number values/],
  ])('explainEmptyRead() says so when the time field holds %s', async (_, time, message) => {
    const client = mingoClient();
    await client
      .db('d')
      .collection('s')
      .insertMany([{ coin_id: 'csv', timestamp: time, volume: 1 }]);
    const store = new MongoDetectionStore(client, options);
    const query = {
      assets: ['csv'],
      from: Date.parse('2022-05-01'),
      to: Date.parse('2022-06-01'),
      metrics: [],
    };
    expect((await readAll(store, query)).documents).toEqual([]);
    expect(await store.explainEmptyRead(query)).toMatch(message);
    expect(await store.explainEmptyRead({ ...query, assets: ['unknown'] })).toBeUndefined();
  });

  it('explainEmptyRead() finds nothing wrong with dates outside the range', async () => {
    const client = mingoClient();
    await client
      .db('d')
      .collection('s')
      .insertMany([{ coin_id: 'b', timestamp: new Date('2021-01-01'), volume: 1 }]);
    const store = new MongoDetectionStore(client, options);
    expect(
      await store.explainEmptyRead({
        assets: ['b'],
        from: Date.parse('2022-05-01'),
        to: Date.parse('2022-06-01'),
        metrics: [],
      }),
    ).toBeUndefined();
  });
});
