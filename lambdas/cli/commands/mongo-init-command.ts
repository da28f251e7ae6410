import type { MongoClient } from 'mongodb';
import type { ServiceConfig } from '../../config/service-config.ts';
import { indexPlans } from '../../stores/mongo-queries.ts';
import { MongoDetectionStore, mongoStoreOptions } from '../../stores/mongo-store.ts';
import { integerFlag } from '../args.ts';
import { defineCommand, ExitCode, InputError, write } from '../command.ts';
import { type ExistingIndex, explainIndexConflicts, INDEX_CONFLICT_CODES } from '../index-conflict.ts';
import { withMongoClient } from '../mongo-client.ts';
import { specOptions } from '../options/option-spec.ts';
import { commandConfig } from '../service-env.ts';
import { DEFAULT_SERVER_TIMEOUT_MS, MONGO_INIT_SPEC } from '../specs/mongo-init-spec.ts';

/**
 * `riskfence mongo-init`: creates the service's MongoDB indexes. Its client
 * has no socket timeout, since a build on a large collection may take far
 * longer than the Lambda's 30 s and is not a failure; server selection and
 * connecting keep `--timeout`. A conflict with an existing index (server
 * codes 85/86) is explained: which index, how it differs, what to do.
 *
 * @example
 * await main(['mongo-init', '--mongodb-uri', 'mongodb://127.0.0.1:27017']);
 */
export const mongoInitCommand = defineCommand(MONGO_INIT_SPEC, async (values, io) => {
  const timeout = integerFlag('--timeout', values.timeout, 1) ?? DEFAULT_SERVER_TIMEOUT_MS;
  const uri = (values['mongodb-uri'] ?? io.env.MONGODB_URI)?.trim();
  if (!uri) throw new InputError('no MongoDB connection string: pass --mongodb-uri or set MONGODB_URI');
  const config = commandConfig(specOptions(MONGO_INIT_SPEC), values, io.env);
  const source = `${config.database}.${config.sourceCollection}`;
  const runs = `${config.database}.${config.runsCollection}`;
  return withMongoClient(uri, 'create the indexes', mongoInitClientOptions(timeout), async (client) => {
    await write(
      io.stderr,
      `riskfence mongo-init: creating indexes on ${source} and ${runs}; a build on a large collection ` +
        'can take minutes: waiting for it\n',
    );
    let names: string[];
    try {
      names = await new MongoDetectionStore(client, mongoStoreOptions(config)).ensureIndexes();
    } catch (e) {
      if (!INDEX_CONFLICT_CODES.has(serverCode(e) ?? -1)) throw e;
      throw new InputError(await conflictMessage(client, config, e as Error));
    }
    const lines = names.map((name, i) => `  ${i === 0 ? source : runs}: ${name}`);
    await write(io.stdout, `indexes ready:\n${lines.join('\n')}\n`);
    return ExitCode.Ok;
  });
});

/**
 * Client options of `mongo-init`: server selection and connecting bounded
 * by `--timeout`, and no socket timeout (0), so that a long index build is
 * waited for instead of failing after the Lambda's 30 s.
 *
 * @example
 * mongoInitClientOptions(5_000).socketTimeoutMS; // 0
 */
export function mongoInitClientOptions(timeout: number) {
  return { serverSelectionTimeoutMS: timeout, connectTimeoutMS: timeout, socketTimeoutMS: 0 } as const;
}

/** The server's error code, on the error or on the driver error it wraps. */
function serverCode(e: unknown): number | undefined {
  for (let cause = e; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

async function conflictMessage(client: MongoClient, config: ServiceConfig, error: Error): Promise<string> {
  const db = client.db(config.database);
  const planned = await Promise.all(
    indexPlans(mongoStoreOptions(config)).map(async (plan) => {
      const collection = plan.collection === 'source' ? config.sourceCollection : config.runsCollection;
      const existing = (await db.collection(collection).listIndexes().toArray()) as ExistingIndex[];
      return { plan, collection, where: `${config.database}.${collection}`, existing };
    }),
  );
  const explained = explainIndexConflicts(planned);
  return explained.length > 0
    ? `an existing index conflicts with riskfence's (server code ${serverCode(error)}): ${explained.join('; ')}`
    : `an existing index conflicts with riskfence's (server code ${serverCode(error)}): ${error.message}`;
}
