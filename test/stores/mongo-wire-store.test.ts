import { MongoBulkWriteError, type MongoClient, type MongoServerError } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreAuthenticationError } from '../../lambdas/stores/classify-error.ts';
import type { FlagUpdate, ReadBatch, RunSummary } from '../../lambdas/stores/detection-store.ts';
import type { MongoDetectionStore } from '../../lambdas/stores/mongo-store.ts';
import { createReconnectingStore } from '../../lambdas/stores/reconnecting-store.ts';
import { PermanentStoreError, TransientStoreError } from '../../lambdas/stores/store-errors.ts';
import { cursorReply, errorReply, ServerErrors, writeReply } from '../support/mongo-wire/replies.ts';
import { ScriptedResponder } from '../support/mongo-wire/scripted-responder.ts';
import {
  allUpdatedIds,
  asBson,
  SOURCE_NS,
  updatedIds,
  wireStore,
} from '../support/mongo-wire/wire-fixtures.ts';
import { at, dailyDocuments } from './store-fixtures.ts';

// The real driver and the real MongoDetectionStore against a scripted wire-protocol responder:
// what the driver retries, how its errors are classified, and which documents still get written.
// Query semantics are not tested here (the responder has no query engine).

const responder = ScriptedResponder.forSuite();
let client: MongoClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
});

function open(
  ...args: Parameters<typeof wireStore> extends [unknown, ...infer R] ? R : never
): MongoDetectionStore {
  const opened = wireStore(responder, ...args);
  client = opened.client;
  return opened.store;
}

const AS_OF = at('2022-05-15');
const SOURCE = { command: 'update', collection: 'risk_scores' } as const;
const RUNS = { command: 'update', collection: 'anomaly_runs' } as const;
const FIND = { command: 'find', collection: 'risk_scores' } as const;

/** One high `volume` flag in d7 for each of these document ids. */
const flagsFor = (...ids: string[]): FlagUpdate[] =>
  ids.map((handle) =>
    Object.freeze({
      handle,
      asOf: AS_OF,
      changes: Object.freeze([
        { timeframeKey: 'd7', metric: 'volume', flag: { direction: 'high', score: 2.5 } },
      ]),
    }),
  ) as FlagUpdate[];

const IDS = Object.freeze(['bitcoin:2022-05-10', 'bitcoin:2022-05-11', 'bitcoin:2022-05-12']);

const RUN: RunSummary = Object.freeze({
  asset: 'bitcoin',
  asOf: AS_OF,
  from: AS_OF - 7 * 86_400_000,
  paramsHash: '0f3a',
  params: { mode: 'window', timeframes: [7], metrics: ['volume'], deviationLimit: 1.5, minSamples: 1 },
  documents: 7,
  timeframes: { d7: { volume: { n: 7, fences: null, high: 1, low: 0, newFlags: 1 } } },
  messageId: 'm-1',
}) as RunSummary;

async function readAll(store: MongoDetectionStore): Promise<ReadBatch[]> {
  const batches: ReadBatch[] = [];
  for await (const batch of store.read({ assets: ['bitcoin'], from: 0, to: AS_OF, metrics: ['volume'] })) {
    batches.push(batch);
  }
  return batches;
}

async function failure(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the operation to fail');
  return outcome;
}

describe('MongoDetectionStore on the wire: reads', () => {
  it('streams a cursor across getMore, with the filter, sort and time limit the driver sent', async () => {
    const docs = asBson(dailyDocuments(['bitcoin'], '2022-05-01', 4));
    responder.script(FIND, { reply: cursorReply(SOURCE_NS, docs.slice(0, 3), { id: 42 }) });
    responder.script(
      { command: 'getMore' },
      { reply: cursorReply(SOURCE_NS, docs.slice(3), { batch: 'nextBatch' }) },
    );
    const store = open();
    const read = [];
    for await (const batch of store.read({
      assets: ['bitcoin'],
      from: 0,
      to: AS_OF,
      metrics: ['volume'],
      maxTimeMS: 1_500,
    })) {
      read.push(...batch.handles);
    }
    expect(read).toEqual(docs.map((d) => d._id));
    const [find] = responder.commands('find', 'risk_scores');
    expect(find?.body).toMatchObject({
      filter: { coin_id: { $in: ['bitcoin'] }, timestamp: { $gte: new Date(0), $lt: new Date(AS_OF) } },
      sort: { coin_id: 1, timestamp: 1 },
      maxTimeMS: 1_500,
    });
    expect(responder.commands('getMore')).toHaveLength(1);
    expect(responder.unusedSteps()).toEqual([]);
  });

  it('sends the time limit of the run-summary query and of the asset listing too', async () => {
    const store = open();
    await store.findRuns({ assets: ['bitcoin'], mode: 'window', asOfAfter: 0, maxTimeMS: 2_500 });
    await store.listAssets({ from: 0, to: AS_OF, maxTimeMS: 3_500 });
    await store.findRuns({ assets: null, mode: 'rolling', asOfAfter: 0 });
    const finds = responder.commands('find', 'anomaly_runs');
    expect(finds[0]?.body).toMatchObject({ maxTimeMS: 2_500 });
    expect(finds[1]?.body.maxTimeMS).toBeUndefined();
    expect(responder.commands('distinct', 'risk_scores')[0]?.body).toMatchObject({ maxTimeMS: 3_500 });
  });

  it('a connection dropped once during a read is retried by the driver on a new connection', async () => {
    const docs = asBson(dailyDocuments(['bitcoin'], '2022-05-01', 2));
    responder.script(FIND, { drop: true });
    responder.script(FIND, { reply: cursorReply(SOURCE_NS, docs) });
    const batches = await readAll(open());
    expect(batches.flatMap((b) => b.handles)).toEqual(docs.map((d) => d._id));
    const finds = responder.commands('find', 'risk_scores');
    expect(finds).toHaveLength(2);
    expect(finds[1]!.connection).not.toBe(finds[0]!.connection);
  });

  it('a read failing on both attempts is transient', async () => {
    responder.script(FIND, { drop: true }, 2);
    const error = await failure(readAll(open()));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(responder.commands('find', 'risk_scores')).toHaveLength(2);
  });

  it('a read outliving socketTimeoutMS is a transient network timeout', async () => {
    responder.script(FIND, { delayMs: 400 }, 2);
    const error = await failure(readAll(open({ socketTimeoutMS: 150 })));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(error.message).toMatch(/timed out/);
  });

  it('MaxTimeMSExpired (50) of a read is transient', async () => {
    responder.script(FIND, { reply: errorReply(ServerErrors.MaxTimeMSExpired) }, 2);
    expect(await failure(readAll(open()))).toBeInstanceOf(TransientStoreError);
  });

  it('a read sorted in memory (292) is permanent, not retried, and names the missing index', async () => {
    responder.script(FIND, { reply: errorReply(ServerErrors.QueryExceededMemoryLimitNoDiskUseAllowed) });
    const error = await failure(readAll(open()));
    expect(error).toBeInstanceOf(PermanentStoreError);
    expect((error as PermanentStoreError).reason).toBe('MONGO_292');
    expect(error.message).toMatch(/riskfence mongo-init/);
    expect(responder.commands('find', 'risk_scores')).toHaveLength(1);
  });
});

describe('MongoDetectionStore on the wire: flag writes', () => {
  it('a failover mid-write (connection dropped on the update) is retried by the driver with the same transaction number', async () => {
    responder.script(SOURCE, { drop: true });
    const result = await open().writeFlags(flagsFor(...IDS));
    expect(result).toEqual({ written: 3, rejected: 0 });
    const [first, retry] = responder.commands('update', 'risk_scores');
    expect(retry).toBeDefined();
    expect(retry!.connection).not.toBe(first!.connection);
    expect(retry!.body.txnNumber).toEqual(first!.body.txnNumber);
    expect(updatedIds(retry!)).toEqual(IDS);
  });

  it('a connection the server closed after the read (a stepdown) does not fail the write', async () => {
    responder.script(FIND, { closeAfterReply: true });
    const store = open();
    await readAll(store);
    expect(await store.writeFlags(flagsFor(...IDS))).toEqual({ written: 3, rejected: 0 });
    // Either the driver saw the close first, or it wrote on the closed connection and retried the write.
    const [find] = responder.commands('find', 'risk_scores');
    const updates = responder.commands('update', 'risk_scores');
    expect(updates.at(-1)!.connection).not.toBe(find!.connection);
    expect(new Set(updates.map((u) => String(u.body.txnNumber))).size).toBe(1);
  });

  it('a failover outlasting the driver retry is transient, and wraps the network error', async () => {
    responder.script(SOURCE, { drop: true }, 2);
    const error = await failure(open().writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(error.cause).toBeInstanceOf(MongoBulkWriteError);
    expect(error.message).toMatch(/MongoNetworkError/);
  });

  it('the same on a standalone server, where the driver does not retry writes', async () => {
    const standalone = await ScriptedResponder.start({ role: 'standalone' });
    try {
      standalone.script(SOURCE, { drop: true });
      const opened = wireStore(standalone);
      client = opened.client;
      const error = await failure(opened.store.writeFlags(flagsFor(...IDS)));
      expect(error).toBeInstanceOf(TransientStoreError);
      expect(standalone.commands('update', 'risk_scores')).toHaveLength(1);
    } finally {
      await client?.close();
      client = undefined;
      await standalone.close();
    }
  });

  it('a single NotWritablePrimary (10107) is retried by the driver and the write succeeds', async () => {
    responder.script(SOURCE, {
      reply: errorReply({ ...ServerErrors.NotWritablePrimary, errorLabels: ['RetryableWriteError'] }),
    });
    expect(await open().writeFlags(flagsFor(...IDS))).toEqual({ written: 3, rejected: 0 });
    expect(responder.commands('update', 'risk_scores')).toHaveLength(2);
  });

  it.each([
    ['NotWritablePrimary (10107)', ServerErrors.NotWritablePrimary],
    ['InterruptedAtShutdown (11600)', ServerErrors.InterruptedAtShutdown],
  ])('%s on both attempts is transient', async (_name, serverError) => {
    responder.script(
      SOURCE,
      { reply: errorReply({ ...serverError, errorLabels: ['RetryableWriteError'] }) },
      2,
    );
    const error = await failure(open().writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect((error.cause as MongoServerError).code).toBe(serverError.code);
  });

  it('a cleared pool fails a write waiting for a connection transiently (PoolRequestedRetry)', async () => {
    // One connection, already open: the second write waits for it while the first one's drops and clears the pool.
    responder.script(SOURCE, { drop: true, delayMs: 50 }, 2);
    const store = open({ maxPoolSize: 1 });
    await readAll(store);
    const errors = await Promise.all([
      failure(store.writeFlags(flagsFor(IDS[0]!))),
      failure(store.writeFlags(flagsFor(IDS[1]!))),
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(TransientStoreError);
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/\(MongoNetworkError\)/),
      expect.stringMatching(/\(MongoPoolClearedError\)/),
    ]);
  });

  it('an update outliving socketTimeoutMS is transient', async () => {
    responder.script(SOURCE, { delayMs: 400 }, 2);
    const error = await failure(open({ socketTimeoutMS: 150 }).writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(error.message).toMatch(/timed out/);
  });

  it('a write-concern timeout (64) is transient and not retried by the driver (the writes were applied)', async () => {
    responder.script(SOURCE, {
      reply: (command) =>
        writeReply(updatedIds(command).length, {
          writeConcernError: { ...ServerErrors.WriteConcernTimeout, errInfo: { wtimeout: true } },
        }),
    });
    const error = await failure(open().writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(responder.commands('update', 'risk_scores')).toHaveLength(1);
  });

  it('the overload labels are retried by the driver with backoff, then transient', async () => {
    // baseBackoffMS keeps the driver's jittered backoff to a few milliseconds.
    responder.script(SOURCE, { reply: errorReply(ServerErrors.Overloaded, { baseBackoffMS: 1 }) }, 3);
    const error = await failure(open().writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(responder.commands('update', 'risk_scores')).toHaveLength(3);
  });

  it('one overload rejection is retried by the driver and the write succeeds', async () => {
    responder.script(SOURCE, { reply: errorReply(ServerErrors.Overloaded, { baseBackoffMS: 1 }) });
    expect(await open().writeFlags(flagsFor(...IDS))).toEqual({ written: 3, rejected: 0 });
  });

  it('PathNotViable (28) on one document of a chunk rejects that document only; later chunks are written', async () => {
    const ids = ['bitcoin:2022-05-10', 'bitcoin:2022-05-11', 'bitcoin:2022-05-12', 'bitcoin:2022-05-13'];
    responder.script(SOURCE, {
      reply: (command) =>
        writeReply(updatedIds(command).length, {
          failed: new Map([
            [
              1,
              {
                code: 28,
                codeName: 'PathNotViable',
                errmsg: 'Cannot create field \'d7\' in element {anomalies: "n/a"}',
              },
            ],
          ]),
        }),
    });
    const result = await open({}, { bulkChunkSize: 2 }).writeFlags(flagsFor(...ids));
    expect(result).toEqual({ written: 3, rejected: 1 });
    expect(allUpdatedIds(responder, 'risk_scores')).toEqual(ids);
  });

  it('a failed chunk stops the later ones (the record is retried and rewrites them idempotently)', async () => {
    responder.script(SOURCE, { drop: true }, 2);
    const error = await failure(open({}, { bulkChunkSize: 2 }).writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(allUpdatedIds(responder, 'risk_scores')).toEqual([IDS[0], IDS[1], IDS[0], IDS[1]]);
  });
});

describe('MongoDetectionStore on the wire: run summaries', () => {
  it('a duplicate key (E11000) on a run-summary upsert is transient (a concurrent upsert won the race)', async () => {
    responder.script(RUNS, {
      reply: writeReply(1, {
        failed: new Map([
          [
            0,
            {
              code: 11000,
              codeName: 'DuplicateKey',
              errmsg:
                'E11000 duplicate key error collection: riskfence.anomaly_runs index: asset_1_asOf_1_paramsHash_1 dup key: { asset: "bitcoin" }',
            },
          ],
        ]),
      }),
    });
    const error = await failure(open().upsertRuns([RUN]));
    expect(error).toBeInstanceOf(TransientStoreError);
    const [upsert] = responder.commands('update', 'anomaly_runs');
    expect((upsert!.body.updates as { upsert: boolean }[])[0]!.upsert).toBe(true);
  });
});

describe('MongoDetectionStore on the wire: authentication', () => {
  it('refused credentials (18) fail the operation as a StoreAuthenticationError', async () => {
    const error = await failure(open({}, {}, 'riskfence:rotated-away').writeFlags(flagsFor(...IDS)));
    expect(error).toBeInstanceOf(StoreAuthenticationError);
    expect(responder.commands('saslStart').length).toBeGreaterThan(0);
    expect(responder.commands('update')).toEqual([]);
  });

  it('the reconnecting store re-reads the credentials, reconnects once and the write succeeds', async () => {
    const opened: MongoClient[] = [];
    const secrets: boolean[] = [];
    const store = await createReconnectingStore(async (fresh) => {
      secrets.push(fresh);
      // The cached secret holds the old password; the fresh read, the new (here: none needed).
      const { client: c, store: s } = wireStore(responder, {}, {}, fresh ? undefined : 'riskfence:old');
      opened.push(c);
      return { store: s, close: () => c.close() };
    });
    try {
      expect(await store.writeFlags(flagsFor(...IDS))).toEqual({ written: 3, rejected: 0 });
      expect(secrets).toEqual([false, true]);
      expect(responder.commands('update', 'risk_scores')).toHaveLength(1);
    } finally {
      await Promise.all(opened.map((c) => c.close()));
    }
  });

  it('a streamed read refused at its first batch is restarted on the reconnected client', async () => {
    const docs = asBson(dailyDocuments(['bitcoin'], '2022-05-01', 3));
    responder.script(FIND, { reply: cursorReply(SOURCE_NS, docs) });
    const opened: MongoClient[] = [];
    const store = await createReconnectingStore(async (fresh) => {
      const { client: c, store: s } = wireStore(responder, {}, {}, fresh ? undefined : 'riskfence:old');
      opened.push(c);
      return { store: s, close: () => c.close() };
    });
    try {
      const handles: unknown[] = [];
      for await (const batch of store.read({
        assets: ['bitcoin'],
        from: 0,
        to: AS_OF,
        metrics: ['volume'],
      })) {
        handles.push(...batch.handles);
      }
      expect(handles).toEqual(docs.map((d) => d._id));
      expect(responder.commands('find', 'risk_scores')).toHaveLength(1);
    } finally {
      await Promise.all(opened.map((c) => c.close()));
    }
  });

  it('credentials refused again after reconnecting fail transiently', async () => {
    const opened: MongoClient[] = [];
    const store = await createReconnectingStore(async () => {
      const { client: c, store: s } = wireStore(responder, {}, {}, 'riskfence:still-wrong');
      opened.push(c);
      return { store: s, close: () => c.close() };
    });
    try {
      const error = await failure(store.writeFlags(flagsFor(...IDS)));
      expect(error).toBeInstanceOf(TransientStoreError);
      expect(error).not.toBeInstanceOf(StoreAuthenticationError);
      expect(opened).toHaveLength(2);
    } finally {
      await Promise.all(opened.map((c) => c.close()));
    }
  });
});
