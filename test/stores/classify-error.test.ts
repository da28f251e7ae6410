import {
  MongoBulkWriteError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { classifyMongoError } from '../../lambdas/stores/classify-error.ts';
import { PermanentStoreError, TransientStoreError } from '../../lambdas/stores/store-errors.ts';

const serverError = (code: number, labels: string[] = []) =>
  new MongoServerError({ message: `code ${code}`, code, errorLabels: labels });

describe('classifyMongoError', () => {
  it.each([
    ['MongoNetworkError', new MongoNetworkError('reset')],
    ['MongoNetworkTimeoutError', new MongoNetworkTimeoutError('timed out')],
    ['MongoServerSelectionError', new MongoServerSelectionError('no server', { type: 'Unknown' } as never)],
    ['MaxTimeMSExpired (50)', serverError(50)],
    ['WriteConflict (112)', serverError(112)],
    ['NotWritablePrimary (10107)', serverError(10107)],
    ['DuplicateKey (11000) of a concurrent upsert', serverError(11000)],
    ['RetryableWriteError label', serverError(9999, ['RetryableWriteError'])],
    ['TransientTransactionError label', serverError(9999, ['TransientTransactionError'])],
  ])('%s is transient', (_name, error) => {
    const classified = classifyMongoError(error);
    expect(classified).toBeInstanceOf(TransientStoreError);
    expect(classified.cause).toBe(error);
  });

  it.each([
    ['Unauthorized (13)', serverError(13), 'MONGO_13'],
    ['PathNotViable (28)', serverError(28), 'MONGO_28'],
    ['a non-MongoDB error', new TypeError('x is undefined'), 'TypeError'],
  ])('%s is permanent with a reason', (_name, error, reason) => {
    const classified = classifyMongoError(error);
    expect(classified).toBeInstanceOf(PermanentStoreError);
    expect((classified as PermanentStoreError).reason).toBe(reason);
  });

  it('a bulk write is transient when one of its write errors is', () => {
    const bulk = (code: number) =>
      new MongoBulkWriteError(
        { message: 'bulk', code, writeErrors: [{ code, index: 0, errmsg: 'e' }] } as never,
        { insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0 } as never,
      );
    expect(classifyMongoError(bulk(112))).toBeInstanceOf(TransientStoreError);
    expect(classifyMongoError(bulk(28))).toBeInstanceOf(PermanentStoreError);
  });

  it('returns already-classified errors unchanged', () => {
    const e = new TransientStoreError('x');
    expect(classifyMongoError(e)).toBe(e);
  });
});
