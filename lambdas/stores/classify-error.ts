import {
  MongoBulkWriteError,
  MongoClientClosedError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { PermanentStoreError, TransientStoreError } from './store-errors.ts';

/**
 * MongoDB server error codes that a later attempt can succeed on: elections,
 * shutdowns, network and time limits (the driver's retryable set), plus
 * WriteConflict and DuplicateKey (two requests upserting the same run
 * summary at once; the retry finds the document and updates it), and
 * write-concern timeouts (the writes were applied; flag and run writes are
 * idempotent, so applying them again is harmless).
 */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernTimeout (WriteConcernFailed before MongoDB 8.1)
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

/** The driver's `MongoErrorLabel` values that mean "try again later" (driver 7 adds the overload pair). */
const TRANSIENT_LABELS = [
  'RetryableWriteError',
  'TransientTransactionError',
  'ResetPool',
  'PoolRequestedRetry',
  'SystemOverloadedError',
  'RetryableError',
] as const;

/** Driver error names of classes the driver does not export: a saturated pool's checkout timeout. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set(['MongoWaitQueueTimeoutError']);

/** AuthenticationFailed: the credentials were refused (a rotated secret, until the new one is read). */
const AUTHENTICATION_FAILED = 18;

/** QueryExceededMemoryLimitNoDiskUseAllowed: a sort in memory, i.e. no index serves the read's sort. */
const SORT_WITHOUT_INDEX = 292;

/**
 * The server refused the credentials (code 18, AuthenticationFailed).
 * Transient, so a record is retried, never dead-lettered, for a rotated
 * secret; `createReconnectingStore` keys on this class to re-read the secret
 * and reconnect before giving up. It keeps its parent's `name`, so logs and
 * the failure policy see a transient store error.
 *
 * @example
 * if (classifyMongoError(e) instanceof StoreAuthenticationError) await reconnect();
 */
export class StoreAuthenticationError extends TransientStoreError {}

/**
 * Maps an error thrown by the MongoDB driver to the store layer's
 * {@link TransientStoreError} (retry through SQS) or {@link PermanentStoreError}
 * (dead-letter now), keeping the original as `cause`.
 *
 * A `MongoBulkWriteError` is judged by what it wraps, as the driver builds it
 * (`lib/bulk/common.js`, mongodb 7): a driver error of the write (network,
 * pool cleared, timeout) is kept whole in `errorResponse` and its labels are
 * shared; a server error's `code` and labels are copied onto the bulk error;
 * a write-concern error sits in `errorResponse` (code on it, none on the bulk
 * error); per-document failures are in `writeErrors`.
 *
 * Transient: network errors and timeouts, a cleared pool, server selection,
 * a closed topology or client (one replaced after a reconnection), the
 * retryable and overload labels, the server codes of {@link TRANSIENT_CODES}
 * (including write-concern timeouts), a bulk write any of whose write errors
 * is transient, and authentication failures (as
 * {@link StoreAuthenticationError}, whatever labels they carry). Everything else, including non-MongoDB
 * errors, is permanent with reason `MONGO_<code>` or the error's name; code
 * 292 (a read sorted in memory) says the (asset, time) index is missing.
 *
 * @param error - anything caught around a driver call
 * @returns the classified error (already-classified errors are returned as is)
 *
 * Complexity: O(write errors).
 *
 * @example
 * try { await collection.find(q).toArray(); } catch (e) { throw classifyMongoError(e); }
 */
export function classifyMongoError(error: unknown): TransientStoreError | PermanentStoreError {
  if (error instanceof TransientStoreError || error instanceof PermanentStoreError) return error;
  const judged = wrappedError(error);
  const message = describe(error, judged);
  const code = codeOf(judged);
  if (code === AUTHENTICATION_FAILED) return new StoreAuthenticationError(message, { cause: error });
  if (isTransient(judged)) return new TransientStoreError(message, { cause: error });
  if (code === SORT_WITHOUT_INDEX) {
    return new PermanentStoreError(
      `${message} (the (asset, time) index is missing, so the read sorted in memory: run \`riskfence mongo-init\`)`,
      `MONGO_${code}`,
      { cause: error },
    );
  }
  return new PermanentStoreError(message, reasonOf(judged, code), { cause: error });
}

/**
 * The error a bulk write failed with: the driver error it wraps whole, or
 * the write-concern error it carries, else the bulk error itself.
 */
function wrappedError(error: unknown): unknown {
  if (!(error instanceof MongoBulkWriteError)) return error;
  const inner: unknown = error.errorResponse;
  if (inner instanceof Error) return wrappedError(inner);
  if (error.code === undefined && hasNumericCode(inner)) return inner;
  return error;
}

function isTransient(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoClientClosedError ||
    error instanceof MongoServerClosedError ||
    error instanceof MongoNotConnectedError
  ) {
    return true;
  }
  const code = codeOf(error);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  if (!(error instanceof MongoError)) return false;
  if (TRANSIENT_NAMES.has(error.name)) return true;
  if (TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label))) return true;
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    return writeErrors.some((w) => TRANSIENT_CODES.has(w.code));
  }
  return false;
}

function hasNumericCode(value: unknown): value is { readonly code: number } {
  return (
    typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'number'
  );
}

function codeOf(error: unknown): number | undefined {
  return hasNumericCode(error) ? error.code : undefined;
}

function reasonOf(error: unknown, code: number | undefined): string {
  if (code !== undefined) return `MONGO_${code}`;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

/** The outer error's name, the code and the wrapped error's name when they add something, and the message. */
function describe(error: unknown, judged: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = codeOf(judged);
  const inner = judged !== error && judged instanceof Error ? ` (${judged.name})` : '';
  return `${error.name}${code === undefined ? '' : ` ${code}`}${inner}: ${error.message}`;
}
