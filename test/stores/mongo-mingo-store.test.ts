import { BSON } from 'mongodb';
import { MongoDetectionStore } from '../../lambdas/stores/mongo-store.ts';
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
