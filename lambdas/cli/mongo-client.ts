import type { MongoClient, MongoClientOptions } from 'mongodb';
import { redactSecrets } from '../config/redact.ts';
import { createMongoClient } from '../stores/mongo-store.ts';
import { InputError } from './command.ts';

/** Timeouts a connection string may set; the CLI lets them win over the Lambda's defaults. */
const URI_TIMEOUTS = ['serverSelectionTimeoutMS', 'connectTimeoutMS', 'socketTimeoutMS'] as const;

/**
 * The timeouts written in a connection string's query (`?serverSelectionTimeoutMS=2000`).
 * `createMongoClient` passes the Lambda's defaults as options, and the
 * driver lets options beat the URI, so without this a user's own timeout
 * would be silently ignored on the command line.
 *
 * Complexity: O(URI length).
 *
 * @example
 * uriTimeouts('mongodb://h/?serverSelectionTimeoutMS=300'); // { serverSelectionTimeoutMS: 300 }
 */
export function uriTimeouts(uri: string): MongoClientOptions {
  const query = uri.includes('?') ? uri.slice(uri.indexOf('?') + 1) : '';
  const given = new Map([...new URLSearchParams(query)].map(([k, v]) => [k.toLowerCase(), v]));
  const options: Record<string, number> = {};
  for (const key of URI_TIMEOUTS) {
    const value = Number(given.get(key.toLowerCase()));
    if (given.has(key.toLowerCase()) && Number.isInteger(value) && value >= 0) options[key] = value;
  }
  return options;
}

/**
 * Runs `use` with a MongoDB client for a command and always closes it. An
 * invalid connection string and every failure of `use` become a one-line
 * {@link InputError} (exit 1) that names what was being done and never
 * carries the credentials.
 *
 * @param uri - connection string
 * @param doing - what the command was doing, for the message (`read riskfence.risk_scores`)
 * @param options - client options over the Lambda's defaults (the URI's own timeouts win over both)
 * @param use - the work
 * @throws {@link InputError} as above; other `InputError`s of `use` pass through unchanged
 *
 * @example
 * const n = await withMongoClient(uri, 'count', {}, (c) => c.db('x').collection('y').countDocuments());
 */
export async function withMongoClient<T>(
  uri: string,
  doing: string,
  options: MongoClientOptions,
  use: (client: MongoClient) => Promise<T>,
): Promise<T> {
  let client: MongoClient;
  try {
    client = createMongoClient(uri, { appName: 'riskfence-cli', ...options, ...uriTimeouts(uri) });
  } catch (e) {
    throw new InputError(`invalid connection string: ${redactSecrets((e as Error).message)}`);
  }
  try {
    return await use(client);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot ${doing}: ${redactSecrets((e as Error).message)}`);
  } finally {
    await client.close();
  }
}
