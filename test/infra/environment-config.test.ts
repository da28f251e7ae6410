import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENTS_CONTEXT_KEY,
  environmentConfigsFromContext,
  InvalidEnvironmentConfigError,
  parseEnvironmentConfig,
} from '../../lib/config/environment-config.ts';
import { MINIMAL_SETTINGS } from './synth-environment.ts';

const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  app: string;
  context: Record<string, unknown>;
};

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

/** `MINIMAL_SETTINGS` with `patch` merged in at the top level. */
const settingsWith = (patch: Record<string, unknown>): Record<string, unknown> => ({
  ...MINIMAL_SETTINGS,
  ...patch,
});

function errorOf(fn: () => unknown): InvalidEnvironmentConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidEnvironmentConfigError) return error;
    throw error;
  }
  throw new Error('expected InvalidEnvironmentConfigError');
}

describe('parseEnvironmentConfig', () => {
  it('applies the documented defaults to the minimal settings without mutating them', () => {
    const config = parseEnvironmentConfig('dev', MINIMAL_SETTINGS);
    expect(config).toMatchObject({
      name: 'dev',
      removalPolicy: 'retain',
      vpc: { mode: 'create', natGateways: 1, cidr: '10.0.0.0/16' },
      mongodb: {
        secret: { mode: 'create' },
        database: 'riskfence',
        sourceCollection: 'risk_scores',
        runsCollection: 'anomaly_runs',
        anomaliesField: 'anomalies',
        assetField: 'coin_id',
        timeField: 'timestamp',
        ports: [27017],
      },
      detector: { timeframes: [3, 7, 30], deviationLimit: 1.5, minSamples: 1 },
      function: {
        memoryMiB: 1024,
        timeoutSeconds: 60,
        logRetentionDays: 30,
        logLevel: 'INFO',
        recordConcurrency: 2,
      },
      fanOut: { chunkSize: 250 },
      queue: {
        maxReceiveCount: 5,
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
        maxConcurrency: 5,
        retentionDays: 4,
      },
      monitoring: { metricsNamespace: 'RiskFence', oldestMessageAgeAlarmSeconds: 900 },
    });
    expect(config.detector.metrics).toHaveLength(7);
    expect(config.schedule).toBeUndefined();
    expect(config.monitoring.alarmEmail).toBeUndefined();
  });

  it.each([
    ['a malformed account', { account: '12345' }, 'account', '12-digit'],
    [
      'an unknown key (a typo must not fall back to a default)',
      { queue: { batchsize: 5 } },
      'queue',
      'batchsize',
    ],
    ['a maxReceiveCount of 0', { queue: { maxReceiveCount: 0 } }, 'queue.maxReceiveCount', '>=1'],
    [
      'a batch size above 10 without a batching window',
      { queue: { batchSize: 100 } },
      'queue.maxBatchingWindowSeconds',
      'batchSize above 10',
    ],
    ['a maximum concurrency below 2', { queue: { maxConcurrency: 1 } }, 'queue.maxConcurrency', '>=2'],
    [
      'a log retention CloudWatch does not offer',
      { function: { logRetentionDays: 10 } },
      'function.logRetentionDays',
      'one of',
    ],
    ['fractional timeframes', { detector: { timeframes: [1.5] } }, 'detector.timeframes', 'whole days'],
    ['duplicate metrics', { detector: { metrics: ['volume', 'volume'] } }, 'detector.metrics', 'duplicates'],
    [
      'a created VPC without NAT',
      { vpc: { mode: 'create', availabilityZones: ['eu-west-1a'], natGateways: 0 } },
      'vpc.natGateways',
      'egress',
    ],
    [
      'an imported VPC with fewer subnets than AZs',
      {
        vpc: {
          mode: 'import',
          vpcId: 'vpc-0123456789abcdef0',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          privateSubnetIds: ['subnet-0123456789abcdef0'],
        },
      },
      'vpc.privateSubnetIds',
      'one subnet per entry',
    ],
    [
      'an imported secret with both a name and an ARN',
      {
        mongodb: {
          secret: {
            mode: 'import',
            secretName: 'riskfence/mongodb',
            secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:riskfence/mongodb-AbCdEf',
          },
        },
      },
      'mongodb.secret',
      'exactly one of secretName or secretArn',
    ],
    ['an invalid alarm email', { monitoring: { alarmEmail: 'ops' } }, 'monitoring.alarmEmail', 'email'],
    ['a fan-out chunk of no assets', { fanOut: { chunkSize: 0 } }, 'fanOut.chunkSize', '>=1'],
    [
      'a fan-out chunk larger than one request may be',
      { fanOut: { chunkSize: 1001 } },
      'fanOut.chunkSize',
      '<=1000',
    ],
    [
      'more records at once than the function allows',
      { function: { recordConcurrency: 11 } },
      'function.recordConcurrency',
      '<=10',
    ],
    [
      'a fractional record concurrency',
      { function: { recordConcurrency: 1.5 } },
      'function.recordConcurrency',
      'int',
    ],
    [
      'a fan-out alarm on a schedule rarer than daily',
      { schedule: { expression: 'rate(2 days)' } },
      'schedule.fanOutAlarm',
      'rarer than daily',
    ],
    [
      'a schedule that is not cron() or rate()',
      { schedule: { expression: 'daily' } },
      'schedule.expression',
      'cron',
    ],
  ])('rejects %s, naming the environment and the key path', (_what, patch, path, message) => {
    const error = errorOf(() => parseEnvironmentConfig('staging', Object.freeze(settingsWith(patch))));
    expect(error.message).toContain(`Invalid configuration for environment 'staging'`);
    expect(error.message).toContain(`"${ENVIRONMENTS_CONTEXT_KEY}.staging"`);
    expect(error.message).toContain(`at ${path}`);
    expect(error.message).toContain(message);
  });

  it('rejects a missing vpc with the key path', () => {
    const { vpc: _vpc, ...withoutVpc } = MINIMAL_SETTINGS;
    expect(errorOf(() => parseEnvironmentConfig('dev', withoutVpc)).message).toContain('at vpc');
  });

  it('rejects an environment name that cannot be part of a stack name', () => {
    expect(errorOf(() => parseEnvironmentConfig('Prod_1', MINIMAL_SETTINGS)).message).toContain(
      "Invalid environment name 'Prod_1'",
    );
  });
});

describe('environmentConfigsFromContext', () => {
  it('validates every environment of cdk.json, at least dev, staging and prod', () => {
    const configs = environmentConfigsFromContext(contextOf(cdkJson.context));
    expect(configs.map((c) => c.name)).toEqual(expect.arrayContaining(['dev', 'staging', 'prod']));
  });

  it('gives every cdk.json environment its fan-out chunk size and record concurrency', () => {
    const configs = environmentConfigsFromContext(contextOf(cdkJson.context));
    const byName = Object.fromEntries(configs.map((c) => [c.name, c]));
    // dev fans out small chunks so a small universe still exercises the fan-out path.
    expect(byName.dev?.fanOut.chunkSize).toBe(50);
    for (const name of ['staging', 'prod']) expect(byName[name]?.fanOut.chunkSize).toBe(250);
    for (const config of configs) expect(config.function.recordConcurrency).toBe(2);
    const raw = cdkJson.context[ENVIRONMENTS_CONTEXT_KEY] as Record<string, Record<string, unknown>>;
    for (const settings of Object.values(raw)) {
      expect(settings).toHaveProperty('fanOut.chunkSize');
      expect(settings).toHaveProperty('function.recordConcurrency');
    }
  });

  it('accepts a schedule rarer than daily once its fan-out alarm is off, and cron expressions as given', () => {
    for (const schedule of [
      { expression: 'rate(2 days)', fanOutAlarm: false },
      { expression: 'rate(2 days)', enabled: false },
      { expression: 'rate(24 hours)' },
      { expression: 'cron(0 0 ? * MON *)' },
    ]) {
      expect(parseEnvironmentConfig('dev', settingsWith({ schedule })).schedule).toMatchObject(schedule);
    }
  });

  it('cdk.json runs the app through tsx', () => {
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
  });

  it('deep-merges a riskfence:<env> JSON override from the command line over cdk.json settings', () => {
    const [config] = environmentConfigsFromContext(
      contextOf({
        [ENVIRONMENTS_CONTEXT_KEY]: {
          dev: { ...MINIMAL_SETTINGS, queue: { batchSize: 7, maxReceiveCount: 3 } },
        },
        'riskfence:dev':
          '{"account":"210987654321","queue":{"batchSize":4},"monitoring":{"alarmEmail":"ops@example.com"}}',
      }),
    );
    expect(config?.account).toBe('210987654321');
    expect(config?.queue).toMatchObject({ batchSize: 4, maxReceiveCount: 3 });
    expect(config?.monitoring.alarmEmail).toBe('ops@example.com');
    expect(config?.vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  it('rejects an override that is not a JSON object', () => {
    const read = contextOf({
      [ENVIRONMENTS_CONTEXT_KEY]: { dev: MINIMAL_SETTINGS },
      'riskfence:dev': 'account=1',
    });
    expect(errorOf(() => environmentConfigsFromContext(read)).message).toContain(
      'Context "riskfence:dev" must be a JSON object',
    );
  });

  it.each([
    ['missing', {}],
    ['empty', { [ENVIRONMENTS_CONTEXT_KEY]: {} }],
    ['not an object', { [ENVIRONMENTS_CONTEXT_KEY]: ['dev'] }],
  ])('explains a %s environments map', (_what, context) => {
    expect(errorOf(() => environmentConfigsFromContext(contextOf(context))).message).toContain(
      `Missing configuration: cdk.json context "${ENVIRONMENTS_CONTEXT_KEY}"`,
    );
  });
});
