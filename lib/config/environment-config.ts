import { z } from 'zod';
import {
  DEFAULT_FAN_OUT_CHUNK_SIZE,
  DEFAULT_RECORD_CONCURRENCY,
} from '../../lambdas/config/service-config.ts';
import { SERVICE_DEFAULTS } from '../../lambdas/config/service-defaults.ts';
import {
  DEFAULT_DEVIATION_LIMIT,
  DEFAULT_METRICS,
  DEFAULT_TIMEFRAMES,
} from '../../lambdas/core/detector-options.ts';
import { MAX_ASSETS } from '../../lambdas/requests/request-limits.ts';
import { MAX_RECORD_CONCURRENCY } from '../constructs/detector-function.ts';

/** Log retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** What happens to stateful resources (queues, secret, log groups, key) when the stack is deleted. */
export const RemovalMode = { Retain: 'retain', Destroy: 'destroy' } as const;
/** `'retain'` or `'destroy'`. */
export type RemovalMode = (typeof RemovalMode)[keyof typeof RemovalMode];

const availabilityZone = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'expected an AZ name like eu-west-1a');
const availabilityZones = z.array(availabilityZone).min(1).max(6);
const physicalName = z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected 1-80 letters, digits, _ or -');

const createdVpc = z.strictObject({
  mode: z.literal('create'),
  /** Explicit AZs so that synth needs no `availability-zones` context lookup. */
  availabilityZones,
  natGateways: z
    .int()
    .min(1, 'the function needs egress to MongoDB Atlas: natGateways >= 1')
    .max(6)
    .default(1),
  cidr: z
    .string()
    .regex(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-4])$/, 'expected an IPv4 CIDR from /16 to /24')
    .default('10.0.0.0/16'),
});

const importedVpc = z
  .strictObject({
    mode: z.literal('import'),
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id like vpc-0123456789abcdef0'),
    availabilityZones,
    /** Private subnets with egress (NAT or equivalent), one per AZ, in the order of `availabilityZones`. */
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'expected a subnet id')).min(1),
  })
  .refine((v) => v.privateSubnetIds.length === v.availabilityZones.length, {
    message: 'privateSubnetIds needs exactly one subnet per entry of availabilityZones',
    path: ['privateSubnetIds'],
  });

const createdSecret = z.strictObject({
  mode: z.literal('create'),
  secretName: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/)
    .optional(),
});

const importedSecret = z
  .strictObject({
    mode: z.literal('import'),
    secretName: z
      .string()
      .regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/)
      .optional(),
    secretArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
        'expected a complete secret ARN',
      )
      .optional(),
  })
  .refine((s) => (s.secretName === undefined) !== (s.secretArn === undefined), {
    message: 'an imported secret needs exactly one of secretName or secretArn',
  });

const fieldName = z
  .string()
  .max(128)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'expected a (dotted) MongoDB field path');
const collectionName = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,119}$/, 'expected a MongoDB collection name');
const unique = <T>(values: readonly T[]): boolean => new Set(values).size === values.length;

const mongodb = z.strictObject({
  secret: z.discriminatedUnion('mode', [createdSecret, importedSecret]).prefault({ mode: 'create' }),
  database: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default(SERVICE_DEFAULTS.database),
  sourceCollection: collectionName.default(SERVICE_DEFAULTS.sourceCollection),
  runsCollection: collectionName.default(SERVICE_DEFAULTS.runsCollection),
  anomaliesField: fieldName.default(SERVICE_DEFAULTS.anomaliesField),
  assetField: fieldName.default(SERVICE_DEFAULTS.assetField),
  timeField: fieldName.default(SERVICE_DEFAULTS.timeField),
  /** TCP ports the function may open to MongoDB (security group egress). */
  ports: z
    .array(z.int().min(1).max(65_535))
    .min(1)
    .default(() => [27017]),
});

const detector = z.strictObject({
  metrics: z
    .array(fieldName)
    .min(1)
    .refine(unique, 'metrics has duplicates')
    .default(() => [...DEFAULT_METRICS]),
  /** Whole days, as the handler's TIMEFRAMES parser requires. */
  timeframes: z
    .array(z.int('timeframes are whole days').min(1).max(365))
    .min(1)
    .refine(unique, 'timeframes has duplicates')
    .default(() => [...DEFAULT_TIMEFRAMES]),
  deviationLimit: z.number().gt(0).max(100).default(DEFAULT_DEVIATION_LIMIT),
  minSamples: z.int().min(1).default(SERVICE_DEFAULTS.minSamples),
});

const detectorFunction = z.strictObject({
  memoryMiB: z.int().min(128).max(10_240).default(1024),
  timeoutSeconds: z.int().min(1).max(900).default(60),
  logRetentionDays: z
    .literal(LOG_RETENTION_DAYS, { error: `expected one of ${LOG_RETENTION_DAYS.join(', ')}` })
    .default(30),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  /**
   * `RECORD_CONCURRENCY`: records of one batch detected at once. A batch's peak memory is this many records'
   * (each a chunk of at most `fanOut.chunkSize` assets), and an invocation takes about
   * ceil(queue.batchSize / recordConcurrency) chunk times, which must stay inside `timeoutSeconds`.
   */
  recordConcurrency: z.int().min(1).max(MAX_RECORD_CONCURRENCY).default(DEFAULT_RECORD_CONCURRENCY),
  functionName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

const queue = z
  .strictObject({
    maxReceiveCount: z.int().min(1).max(1000).default(5),
    batchSize: z.int().min(1).max(10_000).default(10),
    maxBatchingWindowSeconds: z.int().min(0).max(300).default(0),
    maxConcurrency: z.int().min(2).max(1000).default(5),
    retentionDays: z.int().min(1).max(14).default(4),
    queueName: physicalName.optional(),
    deadLetterQueueName: physicalName.optional(),
  })
  .refine((q) => q.batchSize <= 10 || q.maxBatchingWindowSeconds >= 1, {
    message: 'a batchSize above 10 requires maxBatchingWindowSeconds >= 1 (an SQS event source rule)',
    path: ['maxBatchingWindowSeconds'],
  });

const fanOut = z.strictObject({
  /**
   * `FAN_OUT_CHUNK_SIZE`: most assets per chunk request. Requests for every asset (and larger ones) are split
   * into chunks of this size on the function's own queue; one chunk must fit the function's memory and a
   * fraction of its timeout (docs/deploy.md, "Fan-out and record concurrency").
   */
  // The function's own default (measured), so that cdk.json and a bare function agree.
  chunkSize: z.int().min(1).max(MAX_ASSETS).default(DEFAULT_FAN_OUT_CHUNK_SIZE),
});

const monitoring = z.strictObject({
  metricsNamespace: z
    .string()
    .regex(/^[A-Za-z0-9_./#:-]{1,255}$/)
    .default('RiskFence'),
  alarmEmail: z.email().optional(),
  oldestMessageAgeAlarmSeconds: z.int().min(60).default(900),
  dashboardName: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/)
    .optional(),
});

const schedule = z
  .strictObject({
    enabled: z.boolean().default(true),
    expression: z
      .string()
      .regex(/^(cron|rate)\(.+\)$/, 'expected an EventBridge Scheduler cron(...) or rate(...) expression')
      .default('cron(15 0 * * ? *)'),
    timeZone: z.string().min(1).default('UTC'),
    /**
     * Alarm when a whole day passes without a chunk request sent while the schedule is enabled (the schedule
     * stopped, or the listing found no asset with data). Turn off for schedules that run less than daily.
     */
    fanOutAlarm: z.boolean().default(true),
  })
  .refine((s) => !(s.enabled && s.fanOutAlarm && rarerThanDaily(s.expression)), {
    message:
      'a schedule rarer than daily cannot satisfy the one-day fan-out alarm: set schedule.fanOutAlarm to false',
    path: ['fanOutAlarm'],
  });

/**
 * Highest threshold EventBridge numeric matching accepts (it compares numbers from -5e9 to 5e9); scores are IQR
 * units beyond a fence, so any sensible threshold is far below it.
 */
export const MAX_NOTIFY_MIN_SCORE = 5e9;

const alertNotification = z.strictObject({
  /**
   * Least score an alert needs to reach the alert topic (an EventBridge numeric match on `detail.score`). Unset,
   * every published alert does. A `null` score (the window's IQR was 0) always does, as it always passes
   * `alerts.minScore`: a move off a flat series has no finite size, which is no reason to stay quiet about it.
   */
  minScore: z.number().min(0).max(MAX_NOTIFY_MIN_SCORE).optional(),
  /** An address to subscribe to the alert topic (the recipient must confirm). */
  email: z.email().optional(),
});

const alerts = z.strictObject({
  /** `ALERTS`: publish an EventBridge event for every new flag that passes the filters below. */
  enabled: z.boolean().default(false),
  /** `ALERT_MIN_SCORE`: least |score| that alerts (a `null` score always does). */
  minScore: z.number().min(0).default(0),
  /** `ALERT_METRICS`: metrics that alert, a subset of `detector.metrics`; unset = all. */
  metrics: z.array(fieldName).min(1).refine(unique, 'alerts.metrics has duplicates').optional(),
  /**
   * `ALERT_TIMEFRAMES`: windows (days) that alert; unset = all. Not limited to `detector.timeframes`, the
   * default ones: a request may name other timeframes.
   */
  timeframes: z
    .array(z.int('timeframes are whole days').min(1).max(365))
    .min(1)
    .refine(unique, 'alerts.timeframes has duplicates')
    .optional(),
  /** The custom bus's name. @default `riskfence-<environment>` */
  busName: physicalName.optional(),
  /** A rule on the bus forwarding alerts to an encrypted SNS topic; unset = no rule, no topic. */
  notify: alertNotification.optional(),
});

/** Whether a `rate(...)` expression runs less often than once a day (cron expressions are not judged). */
function rarerThanDaily(expression: string): boolean {
  const rate = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/.exec(expression);
  if (rate === null) return false;
  const minutes = { minute: 1, hour: 60, day: 1440 }[rate[2]!.replace(/s$/, '') as 'minute' | 'hour' | 'day'];
  return Number(rate[1]) * minutes > 1440;
}

/** Zod schema of one environment's settings (the value under `riskfence:environments.<name>` in cdk.json). */
export const environmentConfigSchema = z
  .strictObject({
    account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like eu-west-1'),
    removalPolicy: z.enum([RemovalMode.Retain, RemovalMode.Destroy]).default(RemovalMode.Retain),
    vpc: z.discriminatedUnion('mode', [createdVpc, importedVpc]),
    mongodb: mongodb.prefault({}),
    detector: detector.prefault({}),
    function: detectorFunction.prefault({}),
    queue: queue.prefault({}),
    fanOut: fanOut.prefault({}),
    monitoring: monitoring.prefault({}),
    schedule: schedule.optional(),
    alerts: alerts.prefault({}),
  })
  .refine(
    (c) => c.alerts.metrics === undefined || c.alerts.metrics.every((m) => c.detector.metrics.includes(m)),
    {
      // The function computes only detector.metrics; any other metric could never alert.
      message: 'alerts.metrics must be a subset of detector.metrics',
      path: ['alerts', 'metrics'],
    },
  );

/** One environment's validated settings, every default applied, plus its name. */
export type EnvironmentConfig = z.output<typeof environmentConfigSchema> & { readonly name: string };

/** Raised when an environment's cdk.json settings are missing or invalid; the message lists every problem. */
export class InvalidEnvironmentConfigError extends Error {
  override readonly name = 'InvalidEnvironmentConfigError';
}

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * Validates one environment's raw settings and applies the defaults.
 *
 * Unknown keys are errors (a typo must not silently fall back to a default).
 *
 * @throws InvalidEnvironmentConfigError naming the environment and every invalid key path.
 * @example
 * parseEnvironmentConfig('dev', { account: '111111111111', region: 'eu-west-1',
 *   vpc: { mode: 'create', availabilityZones: ['eu-west-1a', 'eu-west-1b'] } }).queue.maxReceiveCount; // 5
 */
export function parseEnvironmentConfig(name: string, raw: unknown): EnvironmentConfig {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new InvalidEnvironmentConfigError(
      `Invalid environment name '${name}': expected lower-case letters, digits and '-', starting with a letter (max 20).`,
    );
  }
  const parsed = environmentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidEnvironmentConfigError(
      `Invalid configuration for environment '${name}' (cdk.json context "${ENVIRONMENTS_CONTEXT_KEY}.${name}"):\n${z.prettifyError(parsed.error)}`,
    );
  }
  return { ...parsed.data, name };
}

/** The cdk.json context key holding `{ <environment name>: settings }`. */
export const ENVIRONMENTS_CONTEXT_KEY = 'riskfence:environments';

/** Reads a context value from the construct tree (a narrow view of `Node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/**
 * Reads, merges and validates every environment from CDK context.
 *
 * Settings come from `riskfence:environments.<name>` (cdk.json); a context value `riskfence:<name>` (a JSON
 * object, e.g. `-c 'riskfence:dev={"account":"123456789012"}'`) is deep-merged over them so that a deploy can
 * override settings without editing cdk.json.
 *
 * @throws InvalidEnvironmentConfigError when the map is missing or empty, an override is not a JSON object,
 *   or any environment is invalid.
 * @example
 * const configs = environmentConfigsFromContext((key) => app.node.tryGetContext(key));
 */
export function environmentConfigsFromContext(read: ContextReader): EnvironmentConfig[] {
  const environments = read(ENVIRONMENTS_CONTEXT_KEY);
  if (!isPlainObject(environments) || Object.keys(environments).length === 0) {
    throw new InvalidEnvironmentConfigError(
      `Missing configuration: cdk.json context "${ENVIRONMENTS_CONTEXT_KEY}" must map environment names (dev, staging, prod, ...) to their settings.`,
    );
  }
  return Object.entries(environments).map(([name, settings]) =>
    parseEnvironmentConfig(name, deepMerge(settings, contextOverride(read, name))),
  );
}

function contextOverride(read: ContextReader, name: string): unknown {
  const key = `riskfence:${name}`;
  const value = read(key);
  if (value === undefined) return undefined;
  // `-c key=value` on the command line always yields a string; cdk.json may hold an object.
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  if (!isPlainObject(parsed)) {
    throw new InvalidEnvironmentConfigError(
      `Context "${key}" must be a JSON object of settings to override.`,
    );
  }
  return parsed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) in `override` replaces `base`. */
function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}
