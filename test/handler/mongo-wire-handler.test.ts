import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { MongoClient, MongoClientOptions } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSqsHandler, type RecordReport } from '../../lambdas/handler/create-sqs-handler.ts';
import { MemoryDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import { localContext } from '../../lambdas/handler/local-invocation.ts';
import type { DetectionStore } from '../../lambdas/stores/detection-store.ts';
import { createReconnectingStore } from '../../lambdas/stores/reconnecting-store.ts';
import { dailyDocuments } from '../stores/store-fixtures.ts';
import { errorReply, ServerErrors, writeReply } from '../support/mongo-wire/replies.ts';
import { ScriptedResponder, type Step } from '../support/mongo-wire/scripted-responder.ts';
import {
  allUpdatedIds,
  asBson,
  readsAsset,
  serveDocuments,
  touches,
  updatedIds,
  upsertsAsset,
  wireStore,
} from '../support/mongo-wire/wire-fixtures.ts';
import { CONFIG, eventOf, request } from './handler-fixtures.ts';

// The real handler and the real MongoDetectionStore, through the real driver, against a scripted
// wire-protocol responder: for each fault, the record's fate (processed, retried through
// batchItemFailures, or dead-lettered with which errorCode) and what the other record still wrote.

const responder = ScriptedResponder.forSuite((r) => serveDocuments(r, DOCUMENTS));
const clients: MongoClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/**
 * 14 days of bitcoin and ethereum from 2022-05-01; bitcoin's volume is 0 on 2022-05-11 and 1e6 on
 * 2022-05-13, so its 7-day window as of 2022-05-15 flags those two documents (low, high).
 */
const DOCUMENTS = asBson(
  dailyDocuments(['bitcoin', 'ethereum'], '2022-05-01', 14, (asset, day) =>
    asset === 'bitcoin' && day === 10 ? 0 : asset === 'bitcoin' && day === 12 ? 1e6 : 100 + (day % 5),
  ),
);
const FLAGGED = ['bitcoin:2022-05-11', 'bitcoin:2022-05-13'];

const SOURCE_UPDATE = { command: 'update', collection: 'risk_scores' } as const;
const RUNS_UPDATE = { command: 'update', collection: 'anomaly_runs' } as const;

/** Bitcoin's record and ethereum's record, in one batch. */
const EVENT = eventOf(['r-btc', request(['bitcoin'])], ['r-eth', request(['ethereum'])]);

function mongoStore(options: MongoClientOptions = {}, userInfo?: string): DetectionStore {
  const { client, store } = wireStore(responder, options, {}, userInfo);
  clients.push(client);
  return store;
}

async function run(store: DetectionStore | (() => Promise<DetectionStore>)) {
  const deadLetters = new MemoryDeadLetterSink();
  const reports: RecordReport[] = [];
  const handler = createSqsHandler({
    config: CONFIG,
    store,
    deadLetters,
    onRecord: (report) => reports.push(report),
  });
  let thrown: unknown;
  const response = await handler(EVENT, localContext()).catch((e: unknown) => {
    thrown = e;
    return { batchItemFailures: [] };
  });
  const retried = response.batchItemFailures.map((f) => f.itemIdentifier);
  const status = Object.fromEntries(reports.map((r) => [r.messageId, r.status]));
  return { retried, status, deadLetters: deadLetters.entries, reports, thrown };
}

/** Ethereum's record went through: read, its run summary upserted. */
function expectEthereumProcessed(outcome: Awaited<ReturnType<typeof run>>): void {
  expect(outcome.status['r-eth']).toBe('processed');
  expect(responder.commands('update', 'anomaly_runs').some(upsertsAsset('ethereum'))).toBe(true);
}

describe('the handler through the real driver', () => {
  it('with no fault, both records are processed and bitcoin flags the two documents', async () => {
    const outcome = await run(mongoStore());
    expect(outcome.retried).toEqual([]);
    expect(outcome.deadLetters).toEqual([]);
    expect(outcome.status).toEqual({ 'r-btc': 'processed', 'r-eth': 'processed' });
    expect(allUpdatedIds(responder, 'risk_scores')).toEqual(FLAGGED);
    expect(responder.commands('update', 'anomaly_runs').some(upsertsAsset('bitcoin'))).toBe(true);
    expectEthereumProcessed(outcome);
  });

  it.each<[string, Step, MongoClientOptions?]>([
    ['the connection dropped on the write (failover)', { drop: true }],
    [
      'NotWritablePrimary (10107)',
      { reply: errorReply({ ...ServerErrors.NotWritablePrimary, errorLabels: ['RetryableWriteError'] }) },
    ],
    ['an overload rejection', { reply: errorReply(ServerErrors.Overloaded, { baseBackoffMS: 1 }) }],
  ])('%s, once, is retried by the driver: the record is processed', async (_name, step) => {
    responder.script({ ...SOURCE_UPDATE, where: touches('bitcoin') }, step);
    const outcome = await run(mongoStore());
    expect(outcome.retried).toEqual([]);
    expect(outcome.status).toEqual({ 'r-btc': 'processed', 'r-eth': 'processed' });
    expect(allUpdatedIds(responder, 'risk_scores')).toEqual([...FLAGGED, ...FLAGGED]);
  });

  it.each<[string, Step, number, MongoClientOptions?]>([
    ['a failover (connection dropped on the write and on its retry)', { drop: true }, 2],
    [
      'NotWritablePrimary (10107) on both attempts',
      { reply: errorReply({ ...ServerErrors.NotWritablePrimary, errorLabels: ['RetryableWriteError'] }) },
      2,
    ],
    [
      'InterruptedAtShutdown (11600) on both attempts',
      { reply: errorReply({ ...ServerErrors.InterruptedAtShutdown, errorLabels: ['RetryableWriteError'] }) },
      2,
    ],
    ['a network timeout on both attempts', { delayMs: 500 }, 2, { socketTimeoutMS: 250 }],
    [
      'a write-concern timeout (64)',
      {
        reply: (command) =>
          writeReply(updatedIds(command).length, {
            writeConcernError: ServerErrors.WriteConcernTimeout,
          }),
      },
      1,
    ],
    [
      'overload rejections past the driver retries',
      { reply: errorReply(ServerErrors.Overloaded, { baseBackoffMS: 1 }) },
      3,
    ],
  ])(
    '%s: the record is retried through batchItemFailures; the other is processed',
    async (_name, step, times, options) => {
      responder.script({ ...SOURCE_UPDATE, where: touches('bitcoin') }, step, times);
      const outcome = await run(mongoStore(options));
      expect(outcome.retried).toEqual(['r-btc']);
      expect(outcome.deadLetters).toEqual([]);
      expect(outcome.status['r-btc']).toBe('failed');
      expect(outcome.reports.find((r) => r.messageId === 'r-btc')).toMatchObject({
        failure: { kind: 'transient', code: 'STORE_UNAVAILABLE' },
      });
      // Bitcoin's run summary is written only after its flags: the retry will write both.
      expect(responder.commands('update', 'anomaly_runs').some(upsertsAsset('bitcoin'))).toBe(false);
      expectEthereumProcessed(outcome);
    },
  );

  it('a cleared pool fails the record waiting for the connection transiently, never to the dead-letter queue', async () => {
    // One connection: bitcoin's write holds it and drops (on the retry too), clearing the pool under
    // ethereum's waiting run upsert, whose retry meets the second clearing.
    responder.script({ ...SOURCE_UPDATE, where: touches('bitcoin') }, { drop: true, delayMs: 100 }, 2);
    const outcome = await run(mongoStore({ maxPoolSize: 1 }));
    expect(outcome.deadLetters).toEqual([]);
    expect(outcome.reports.find((r) => r.messageId === 'r-eth')).toMatchObject({
      status: 'failed',
      failure: {
        kind: 'transient',
        code: 'STORE_UNAVAILABLE',
        message: expect.stringMatching(/MongoPoolClearedError/),
      },
    });
    // Every record failed transiently: Powertools fails the batch as a whole, so Lambda backs off.
    expect(outcome.thrown).toBeInstanceOf(FullBatchFailureError);
  });

  it('a duplicate key (E11000) on the run-summary upsert retries the record after its flags were written', async () => {
    responder.script(
      { ...RUNS_UPDATE, where: upsertsAsset('bitcoin') },
      {
        reply: (command) =>
          writeReply(updatedIds(command).length, {
            failed: new Map([
              [
                0,
                {
                  code: 11000,
                  codeName: 'DuplicateKey',
                  errmsg:
                    'E11000 duplicate key error collection: riskfence.anomaly_runs index: asset_1_asOf_1_paramsHash_1',
                },
              ],
            ]),
          }),
      },
    );
    const outcome = await run(mongoStore());
    expect(outcome.retried).toEqual(['r-btc']);
    expect(allUpdatedIds(responder, 'risk_scores')).toEqual(FLAGGED);
    expectEthereumProcessed(outcome);
  });

  it('PathNotViable (28) on one document: that document is counted as rejected, the rest of the record is written', async () => {
    responder.script(
      { ...SOURCE_UPDATE, where: touches('bitcoin') },
      {
        reply: (command) =>
          writeReply(updatedIds(command).length, {
            failed: new Map([
              [
                0,
                {
                  code: 28,
                  codeName: 'PathNotViable',
                  errmsg: "Cannot create field 'd7' in element {anomalies: null}",
                },
              ],
            ]),
          }),
      },
    );
    const outcome = await run(mongoStore());
    expect(outcome.retried).toEqual([]);
    expect(outcome.deadLetters).toEqual([]);
    const btc = outcome.reports.find((r) => r.messageId === 'r-btc');
    expect(btc?.status).toBe('processed');
    const job = btc?.status === 'processed' ? btc.outcome.jobs[0] : undefined;
    expect(job).toMatchObject({ flagsWritten: 1, flagsRejected: 1 });
    expect(responder.commands('update', 'anomaly_runs').some(upsertsAsset('bitcoin'))).toBe(true);
    expectEthereumProcessed(outcome);
  });

  it('a read sorted in memory (292) dead-letters that record as STORE_REJECTED naming the missing index', async () => {
    responder.reset();
    responder.script(
      { command: 'find', collection: 'risk_scores', where: readsAsset('bitcoin') },
      { reply: errorReply(ServerErrors.QueryExceededMemoryLimitNoDiskUseAllowed) },
    );
    serveDocuments(responder, DOCUMENTS);
    const outcome = await run(mongoStore());
    expect(outcome.retried).toEqual([]);
    expect(outcome.deadLetters.map((d) => [d.messageId, d.errorCode])).toEqual([['r-btc', 'STORE_REJECTED']]);
    expect(outcome.deadLetters[0]!.errorMessage).toMatch(/MONGO_292.*riskfence mongo-init/);
    expect(outcome.deadLetters[0]!.body).toBe(EVENT.Records[0]!.body);
    expectEthereumProcessed(outcome);
  });

  it('refused credentials (18) without a reconnect fail every record transiently: the batch fails as a whole', async () => {
    const outcome = await run(mongoStore({}, 'riskfence:rotated-away'));
    expect(outcome.thrown).toBeInstanceOf(FullBatchFailureError);
    expect(outcome.deadLetters).toEqual([]);
    expect(outcome.status).toEqual({ 'r-btc': 'failed', 'r-eth': 'failed' });
    expect(responder.commands('update')).toEqual([]);
  });

  it('refused credentials (18) with the reconnecting store: the secret is re-read once and both records are processed', async () => {
    const reads: boolean[] = [];
    const outcome = await run(() =>
      createReconnectingStore(async (fresh) => {
        reads.push(fresh);
        const { client, store } = wireStore(
          responder,
          {},
          {},
          fresh ? undefined : 'riskfence:before-rotation',
        );
        clients.push(client);
        return { store, close: () => client.close() };
      }),
    );
    expect(outcome.retried).toEqual([]);
    expect(outcome.status).toEqual({ 'r-btc': 'processed', 'r-eth': 'processed' });
    expect(reads).toEqual([false, true]);
    expect(allUpdatedIds(responder, 'risk_scores')).toEqual(FLAGGED);
  });

  it('the Lambda entry module wires the MongoDB store (behind the reconnecting store) from its environment', async () => {
    vi.stubEnv(
      'MONGODB_URI',
      `mongodb://${responder.address}/?directConnection=true&serverSelectionTimeoutMS=800`,
    );
    vi.stubEnv('DLQ_URL', 'https://sqs.eu-west-1.amazonaws.com/123456789012/riskfence-dlq');
    vi.stubEnv('METRICS', 'volume,latest_price');
    vi.stubEnv('TIMEFRAMES', '3,7');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    try {
      // The entry's client lives as long as the test worker, as it does in an execution environment.
      const { handler } = await import('../../lambdas/handler/sqs-handler.ts');
      const response = await handler(EVENT, localContext());
      expect(response.batchItemFailures).toEqual([]);
      expect(allUpdatedIds(responder, 'risk_scores')).toEqual(FLAGGED);
      expect(responder.commands('update', 'anomaly_runs').some(upsertsAsset('ethereum'))).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
