import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { PermanentStoreError, TransientStoreError } from './store-errors.ts';

/**
 * MongoDB server error codes that a later attempt can succeed on: elections,
 * shutdowns, network and time limits (the driver's retryable set), plus
 * WriteConflict and DuplicateKey (two requests upserting the same run
 * summary at once; the retry finds the document and updates it).
 */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11000, // DuplicateKey
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

const TRANSIENT_LABELS = [
  'RetryableWriteError',
  'TransientTransactionError',
  'ResetPool',
  'PoolRequstedRetry',
];

/**
 * Maps an error thrown by the MongoDB driver to the store layer's
 * {@link TransientStoreError} (retry through SQS) or {@link PermanentStoreError}
 * (dead-letter now), keeping the original as `cause`.
 *
 * Transient: network errors and timeouts (`MongoNetworkError`,
 * `MongoNetworkTimeoutError`, `MongoOperationTimeoutError`), server
 * selection, a closed topology, the retryable labels, and the server codes of
 * {@link TRANSIENT_CODES}. A bulk write is transient when any of its write
 * errors is. Everything else, including non-MongoDB errors, is permanent with
 * reason `MONGO_<code>` or the error's name.
 *
 * @param error - anything caught around a driver call
 * @returns the classified error (already-classified errors are returned as is)
 *
 * @example
 * try { await collection.find(q).toArray(); } catch (e) { throw classifyMongoError(e); }
 */
export function classifyMongoError(error: unknown): TransientStoreError | PermanentStoreError {
  if (error instanceof TransientStoreError || error instanceof PermanentStoreError) return error;
  const message = describe(error);
  if (isTransient(error)) return new TransientStoreError(message, { cause: error });
  return new PermanentStoreError(message, reasonOf(error), { cause: error });
}

function isTransient(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return true;
  }
  if (!(error instanceof MongoError)) return false;
  if (TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))) return true;
  if (typeof error.code === 'number' && TRANSIENT_CODES.has(error.code)) return true;
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.some((w) => TRANSIENT_CODES.has(w.code));
  }
  return false;
}

function reasonOf(error: unknown): string {
  if (error instanceof MongoServerError && typeof error.code === 'number') return `MONGO_${error.code}`;
  if (error instanceof Error) return error.name;
  return 'UNKNOWN';
}

function describe(error: unknown): string {
  if (error instanceof MongoServerError && error.code !== undefined) {
    return `${error.name} ${error.code}: ${error.message}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
