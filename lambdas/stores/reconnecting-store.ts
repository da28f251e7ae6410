import { StoreAuthenticationError } from './classify-error.ts';
import type { DetectionStore } from './detection-store.ts';
import { TransientStoreError } from './store-errors.ts';

/** A store with the client behind it, so that the client can be closed when it is replaced. */
export interface StoreConnection {
  readonly store: DetectionStore;
  close(): Promise<void>;
}

/**
 * Opens a {@link StoreConnection}. `fresh` is true after an authentication
 * failure: the credentials must be read again past any cache (a rotated secret).
 */
export type StoreConnector = (fresh: boolean) => Promise<StoreConnection>;

/**
 * A {@link DetectionStore} that survives a credential rotation (SPEC section
 * 4): when an operation fails with {@link StoreAuthenticationError}, the
 * client is replaced by one opened with `fresh` credentials, the old one is
 * closed, and the operation is run once more; if it fails to authenticate
 * again (or the new connection cannot be opened), it fails with a
 * {@link TransientStoreError}, so SQS retries the record later. Other errors
 * pass through unchanged.
 *
 * Generic over every method of the store (a `Proxy`): a method returning a
 * promise is retried as a whole; one returning an async iterable (a streamed
 * read) is restarted when it fails before its first item, and fails
 * transiently when it fails later (restarting would repeat items).
 *
 * Concurrent operations failing on the same connection share one reconnection;
 * an operation that fails on a connection already replaced just retries on the
 * new one. Operations still running on the old client when it is closed fail
 * with the driver's closed-client error, which is transient.
 *
 * @param connect - opens a connection; called with `false` now and `true` per reconnection
 * @returns the store, once the first connection is open
 * @throws whatever `connect(false)` throws
 *
 * @example
 * const store = await createReconnectingStore(async (fresh) => {
 *   const client = createMongoClient(await resolveMongoUri(config, process.env, fetchSecret, { fresh }));
 *   return { store: new MongoDetectionStore(client, options), close: () => client.close() };
 * });
 */
export async function createReconnectingStore(connect: StoreConnector): Promise<DetectionStore> {
  const connections = new Connections(connect, await connect(false));
  return new Proxy({} as DetectionStore, {
    get(_target, name) {
      const member: unknown = Reflect.get(connections.current.store, name);
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => connections.call(name, args);
    },
  });
}

/** The current connection and the one reconnection in progress, if any. */
class Connections {
  readonly #connect: StoreConnector;
  #current: StoreConnection;
  #replacing: Promise<StoreConnection> | undefined;

  constructor(connect: StoreConnector, first: StoreConnection) {
    this.#connect = connect;
    this.#current = first;
  }

  get current(): StoreConnection {
    return this.#current;
  }

  /** Runs a store method on the current connection, retried once after a reconnection. */
  call(name: string | symbol, args: readonly unknown[]): unknown {
    const used = this.#current;
    const result = invoke(used, name, args);
    if (isAsyncIterable(result)) return this.#stream(result, used, name, args);
    if (isPromiseLike(result)) return this.#settle(result, used, name, args);
    return result;
  }

  async #settle(
    first: PromiseLike<unknown>,
    used: StoreConnection,
    name: string | symbol,
    args: readonly unknown[],
  ): Promise<unknown> {
    try {
      return await first;
    } catch (e) {
      if (!(e instanceof StoreAuthenticationError)) throw e;
      const next = await this.#replace(used, e);
      try {
        return await invoke(next, name, args);
      } catch (again) {
        throw failedAgain(again);
      }
    }
  }

  async *#stream(
    first: AsyncIterable<unknown>,
    used: StoreConnection,
    name: string | symbol,
    args: readonly unknown[],
  ): AsyncGenerator<unknown> {
    let yielded = false;
    try {
      for await (const item of first) {
        yielded = true;
        yield item;
      }
      return;
    } catch (e) {
      if (!(e instanceof StoreAuthenticationError)) throw e;
      const next = await this.#replace(used, e);
      if (yielded) {
        throw new TransientStoreError(`authentication failed part-way through a read: ${e.message}`, {
          cause: e,
        });
      }
      try {
        yield* invoke(next, name, args) as AsyncIterable<unknown>;
      } catch (again) {
        throw failedAgain(again);
      }
    }
  }

  /** The connection that replaces `failed`: opened now, or by the reconnection already under way. */
  async #replace(failed: StoreConnection, cause: StoreAuthenticationError): Promise<StoreConnection> {
    if (this.#current !== failed) return this.#current;
    this.#replacing ??= this.#reopen(failed).finally(() => {
      this.#replacing = undefined;
    });
    try {
      return await this.#replacing;
    } catch (e) {
      throw new TransientStoreError(`authentication failed and reconnecting failed: ${messageOf(e)}`, {
        cause: new AggregateError([cause, e]),
      });
    }
  }

  async #reopen(failed: StoreConnection): Promise<StoreConnection> {
    const next = await this.#connect(true);
    this.#current = next;
    // The old client is being discarded: failing to close it must not decide the retried operation.
    await failed.close().catch(() => undefined);
    return next;
  }
}

function invoke(connection: StoreConnection, name: string | symbol, args: readonly unknown[]): unknown {
  const method = Reflect.get(connection.store, name) as (...a: unknown[]) => unknown;
  return Reflect.apply(method, connection.store, args);
}

function failedAgain(error: unknown): unknown {
  if (!(error instanceof StoreAuthenticationError)) return error;
  return new TransientStoreError(
    `authentication failed again after reconnecting with fresh credentials: ${error.message}`,
    { cause: error },
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' && value !== null && Symbol.asyncIterator in value && !isPromiseLike(value)
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
