import { randomBytes } from 'node:crypto';
import { BSON, type Db, type MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsHandler, type RecordReport } from '../../lambdas/handler/create-sqs-handler.ts';
import { MemoryDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import { localContext } from '../../lambdas/handler/local-invocation.ts';
import { createMongoClient, MongoDetectionStore } from '../../lambdas/stores/mongo-store.ts';
import { CONTRACT_CONFIG, CONTRACT_FIELDS } from '../stores/store-contract.ts';
import { at, dailyDocuments } from '../stores/store-fixtures.ts';
import { announceSkip } from '../support/announce-skip.ts';
import { mingoClient } from '../support/mingo-client.ts';
import { mongodbUnderTest } from '../support/mongodb-uri.ts';
import { eventOf } from './handler-fixtures.ts';

/**
 * The Lambda handler end to end through the real MongoDB adapter: always on the mingo
 * query-semantics harness, and against a real MongoDB server when `MONGODB_URI` is set (the CI
 * workflow .github/workflows/mongodb.yml starts a mongo:8 container for it).
 */
function describeHandlerOnMongo(name: string, connect: () => MongoClient, skipReason?: string): void {
  announceSkip(`the handler on ${name}`, skipReason);
  const suite = skipReason === undefined ? describe : describe.skip;
  suite(`the handler on ${name}${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`, () => {
    let client: MongoClient;
    let db: Db;
    let store: MongoDetectionStore;
    const options = { ...CONTRACT_FIELDS, sourceCollection: 'risk_scores', runsCollection: 'anomaly_runs' };

    beforeAll(async () => {
      client = connect();
      const database = `riskfence_e2e_${randomBytes(4).toString('hex')}`;
      db = client.db(database);
      const docs = dailyDocuments(['bitcoin', 'ethereum', 'solana'], '2022-05-01', 20, (a, d) =>
        a === 'bitcoin' && d === 12 ? 1e6 : 100 + (d % 5),
      );
      const rows = docs.map((d) => BSON.EJSON.deserialize(d, { relaxed: true }));
      // Solana's flags field holds a string (an old import): it must be skipped, never rewritten.
      rows
        .filter((r) => r.coin_id === 'solana')
        .forEach((r) => {
          r.anomalies = 'legacy';
        });
      await db.collection('risk_scores').insertMany(rows);
      store = new MongoDetectionStore(client, { ...options, database });
    });

    afterAll(async () => {
      await db?.dropDatabase();
      await client?.close();
    });

    it('reports the missing indexes until they are created', async () => {
      expect(await store.missingIndexes()).toHaveLength(2);
      await store.ensureIndexes();
      await store.ensureIndexes();
      expect(await store.missingIndexes()).toEqual([]);
    });

    it('fans out, detects, writes only flagged documents, dead-letters the poison, and a rerun writes nothing', async () => {
      const sent: string[] = [];
      const reports: RecordReport[] = [];
      const deadLetters = new MemoryDeadLetterSink();
      const handler = createSqsHandler({
        config: { ...CONTRACT_CONFIG, fanOutChunkSize: 2 },
        store,
        deadLetters,
        requests: { send: async (bodies) => void sent.push(...bodies) },
        onRecord: (r) => reports.push(r),
      });
      const all = JSON.stringify({ version: 1, asOf: '2022-05-15T00:00:00Z' });
      expect(await handler(eventOf(['all', all], ['poison', '{"version": 1']), localContext())).toEqual({
        batchItemFailures: [],
      });
      expect(deadLetters.entries.map((e) => e.errorCode)).toEqual(['INVALID_JSON']);
      expect(sent.map((b) => JSON.parse(b).assets)).toEqual([['bitcoin', 'ethereum'], ['solana']]);

      const chunks = eventOf(...sent.map((b, i): [string, string] => [`chunk-${i}`, b]));
      await handler(chunks, localContext());
      const flagged = await db
        .collection('risk_scores')
        .find({ 'anomalies.d7.volume.direction': 'high' }, { projection: { _id: 1 } })
        .toArray();
      expect(flagged.map((d) => d._id)).toEqual(['bitcoin:2022-05-13']);
      const stored = await db.collection('risk_scores').findOne({ _id: 'bitcoin:2022-05-13' } as never);
      expect(stored?.anomalies.d7.volume.asOf).toEqual(new Date(at('2022-05-15')));
      expect(
        await db.collection('risk_scores').countDocuments({ coin_id: 'solana', anomalies: 'legacy' }),
      ).toBe(20);

      // Records run in parallel: read the counts by message id, not in completion order.
      const written = () =>
        Object.fromEntries(
          reports
            .filter((r) => r.messageId.startsWith('chunk-'))
            .map((r) => [r.messageId, r.status === 'processed' ? r.outcome.jobs[0]!.flagsWritten : -1]),
        );
      expect(written()).toEqual({ 'chunk-0': 1, 'chunk-1': 0 });
      reports.length = 0;
      await handler(chunks, localContext());
      expect(written()).toEqual({ 'chunk-0': 0, 'chunk-1': 0 });
      expect(await db.collection('anomaly_runs').countDocuments()).toBe(3);
    });

    it('says why a read of existing assets found nothing when the time field holds strings', async () => {
      await db
        .collection('risk_scores')
        .insertOne({ coin_id: 'csv-import', timestamp: '2022-05-10T00:00:00Z', volume: 1 });
      const warning = await store.explainEmptyRead({
        assets: ['csv-import'],
        from: at('2022-05-01'),
        to: at('2022-05-20'),
        metrics: ['volume'],
      });
      expect(warning).toMatch(/holds string values .* not dates/);
    });
  });
}

describeHandlerOnMongo('the mingo query-semantics harness', mingoClient);
const { uri, skipReason } = mongodbUnderTest();
describeHandlerOnMongo(
  'a real MongoDB',
  () => createMongoClient(uri!, { serverSelectionTimeoutMS: 5_000 }),
  skipReason,
);
