import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { StoreAuthenticationError } from '../../lambdas/stores/classify-error.ts';
import type { DetectionStore, ReadBatch } from '../../lambdas/stores/detection-store.ts';
import { createReconnectingStore, type StoreConnection } from '../../lambdas/stores/reconnecting-store.ts';
import { PermanentStoreError, TransientStoreError } from '../../lambdas/stores/store-errors.ts';

const authFailed = () =>
  new StoreAuthenticationError('MongoServerError 18: Authentication failed.', {
    cause: new MongoServerError({ ok: 0, code: 18, errmsg: 'Authentication failed.' }),
  });

const BATCH: ReadBatch = Object.freeze({
  documents: Object.freeze([{ _id: 1 }]),
  handles: Object.freeze([1]),
});

/** What a scripted connection does for each call: `ok`, throw the error, or settle as the function's promise does. */
type Step = 'ok' | Error | (() => Promise<void>);

/**
 * Connections whose every store method follows a script shared by all calls of that connection
 * (one step per call, in order; `ok` once the script is exhausted), and a log of what happened.
 */
function scripted(scripts: Step[][]) {
  const log: string[] = [];
  let opened = 0;
  const connect = async (fresh: boolean): Promise<StoreConnection> => {
    const id = opened++;
    log.push(`open ${id}${fresh ? ' fresh' : ''}`);
    const steps = [...(scripts[id] ?? [])];
    const next = async (name: string) => {
      log.push(`${name} on ${id}`);
      const step = steps.shift() ?? 'ok';
      if (typeof step === 'function') await step();
      else if (step !== 'ok') throw step;
    };
    const store = {
      async writeFlags() {
        await next('writeFlags');
        return { written: 1, rejected: 0 };
      },
      async upsertRuns() {
        await next('upsertRuns');
      },
      async listAssets() {
        await next('listAssets');
        return ['bitcoin'];
      },
      async findRuns() {
        await next('findRuns');
        return [];
      },
      read() {
        return (async function* () {
          await next('read');
          yield BATCH;
          await next('read more');
          yield BATCH;
        })();
      },
      // A member the interface may gain: still proxied, with its `this`.
      async extra(this: { marker: string }, x: number) {
        await next('extra');
        return `${this.marker}:${x}`;
      },
      marker: `store ${id}`,
    };
    return {
      store: store as unknown as DetectionStore,
      close: async () => {
        log.push(`close ${id}`);
      },
    };
  };
  return { connect, log };
}

async function collect(iterable: AsyncIterable<ReadBatch>): Promise<ReadBatch[]> {
  const out: ReadBatch[] = [];
  for await (const batch of iterable) out.push(batch);
  return out;
}

const QUERY = Object.freeze({ assets: ['bitcoin'], from: 0, to: 1, metrics: ['volume'] });

describe('createReconnectingStore', () => {
  it('opens one connection with cached credentials and reuses it', async () => {
    const { connect, log } = scripted([]);
    const store = await createReconnectingStore(connect);
    await store.upsertRuns([]);
    expect(await store.writeFlags([])).toEqual({ written: 1, rejected: 0 });
    expect(log).toEqual(['open 0', 'upsertRuns on 0', 'writeFlags on 0']);
  });

  it('an authentication failure closes the client, reconnects with fresh credentials and retries once', async () => {
    const { connect, log } = scripted([[authFailed()]]);
    const store = await createReconnectingStore(connect);
    expect(await store.writeFlags([])).toEqual({ written: 1, rejected: 0 });
    expect(log).toEqual(['open 0', 'writeFlags on 0', 'open 1 fresh', 'close 0', 'writeFlags on 1']);
    await store.upsertRuns([]);
    expect(log.at(-1)).toBe('upsertRuns on 1');
  });

  it('a second authentication failure fails transiently, not as an authentication error', async () => {
    const { connect, log } = scripted([[authFailed()], [authFailed()]]);
    const store = await createReconnectingStore(connect);
    const error = await store.listAssets({ from: 0, to: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientStoreError);
    expect(error).not.toBeInstanceOf(StoreAuthenticationError);
    expect((error as Error).message).toMatch(/authentication failed again after reconnecting/);
    expect(log).toEqual(['open 0', 'listAssets on 0', 'open 1 fresh', 'close 0', 'listAssets on 1']);
  });

  it('a connection that cannot be reopened fails the operation transiently', async () => {
    const { connect: base, log } = scripted([[authFailed()]]);
    const connect = async (fresh: boolean) => {
      if (fresh) throw new Error('secret unreadable');
      return base(fresh);
    };
    const store = await createReconnectingStore(connect);
    const error = await store.upsertRuns([]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientStoreError);
    expect((error as Error).message).toMatch(/reconnecting failed: secret unreadable/);
    expect(log).toEqual(['open 0', 'upsertRuns on 0']);
  });

  it.each([
    ['transient', new TransientStoreError('MongoNetworkError: reset')],
    ['permanent', new PermanentStoreError('MongoServerError 28: PathNotViable', 'MONGO_28')],
  ])('a %s error passes through unchanged, without reconnecting', async (_kind, failure) => {
    const { connect, log } = scripted([[failure]]);
    const store = await createReconnectingStore(connect);
    await expect(store.upsertRuns([])).rejects.toBe(failure);
    expect(log).toEqual(['open 0', 'upsertRuns on 0']);
  });

  it('concurrent operations failing on the same connection share one reconnection', async () => {
    const { connect, log } = scripted([[authFailed(), authFailed(), authFailed()]]);
    const store = await createReconnectingStore(connect);
    await Promise.all([store.upsertRuns([]), store.writeFlags([]), store.findRuns({} as never)]);
    expect(log.filter((l) => l.startsWith('open'))).toEqual(['open 0', 'open 1 fresh']);
    expect(log.filter((l) => l.endsWith('on 1')).sort()).toEqual([
      'findRuns on 1',
      'upsertRuns on 1',
      'writeFlags on 1',
    ]);
  });

  it('an operation failing on a connection already replaced retries on the new one without reconnecting again', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const lateFailure = async () => {
      await gate;
      throw authFailed();
    };
    const { connect, log } = scripted([[lateFailure, authFailed()]]);
    const store = await createReconnectingStore(connect);
    // The first operation starts on connection 0 and fails only after the second one reconnected.
    const slow = store.upsertRuns([]);
    await store.writeFlags([]);
    release();
    await slow;
    expect(log).toEqual([
      'open 0',
      'upsertRuns on 0',
      'writeFlags on 0',
      'open 1 fresh',
      'close 0',
      'writeFlags on 1',
      'upsertRuns on 1',
    ]);
  });

  it('a streamed read failing to authenticate before its first batch is restarted on the new connection', async () => {
    const { connect, log } = scripted([[authFailed()]]);
    const store = await createReconnectingStore(connect);
    expect(await collect(store.read(QUERY))).toEqual([BATCH, BATCH]);
    expect(log).toEqual(['open 0', 'read on 0', 'open 1 fresh', 'close 0', 'read on 1', 'read more on 1']);
  });

  it('a streamed read failing to authenticate after a batch fails transiently (a restart would repeat batches)', async () => {
    const { connect, log } = scripted([['ok', authFailed()]]);
    const store = await createReconnectingStore(connect);
    const seen: ReadBatch[] = [];
    const error = await (async () => {
      for await (const batch of store.read(QUERY)) seen.push(batch);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([BATCH]);
    expect(error).toBeInstanceOf(TransientStoreError);
    expect((error as Error).message).toMatch(/part-way through a read/);
    // The next operation already runs on the fresh connection.
    expect(log).toEqual(['open 0', 'read on 0', 'read more on 0', 'open 1 fresh', 'close 0']);
  });

  it('proxies every method of the store, with the store as `this`, including ones added later', async () => {
    const { connect } = scripted([[authFailed()]]);
    const store = (await createReconnectingStore(connect)) as unknown as {
      extra(x: number): Promise<string>;
      marker: string;
    };
    expect(await store.extra(7)).toBe('store 1:7');
    expect(store.marker).toBe('store 1');
  });

  it('a failure to open the first connection rejects the creation', async () => {
    await expect(
      createReconnectingStore(async () => {
        throw new Error('no MongoDB connection');
      }),
    ).rejects.toThrow('no MongoDB connection');
  });
});
