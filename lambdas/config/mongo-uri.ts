import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ServiceConfig } from './service-config.ts';
import { ConfigError } from './service-config.ts';

/** How a secret is read: `fresh` bypasses the cache (the secret was rotated). */
export interface SecretReadOptions {
  readonly fresh?: boolean;
}

/** Reads a secret's string value by ARN or name. */
export type SecretFetcher = (secretId: string, options?: SecretReadOptions) => Promise<string>;

/** What {@link createSecretFetcher} reads with. */
export interface SecretFetcherOptions {
  /**
   * Wraps the Secrets Manager client once, before first use: the Lambda entry passes
   * `(c) => tracer.captureAWSv3Client(c)` so the call is traced without this module importing the tracer.
   * @default the client unchanged
   */
  readonly captureClient?: (client: SecretsManagerClient) => SecretsManagerClient;
}

/** Seconds a fetched secret stays in the Powertools Parameters cache. */
const SECRET_MAX_AGE_SECONDS = 900;

/**
 * A {@link SecretFetcher} over Powertools Parameters' `SecretsProvider`
 * (cached for {@link SECRET_MAX_AGE_SECONDS}; `fresh` forces a fetch and
 * refreshes the cache). The provider, its Secrets Manager client and their
 * modules are loaded on first use, so code paths without a secret never load
 * them; a failed load is retried on the next read.
 *
 * @param options - how the client is wrapped (tracing)
 * @returns the fetcher
 * @throws `ConfigError` (from the fetcher) when the secret has no string value
 *
 * @example
 * const fetchSecret = createSecretFetcher({ captureClient: (c) => tracer.captureAWSv3Client(c) });
 * const text = await fetchSecret(arn, { fresh: true });
 */
export function createSecretFetcher(options: SecretFetcherOptions = {}): SecretFetcher {
  let provider: Promise<SecretsProvider> | undefined;
  const load = async (): Promise<SecretsProvider> => {
    const [{ SecretsProvider }, { SecretsManagerClient }] = await Promise.all([
      import('@aws-lambda-powertools/parameters/secrets'),
      import('@aws-sdk/client-secrets-manager'),
    ]);
    const client = new SecretsManagerClient({});
    return new SecretsProvider({ awsSdkV3Client: options.captureClient?.(client) ?? client });
  };
  return async (secretId, { fresh = false } = {}) => {
    provider ??= load().catch((e: unknown) => {
      provider = undefined;
      throw e;
    });
    const value = await (await provider).get(secretId, { maxAge: SECRET_MAX_AGE_SECONDS, forceFetch: fresh });
    if (typeof value !== 'string')
      throw new ConfigError('MONGODB_SECRET_ARN: the secret has no string value');
    return value;
  };
}

/**
 * The default {@link SecretFetcher}: {@link createSecretFetcher} with an untraced client.
 *
 * @example
 * const text = await fetchSecretString('arn:aws:secretsmanager:eu-west-1:1:secret:mongo');
 */
export const fetchSecretString: SecretFetcher = createSecretFetcher();

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
 * @param options - `fresh: true` re-reads the secret past its cache (after an authentication failure)
 * @throws `ConfigError` when neither source is set or the secret holds no connection string
 *
 * @example
 * const uri = await resolveMongoUri(config, process.env);
 */
export async function resolveMongoUri(
  config: Pick<ServiceConfig, 'mongoSecretArn'>,
  env: Readonly<Record<string, string | undefined>>,
  fetchSecret: SecretFetcher = fetchSecretString,
  options: SecretReadOptions = {},
): Promise<string> {
  if (config.mongoSecretArn !== undefined) {
    return parseSecretUri(await fetchSecret(config.mongoSecretArn, options));
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
