import { BSON, type Document } from 'mongodb';

/**
 * Reply documents shaped as the MongoDB server documents them. Canned: they
 * are built from what a test says, never computed from data.
 *
 * - Command errors: `{ ok: 0, errmsg, code, codeName, errorLabels? }`
 *   (https://www.mongodb.com/docs/manual/reference/command/#command-responses,
 *   codes from https://www.mongodb.com/docs/manual/reference/error-codes/).
 * - Cursors: `{ cursor: { firstBatch | nextBatch, id, ns }, ok: 1 }`
 *   (https://www.mongodb.com/docs/manual/reference/command/find/#output,
 *   https://www.mongodb.com/docs/manual/reference/command/getMore/#output).
 * - Writes: `{ ok: 1, n, nModified, upserted?, writeErrors?, writeConcernError? }`
 *   (https://www.mongodb.com/docs/manual/reference/command/update/#output).
 * - `distinct`: `{ values, ok: 1 }`
 *   (https://www.mongodb.com/docs/manual/reference/command/distinct/#output).
 */

/** A command that failed as a whole. */
export interface CommandError {
  readonly code: number;
  readonly codeName: string;
  readonly errmsg: string;
  readonly errorLabels?: readonly string[];
}

/** The server errors the tests use, with the server's own code names and messages. */
export const ServerErrors = {
  NotWritablePrimary: { code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' },
  InterruptedAtShutdown: {
    code: 11600,
    codeName: 'InterruptedAtShutdown',
    errmsg: 'interrupted at shutdown',
  },
  AuthenticationFailed: { code: 18, codeName: 'AuthenticationFailed', errmsg: 'Authentication failed.' },
  QueryExceededMemoryLimitNoDiskUseAllowed: {
    code: 292,
    codeName: 'QueryExceededMemoryLimitNoDiskUseAllowed',
    errmsg:
      'Executor error during find command :: caused by :: Sort exceeded memory limit of 104857600 bytes, but did not opt in to external sorting.',
  },
  /** MongoDB 8.1+ overload rejection (driver 7 backpressure); `baseBackoffMS` keeps the driver's backoff short. */
  Overloaded: {
    code: 462,
    codeName: 'IngressRequestRateLimitExceeded',
    errmsg: 'server is overloaded',
    errorLabels: ['SystemOverloadedError', 'RetryableError'],
  },
  MaxTimeMSExpired: { code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' },
  /** As `writeConcernError` of a write reply: the writes were applied, the replication wait timed out. */
  WriteConcernTimeout: {
    code: 64,
    codeName: 'WriteConcernTimeout',
    errmsg: 'waiting for replication timed out',
  },
} as const satisfies Record<string, CommandError>;

/**
 * `{ ok: 0, … }` of a failed command, labels included when given (the server
 * adds `RetryableWriteError` to retryable errors of retryable writes).
 *
 * @example
 * errorReply({ ...ServerErrors.NotWritablePrimary, errorLabels: ['RetryableWriteError'] });
 */
export function errorReply(error: CommandError, extra: Document = {}): Document {
  const { errorLabels, ...rest } = error;
  return { ok: 0, ...rest, ...(errorLabels ? { errorLabels: [...errorLabels] } : {}), ...extra };
}

/**
 * A cursor reply: `firstBatch` (to `find`, `aggregate`) or `nextBatch` (to
 * `getMore`); `id` 0 means the cursor is exhausted.
 *
 * @example
 * cursorReply('riskfence.risk_scores', docs); // { cursor: { firstBatch: docs, id: 0, ns }, ok: 1 }
 */
export function cursorReply(
  ns: string,
  documents: readonly Document[],
  options: { readonly id?: number; readonly batch?: 'firstBatch' | 'nextBatch' } = {},
): Document {
  const { id = 0, batch = 'firstBatch' } = options;
  return { cursor: { [batch]: [...documents], id: BSON.Long.fromNumber(id), ns }, ok: 1 };
}

/** How the statements of a write command fared. */
export interface WriteOutcome {
  /** Statement indexes the server refused, each with its error (`writeErrors`). */
  readonly failed?: ReadonlyMap<number, Omit<CommandError, 'errorLabels'>>;
  /** Statement indexes that upserted (counted in `n`, not in `nModified`). */
  readonly upserted?: readonly number[];
  /** A write-concern failure after the writes were applied. */
  readonly writeConcernError?: Omit<CommandError, 'errorLabels'> & { readonly errInfo?: Document };
}

/**
 * The reply to an `update` (or `insert`, `delete`) command: every statement not
 * failed matched and was modified (or upserted), per {@link WriteOutcome}.
 *
 * @param statements - how many statements the command carried (`updates.length`)
 * @example
 * writeReply(3, { failed: new Map([[1, { code: 28, codeName: 'PathNotViable', errmsg }]]) });
 * // { ok: 1, n: 2, nModified: 2, writeErrors: [{ index: 1, code: 28, codeName, errmsg }] }
 */
export function writeReply(statements: number, outcome: WriteOutcome = {}): Document {
  const failed = outcome.failed ?? new Map();
  const upserted = outcome.upserted ?? [];
  const applied = statements - failed.size;
  const reply: Document = { ok: 1, n: applied, nModified: applied - upserted.length };
  if (upserted.length > 0) reply.upserted = upserted.map((index) => ({ index, _id: new BSON.ObjectId() }));
  if (failed.size > 0) {
    reply.writeErrors = [...failed].sort(([a], [b]) => a - b).map(([index, e]) => ({ index, ...e }));
  }
  if (outcome.writeConcernError) reply.writeConcernError = { ...outcome.writeConcernError };
  return reply;
}
