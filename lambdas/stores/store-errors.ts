/**
 * A store failure worth retrying (network, timeout, server selection, write
 * conflict): the SQS record is reported as a batch item failure.
 *
 * @example
 * throw new TransientStoreError('MongoNetworkError: connection reset', { cause: e });
 */
export class TransientStoreError extends Error {
  override readonly name = 'TransientStoreError';
}

/**
 * A store failure that retrying will not fix (rejected write, bad query,
 * authorisation): the record is dead-lettered at once with `reason`.
 *
 * @example
 * throw new PermanentStoreError('MongoServerError 28: Cannot create field', 'MONGO_28', { cause: e });
 */
export class PermanentStoreError extends Error {
  override readonly name = 'PermanentStoreError';

  /** Short machine-readable reason, e.g. `MONGO_13` for a MongoDB server error code 13. */
  readonly reason: string;

  constructor(message: string, reason: string, options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}
