import { createRequire } from 'node:module';
import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoWriteConcernError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { classifyMongoError, StoreAuthenticationError } from '../../lambdas/stores/classify-error.ts';
import { PermanentStoreError, TransientStoreError } from '../../lambdas/stores/store-errors.ts';

// Classes the driver throws but does not export; loaded from the installed driver, never imitated.
const require = createRequire(import.meta.url);
const { PoolClearedError, WaitQueueTimeoutError } = require('mongodb/lib/cmap/errors.js') as {
  PoolClearedError: new (pool: { address: string }, message?: string) => MongoNetworkError;
  WaitQueueTimeoutError: new (message: string, address: string) => Error;
};
const { BulkWriteResult, WriteConcernError } = require('mongodb/lib/bulk/common.js') as {
  BulkWriteResult: new (bulkResult: object, isOrdered: boolean) => object;
  WriteConcernError: new (error: { code: number; errmsg: string }) => object;
};

const serverError = (code: number, labels: string[] = []) =>
  new MongoServerError({ ok: 0, errmsg: `code ${code}`, code, errorLabels: labels });

/** The driver's bulk result of an unordered bulk write that wrote nothing (`lib/bulk/common.js`). */
const emptyResult = () =>
  new BulkWriteResult(
    {
      ok: 1,
      writeErrors: [],
      writeConcernErrors: [],
      insertedIds: [],
      nInserted: 0,
      nUpserted: 0,
      nMatched: 0,
      nModified: 0,
      nRemoved: 0,
      upserted: [],
    },
    false,
  );

/** `executeCommands`: a driver error of the command is wrapped whole; its labels are shared. */
const wrapped = (error: Error) => new MongoBulkWriteError(error as never, emptyResult() as never);

/** `executeCommands`: a `MongoWriteConcernError` becomes `{ message, code }` of its writeConcernError. */
const wrappedWriteConcern = (code: number) =>
  new MongoBulkWriteError(
    { message: 'waiting for replication timed out', code } as never,
    emptyResult() as never,
  );

/** `handleWriteError`: the bulk result's write-concern error is passed as is (its code on a getter). */
const resultWriteConcern = (code: number) =>
  new MongoBulkWriteError(
    new WriteConcernError({ code, errmsg: 'waiting for replication timed out' }) as never,
    emptyResult() as never,
  );

/** `handleWriteError`: per-document failures, the first one's code and message on the error. */
const withWriteErrors = (...codes: number[]) =>
  new MongoBulkWriteError(
    {
      message: 'e',
      code: codes[0],
      writeErrors: codes.map((code, index) => ({ code, index, errmsg: 'e' })),
    } as never,
    emptyResult() as never,
  );

const networkWithLabel = (label: string) => {
  const e = new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed');
  e.addErrorLabel(label);
  return e;
};

describe('classifyMongoError', () => {
  it.each([
    ['MongoNetworkError', new MongoNetworkError('reset')],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('timed out')],
    ['MongoServerSelectionError', new MongoServerSelectionError('no server', { type: 'Unknown' } as never)],
    ['MongoPoolClearedError', new PoolClearedError({ address: '127.0.0.1:27017' }, 'pool cleared')],
    ['MongoWaitQueueTimeoutError', new WaitQueueTimeoutError('checkout timed out', '127.0.0.1:27017')],
    ['MongoClientClosedError (a client replaced after a reconnection)', new MongoClientClosedError()],
    ['MaxTimeMSExpired (50)', serverError(50)],
    ['WriteConcernTimeout (64)', serverError(64)],
    ['WriteConflict (112)', serverError(112)],
    ['NotWritablePrimary (10107)', serverError(10107)],
    ['DuplicateKey (11000) of a concurrent upsert', serverError(11000)],
    ['InterruptedAtShutdown (11600)', serverError(11600)],
    ['RetryableWriteError label', serverError(9999, ['RetryableWriteError'])],
    ['TransientTransactionError label', serverError(9999, ['TransientTransactionError'])],
    ['PoolRequestedRetry label (the driver spelling)', serverError(9999, ['PoolRequestedRetry'])],
    ['SystemOverloadedError label', serverError(462, ['SystemOverloadedError'])],
    ['RetryableError label', serverError(462, ['RetryableError'])],
    ['both overload labels', serverError(462, ['SystemOverloadedError', 'RetryableError'])],
    [
      'MongoWriteConcernError 64 of a single write',
      new MongoWriteConcernError({ ok: 1, n: 1, writeConcernError: { code: 64, errmsg: 'timed out' } }),
    ],
    ['bulk: wrapped network error', wrapped(new MongoNetworkError('connection closed'))],
    ['bulk: wrapped network timeout', wrapped(new MongoNetworkTimeoutError('socket timed out'))],
    ['bulk: wrapped cleared pool', wrapped(new PoolClearedError({ address: '127.0.0.1:27017' }))],
    ['bulk: wrapped error labelled ResetPool', wrapped(networkWithLabel('ResetPool'))],
    ['bulk: wrapped NotWritablePrimary', wrapped(serverError(10107, ['RetryableWriteError']))],
    ['bulk: wrapped InterruptedAtShutdown', wrapped(serverError(11600))],
    ['bulk: wrapped overload', wrapped(serverError(462, ['SystemOverloadedError', 'RetryableError']))],
    ['bulk: write-concern error of a command (64)', wrappedWriteConcern(64)],
    ['bulk: write-concern error in the bulk result (64)', resultWriteConcern(64)],
    ['bulk: one transient write error among permanent ones', withWriteErrors(28, 112)],
  ])('%s is transient', (_name, error) => {
    const classified = classifyMongoError(error);
    expect(classified).toBeInstanceOf(TransientStoreError);
    expect(classified.cause).toBe(error);
  });

  it.each([
    ['Unauthorized (13)', serverError(13), 'MONGO_13'],
    ['PathNotViable (28)', serverError(28), 'MONGO_28'],
    ['bulk: PathNotViable write errors only', withWriteErrors(28, 28), 'MONGO_28'],
    ['bulk: wrapped Unauthorized', wrapped(serverError(13)), 'MONGO_13'],
    ['bulk: write-concern error UnsatisfiableWriteConcern (100)', resultWriteConcern(100), 'MONGO_100'],
    ['a non-MongoDB error', new TypeError('x is undefined'), 'TypeError'],
  ])('%s is permanent with a reason', (_name, error, reason) => {
    const classified = classifyMongoError(error);
    expect(classified).toBeInstanceOf(PermanentStoreError);
    expect((classified as PermanentStoreError).reason).toBe(reason);
  });

  it.each([
    // The labels the driver puts on a refused handshake (ResetPool made it transient, never reconnecting).
    ['of a handshake', serverError(18, ['HandshakeError', 'ResetPool'])],
    ['wrapped by a bulk write', wrapped(serverError(18))],
  ])('AuthenticationFailed (18) %s is a transient StoreAuthenticationError', (_name, error) => {
    const classified = classifyMongoError(error);
    expect(classified).toBeInstanceOf(StoreAuthenticationError);
    expect(classified).toBeInstanceOf(TransientStoreError);
  });

  it('a wrapped error is named in the message with its code', () => {
    expect(classifyMongoError(wrapped(new MongoNetworkError('connection closed'))).message).toBe(
      'MongoBulkWriteError (MongoNetworkError): connection closed',
    );
    expect(classifyMongoError(resultWriteConcern(64)).message).toContain('MongoBulkWriteError 64');
  });

  it('a read sorted in memory (292) is permanent and says to create the (asset, time) index', () => {
    const classified = classifyMongoError(serverError(292));
    expect(classified).toBeInstanceOf(PermanentStoreError);
    expect((classified as PermanentStoreError).reason).toBe('MONGO_292');
    expect(classified.message).toMatch(/index is missing.*riskfence mongo-init/);
  });

  it('returns already-classified errors unchanged', () => {
    const e = new TransientStoreError('x');
    expect(classifyMongoError(e)).toBe(e);
  });
});
