import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it, vi } from 'vitest';
import { createSecretFetcher, resolveMongoUri } from '../../lambdas/config/mongo-uri.ts';
import { ConfigError } from '../../lambdas/config/service-config.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongo';

/** A real client whose `send` answers from `values` in turn, recording the secret ids asked for. */
function answeringClient(...values: Record<string, unknown>[]) {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const asked: string[] = [];
  vi.spyOn(client, 'send').mockImplementation(async (command: unknown) => {
    if (!(command instanceof GetSecretValueCommand)) throw new Error('unexpected command');
    asked.push(String(command.input.SecretId));
    return values[Math.min(asked.length - 1, values.length - 1)];
  });
  return { client, asked };
}

describe('createSecretFetcher', () => {
  it('reads through the captured client once, then from the cache', async () => {
    const { client, asked } = answeringClient({ SecretString: 'mongodb://a' });
    const captured: SecretsManagerClient[] = [];
    const fetchSecret = createSecretFetcher({
      captureClient: (c) => {
        captured.push(c);
        return client;
      },
    });
    expect(await fetchSecret(ARN)).toBe('mongodb://a');
    expect(await fetchSecret(ARN)).toBe('mongodb://a');
    expect(asked).toEqual([ARN]);
    expect(captured).toHaveLength(1);
    expect(captured[0]).toBeInstanceOf(SecretsManagerClient);
  });

  it('fresh bypasses the cache and the new value is cached for later reads', async () => {
    const { client, asked } = answeringClient(
      { SecretString: 'mongodb://old' },
      { SecretString: 'mongodb://new' },
    );
    const fetchSecret = createSecretFetcher({ captureClient: () => client });
    expect(await fetchSecret(ARN)).toBe('mongodb://old');
    expect(await fetchSecret(ARN, { fresh: true })).toBe('mongodb://new');
    expect(await fetchSecret(ARN)).toBe('mongodb://new');
    expect(asked).toEqual([ARN, ARN]);
  });

  it('a secret without a string value is a ConfigError', async () => {
    const { client } = answeringClient({ SecretBinary: new Uint8Array([1, 2]) });
    const fetchSecret = createSecretFetcher({ captureClient: () => client });
    await expect(fetchSecret(ARN)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('resolveMongoUri(config, env, fetchSecret, { fresh })', () => {
  it('passes fresh to the fetcher', async () => {
    const calls: unknown[] = [];
    const fetchSecret = async (id: string, options?: { fresh?: boolean }) => {
      calls.push([id, options?.fresh]);
      return '{"uri":"mongodb://h:27017"}';
    };
    expect(await resolveMongoUri({ mongoSecretArn: ARN }, {}, fetchSecret, { fresh: true })).toBe(
      'mongodb://h:27017',
    );
    expect(await resolveMongoUri({ mongoSecretArn: ARN }, {}, fetchSecret)).toBe('mongodb://h:27017');
    expect(calls).toEqual([
      [ARN, true],
      [ARN, undefined],
    ]);
  });
});
