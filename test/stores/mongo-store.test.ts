import { randomBytes } from 'node:crypto';
import { BSON, type MongoClient } from 'mongodb';
import { afterAll } from 'vitest';
import { createMongoClient, MongoDetectionStore } from '../../lambdas/stores/mongo-store.ts';
import { mongodbUnderTest } from '../support/mongodb-uri.ts';
import { CONTRACT_FIELDS, describeStoreContract } from './store-contract.ts';

// Runs against a real MongoDB only; a mock is never passed off as one.
const { uri, skipReason } = mongodbUnderTest();
let client: MongoClient | undefined;

afterAll(async () => {
  await client?.close();
});

describeStoreContract(
  'MongoDB',
  async (docs) => {
    client ??= createMongoClient(uri!, { serverSelectionTimeoutMS: 5_000 });
    const database = `riskfence_test_${randomBytes(4).toString('hex')}`;
    const options = {
      ...CONTRACT_FIELDS,
      database,
      sourceCollection: 'risk_scores',
      runsCollection: 'anomaly_runs',
    };
    const db = client.db(database);
    await db
      .collection('risk_scores')
      .insertMany(docs.map((d) => BSON.EJSON.deserialize(d, { relaxed: true })));
    const store = new MongoDetectionStore(client, options);
    await store.ensureIndexes();
    await store.ensureIndexes(); // idempotent
    return {
      store,
      runs: () =>
        db
          .collection('anomaly_runs')
          .find({}, { projection: { _id: 0 } })
          .toArray(),
      cleanup: async () => {
        await db.dropDatabase();
      },
    };
  },
  skipReason,
);
