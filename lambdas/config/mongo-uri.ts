import type { ServiceConfig } from './service-config.ts';
import { ConfigError } from './service-config.ts';

/** Reads a secret's string value by ARN or name. */
export type SecretFetcher = (secretId: string) => Promise<string>;

/** Seconds a fetched secret stays in the Powertools Parameters cache. */
const SECRET_MAX_AGE_SECONDS = 900;

/**
 * Powertools Parameters' `getSecret` (cached), loaded on first use so that
 * code paths without a secret never load the Secrets Manager client.
 *
 * @example
 * const text = await fetchSecretString('arn:aws:secretsmanager:eu-west-1:1:secret:mongo');
 */
export const fetchSecretString: SecretFetcher = async (secretId) => {
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(secretId, { maxAge: SECRET_MAX_AGE_SECONDS });
  if (typeof value !== 'string') throw new ConfigError('MONGODB_SECRET_ARN: the secret has no string value');
  return value;
};

/**
 * The MongoDB connection string: from the Secrets Manager secret named by
 * `MONGODB_SECRET_ARN` when configured (deployed stacks), else from the
 * `MONGODB_URI` environment variable (local use).
 *
 * The value is returned, never logged; error messages never quote it.
 *
 * @param config - the service configuration (gives the secret ARN)
 * @param env - the environment (gives `MONGODB_URI`)
 * @param fetchSecret - reads the secret @default {@link fetchSecretString}
 * @throws `ConfigError` when neither source is set or the secret holds no connection string
 *
 * @example
 * const uri = await resolveMongoUri(config, process.env);
 */
export async function resolveMongoUri(
  config: Pick<ServiceConfig, 'mongoSecretArn'>,
  env: Readonly<Record<string, string | undefined>>,
  fetchSecret: SecretFetcher = fetchSecretString,
): Promise<string> {
  if (config.mongoSecretArn !== undefined) {
    return parseSecretUri(await fetchSecret(config.mongoSecretArn));
  }
  const uri = env.MONGODB_URI?.trim();
  if (uri) return checkUri(uri, 'MONGODB_URI');
  throw new ConfigError('no MongoDB connection: set MONGODB_SECRET_ARN (in AWS) or MONGODB_URI (locally)');
}

/**
 * The connection string held by a secret: either the plain string or JSON
 * `{"uri": "mongodb+srv://…"}`.
 *
 * @throws `ConfigError` (without quoting the secret) when it holds neither
 * @example
 * parseSecretUri('{"uri":"mongodb://h:27017"}'); // 'mongodb://h:27017'
 */
export function parseSecretUri(secret: string): string {
  const text = secret.trim();
  if (!text.startsWith('{')) return checkUri(text, 'the MongoDB secret');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('the MongoDB secret is neither a connection string nor JSON with a "uri" key');
  }
  const uri = (parsed as { uri?: unknown }).uri;
  if (typeof uri !== 'string') throw new ConfigError('the MongoDB secret is JSON without a string "uri" key');
  return checkUri(uri.trim(), 'the MongoDB secret');
}

function checkUri(uri: string, source: string): string {
  if (!/^mongodb(\+srv)?:\/\//.test(uri)) {
    throw new ConfigError(`${source} does not hold a mongodb:// or mongodb+srv:// connection string`);
  }
  return uri;
}
