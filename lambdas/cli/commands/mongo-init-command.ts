import { redactSecrets } from '../../config/redact.ts';
import { ConfigError, loadServiceConfig } from '../../config/service-config.ts';
import { numberFlag, parseFlags } from '../args.ts';
import { type Command, ExitCode, InputError, UsageError, write } from '../command.ts';

const USAGE = `Usage: riskfence mongo-init [--uri URI] [--timeout MS]

Creates, idempotently, the indexes the service relies on: (asset, time) on the
source collection and the unique run key (asset, asOf, paramsHash) on the runs
collection. Database, collections and fields come from the same environment
variables as the Lambda (MONGODB_DATABASE, SOURCE_COLLECTION, RUNS_COLLECTION,
ASSET_FIELD, TIME_FIELD).

Options:
  --uri URI      connection string (default: the MONGODB_URI environment variable)
  --timeout MS   how long to wait for the server (default 5000)
Exit status: 0 done, 1 no URI, invalid configuration or server unreachable.
`;

/** `riskfence mongo-init`: creates the service's MongoDB indexes. */
export const mongoInitCommand: Command = {
  name: 'mongo-init',
  usage: USAGE,
  async run(argv, io) {
    const { values } = parseFlags(argv, { uri: { type: 'string' }, timeout: { type: 'string' } });
    const timeout = values.timeout === undefined ? 5_000 : numberFlag('--timeout', values.timeout);
    if (!(Number.isInteger(timeout) && timeout > 0))
      throw new UsageError('--timeout must be a positive integer');
    const uri = (values.uri ?? io.env.MONGODB_URI)?.trim();
    if (!uri) throw new InputError('no MongoDB connection string: pass --uri or set MONGODB_URI');
    let config: ReturnType<typeof loadServiceConfig>;
    try {
      config = loadServiceConfig(io.env);
    } catch (e) {
      if (e instanceof ConfigError) throw new InputError(e.message);
      throw e;
    }
    // Loaded here so that other commands never pay for the driver.
    const { createMongoClient, MongoDetectionStore, mongoStoreOptions } = await import(
      '../../stores/mongo-store.ts'
    );
    let client: ReturnType<typeof createMongoClient>;
    try {
      client = createMongoClient(uri, { serverSelectionTimeoutMS: timeout, connectTimeoutMS: timeout });
    } catch (e) {
      throw new InputError(`invalid connection string: ${redactSecrets((e as Error).message)}`);
    }
    try {
      const names = await new MongoDetectionStore(client, mongoStoreOptions(config)).ensureIndexes();
      const where = [config.sourceCollection, config.runsCollection];
      const lines = names.map((name, i) => `  ${config.database}.${where[i]}: ${name}`);
      await write(io.stdout, `indexes ready:\n${lines.join('\n')}\n`);
      return ExitCode.Ok;
    } catch (e) {
      throw new InputError(`cannot create the indexes: ${redactSecrets((e as Error).message)}`);
    } finally {
      await client.close();
    }
  },
};
