import { describe, expect, it } from 'vitest';
import { parseSecretUri, resolveMongoUri } from '../../lambdas/config/mongo-uri.ts';
import { redactingReplacer, redactSecrets } from '../../lambdas/config/redact.ts';
import { ConfigError, loadServiceConfig } from '../../lambdas/config/service-config.ts';
import { DEFAULT_METRICS } from '../../lambdas/core/detector-options.ts';

describe('loadServiceConfig(env)', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(loadServiceConfig({})).toEqual({
      database: 'riskfence',
      sourceCollection: 'risk_scores',
      runsCollection: 'anomaly_runs',
      anomaliesField: 'anomalies',
      mapping: { assetField: 'coin_id', timeField: 'timestamp', metrics: [...DEFAULT_METRICS] },
      timeframes: [3, 7, 30],
      deviationLimit: 1.5,
      minSamples: 1,
      deadLetterQueueUrl: undefined,
      mongoSecretArn: undefined,
      metricsNamespace: 'RiskFence',
      serviceName: 'riskfence',
      requestQueueUrl: undefined,
      fanOutChunkSize: 250,
      recordConcurrency: 2,
      alerts: { enabled: false, minScore: 0, metrics: null, timeframes: null },
      alertBusName: undefined,
    });
  });

  it('reads the alert policy', () => {
    const config = loadServiceConfig({
      ALERTS: 'on',
      ALERT_BUS_NAME: 'riskfence-prod',
      ALERT_MIN_SCORE: '2.5',
      ALERT_METRICS: 'latest_price, volume',
      ALERT_TIMEFRAMES: '7,30',
    });
    expect([config.alerts, config.alertBusName]).toEqual([
      { enabled: true, minScore: 2.5, metrics: ['latest_price', 'volume'], timeframes: [7, 30] },
      'riskfence-prod',
    ]);
  });

  it.each([
    ['FAN_OUT_CHUNK_SIZE', '0', 'FAN_OUT_CHUNK_SIZE must be >= 1'],
    ['FAN_OUT_CHUNK_SIZE', '1001', 'FAN_OUT_CHUNK_SIZE must be <= 1000'],
    ['RECORD_CONCURRENCY', '2.5', 'RECORD_CONCURRENCY must be an integer'],
    ['REQUEST_QUEUE_URL', 'not a url', 'REQUEST_QUEUE_URL is not a URL'],
    ['ALERTS', 'yes', 'ALERTS must be on or off'],
    ['ALERT_MIN_SCORE', '-1', 'ALERT_MIN_SCORE must be >= 0'],
    ['ALERT_TIMEFRAMES', '7,0.5', 'each of ALERT_TIMEFRAMES must be a whole number of days'],
    ['ALERT_TIMEFRAMES', '0,-3,365000', 'ALERT_TIMEFRAMES must be days in 1..365: 0, -3, 365000'],
    ['ALERT_METRICS', 'latest_prize', 'ALERT_METRICS names metrics not in METRICS: latest_prize'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(() => loadServiceConfig({ [name]: value })).toThrow(message);
  });

  it('reads every variable, trimming lists and treating empty values as unset', () => {
    const config = loadServiceConfig({
      MONGODB_DATABASE: 'risk',
      SOURCE_COLLECTION: 'scores',
      RUNS_COLLECTION: 'runs',
      ANOMALIES_FIELD: 'qa.flags',
      ASSET_FIELD: 'asset.id',
      TIME_FIELD: 'ts',
      METRICS: ' volume , market_cap ',
      TIMEFRAMES: '7,30',
      QUANTILE_DEVIATION_LIMIT: '3',
      MIN_SAMPLES: '5',
      DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/riskfence-dlq',
      MONGODB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongo',
      POWERTOOLS_METRICS_NAMESPACE: '',
    });
    expect(config).toMatchObject({
      database: 'risk',
      anomaliesField: 'qa.flags',
      mapping: { assetField: 'asset.id', timeField: 'ts', metrics: ['volume', 'market_cap'] },
      timeframes: [7, 30],
      deviationLimit: 3,
      minSamples: 5,
      metricsNamespace: 'RiskFence',
    });
    expect(Object.isFrozen(config.mapping.metrics)).toBe(true);
  });

  it('lists every invalid variable in one ConfigError', () => {
    const attempt = () =>
      loadServiceConfig({
        TIMEFRAMES: '0.5,x',
        QUANTILE_DEVIATION_LIMIT: 'abc',
        MIN_SAMPLES: '0',
        METRICS: '$where',
        DLQ_URL: 'queue',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (e) {
        return (e as Error).message;
      }
    })();
    for (const name of ['TIMEFRAMES', 'QUANTILE_DEVIATION_LIMIT', 'MIN_SAMPLES', 'METRICS', 'DLQ_URL']) {
      expect(message).toContain(name);
    }
  });

  it.each([
    ['TIMEFRAMES', '366'],
    ['TIMEFRAMES', '7,7'],
    ['METRICS', 'volume,volume'],
    ['QUANTILE_DEVIATION_LIMIT', '101'],
    ['ANOMALIES_FIELD', 'volume'],
  ])('rejects %s=%s', (name, value) => {
    expect(() => loadServiceConfig({ [name]: value })).toThrow(ConfigError);
  });
});

describe('resolveMongoUri(config, env, fetchSecret)', () => {
  const uri = 'mongodb+srv://svc:s3cret@cluster0.example.net/riskfence';

  it('reads the secret when MONGODB_SECRET_ARN is configured, as JSON {"uri"} or a plain string', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:1:secret:m';
    const asked: string[] = [];
    const fetch = async (id: string) => {
      asked.push(id);
      return JSON.stringify({ uri });
    };
    expect(await resolveMongoUri({ mongoSecretArn: arn }, { MONGODB_URI: 'mongodb://ignored' }, fetch)).toBe(
      uri,
    );
    expect(asked).toEqual([arn]);
    expect(await resolveMongoUri({ mongoSecretArn: arn }, {}, async () => `  ${uri}\n`)).toBe(uri);
  });

  it('falls back to MONGODB_URI locally and fails clearly when neither is set', async () => {
    expect(await resolveMongoUri({ mongoSecretArn: undefined }, { MONGODB_URI: uri })).toBe(uri);
    await expect(resolveMongoUri({ mongoSecretArn: undefined }, {})).rejects.toThrow(
      /MONGODB_SECRET_ARN.*MONGODB_URI/,
    );
  });

  it('rejects a secret without a connection string, without quoting it', () => {
    for (const secret of ['{"user":"svc","password":"s3cret"}', 'postgres://svc:s3cret@h', '{oops s3cret']) {
      expect(() => parseSecretUri(secret)).toThrow(ConfigError);
      try {
        parseSecretUri(secret);
      } catch (e) {
        expect((e as Error).message).not.toContain('s3cret');
      }
    }
  });
});

describe('redactSecrets(text)', () => {
  it.each([
    ['connect mongodb://u:p@h:27017/db?tls=true failed', 'connect mongodb://<redacted> failed'],
    ['"mongodb+srv://admin:pw@c.example.net"', '"mongodb://<redacted>"'],
    ['no uri here', 'no uri here'],
    ['expected "mongodb://" or "mongodb+srv://"', 'expected "mongodb://" or "mongodb+srv://"'],
  ])('%s → %s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('redactingReplacer redacts nested strings in JSON', () => {
    expect(JSON.stringify({ a: [{ b: 'x mongodb://u:p@h y' }] }, redactingReplacer)).toBe(
      '{"a":[{"b":"x mongodb://<redacted> y"}]}',
    );
  });
});
