import * as z from 'zod/mini';
import { DEFAULT_DEVIATION_LIMIT, DEFAULT_METRICS, DEFAULT_TIMEFRAMES } from '../core/detector-options.ts';
import type { FieldMapping } from '../core/document-reader.ts';
import { MAX_ASSETS, MAX_TIMEFRAME_DAYS } from '../requests/request-limits.ts';
import type { AlertPolicy } from '../service/alerts.ts';
import { SERVICE_DEFAULTS } from './service-defaults.ts';
import { useEnglishIssueMessages } from './zod-locale.ts';

/** The detection service's settings, read once from the environment at cold start. */
export interface ServiceConfig {
  /** MongoDB database. @default 'riskfence' */
  readonly database: string;
  /** Collection of source documents. @default 'risk_scores' */
  readonly sourceCollection: string;
  /** Collection of run summaries. @default 'anomaly_runs' */
  readonly runsCollection: string;
  /** Root field of the flags written back. @default 'anomalies' */
  readonly anomaliesField: string;
  /** Asset and time field paths and the configured metrics (all a request may ask for). */
  readonly mapping: FieldMapping;
  /** Default timeframes of a request, whole days. @default [3, 7, 30] */
  readonly timeframes: readonly number[];
  /** Default deviation limit `k`. @default 1.5 */
  readonly deviationLimit: number;
  /** Fewest finite values a window needs for fences. @default 1 */
  readonly minSamples: number;
  /** SQS URL of the dead-letter queue (`DLQ_URL`); required in AWS. */
  readonly deadLetterQueueUrl: string | undefined;
  /** Secrets Manager secret holding the MongoDB connection string (`MONGODB_SECRET_ARN`); AWS only. */
  readonly mongoSecretArn: string | undefined;
  /** CloudWatch metrics namespace. @default 'RiskFence' */
  readonly metricsNamespace: string;
  /** Powertools service name. @default 'riskfence' */
  readonly serviceName: string;
  /** SQS URL of the function's own request queue (`REQUEST_QUEUE_URL`): where all-asset requests fan out to. */
  readonly requestQueueUrl: string | undefined;
  /**
   * Most assets one detected request holds (`FAN_OUT_CHUNK_SIZE`); requests for every asset, or for
   * more assets than this, are split into chunk requests of this size (SPEC section 8). @default 250
   */
  readonly fanOutChunkSize: number;
  /** Records of one batch processed at once (`RECORD_CONCURRENCY`), bounding a batch's peak memory. @default 2 */
  readonly recordConcurrency: number;
  /**
   * Alerts (`ALERTS`=on|off, `ALERT_MIN_SCORE`, `ALERT_METRICS`, `ALERT_TIMEFRAMES`): which new flags are published
   * as EventBridge events. @default off
   */
  readonly alerts: AlertPolicy;
  /** EventBridge bus the alerts go to (`ALERT_BUS_NAME`); required when alerts are on in AWS. */
  readonly alertBusName: string | undefined;
}

/** Thrown when the environment holds an invalid setting; the message lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A collection or database name, or a field path: no empty segment, no `$` prefix, no NUL. */
const FIELD_PATH = /^(?!\$)[^.\0$][^.\0]*(\.[^.\0$][^.\0]*)*$/;
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,119}$/;

const fieldPath = (what: string) => z.string().check(z.regex(FIELD_PATH, `${what} is not a field path`));
const name = (what: string) => z.string().check(z.regex(NAME, `${what} is not a valid name`));
const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * Default assets per detected request. Measured by `npm run bench:service` (docs/benchmarks.md): the
 * worst case, hourly data in rolling mode on a first run, takes well under a third of the prod
 * function's 60-s timeout at this size, with peak memory far below its 1024 MB.
 */
export const DEFAULT_FAN_OUT_CHUNK_SIZE = 250;

/** Default records of a batch processed at once: a batch's peak memory is at most this many records'. */
export const DEFAULT_RECORD_CONCURRENCY = 2;

const positiveInt = (what: string, fallback: number, max: number) =>
  z._default(
    z.coerce
      .number(`${what} is not a number`)
      .check(
        z.int(`${what} must be an integer`),
        z.gte(1, `${what} must be >= 1`),
        z.lte(max, `${what} must be <= ${max}`),
      ),
    fallback,
  );

useEnglishIssueMessages();

const envSchema = z.object({
  MONGODB_DATABASE: z._default(name('MONGODB_DATABASE'), SERVICE_DEFAULTS.database),
  SOURCE_COLLECTION: z._default(name('SOURCE_COLLECTION'), SERVICE_DEFAULTS.sourceCollection),
  RUNS_COLLECTION: z._default(name('RUNS_COLLECTION'), SERVICE_DEFAULTS.runsCollection),
  ANOMALIES_FIELD: z._default(fieldPath('ANOMALIES_FIELD'), SERVICE_DEFAULTS.anomaliesField),
  ASSET_FIELD: z._default(fieldPath('ASSET_FIELD'), SERVICE_DEFAULTS.assetField),
  TIME_FIELD: z._default(fieldPath('TIME_FIELD'), SERVICE_DEFAULTS.timeField),
  METRICS: z._default(
    z.pipe(
      z.pipe(z.string(), z.transform(list)),
      z.array(fieldPath('each of METRICS')).check(
        z.minLength(1, 'METRICS needs at least one metric'),
        z.refine((m) => new Set(m).size === m.length, 'METRICS has duplicates'),
      ),
    ),
    [...DEFAULT_METRICS],
  ),
  TIMEFRAMES: z._default(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s: string) => list(s).map(Number)),
      ),
      z
        .array(
          z
            .number('each of TIMEFRAMES must be a number')
            .check(
              z.int('each of TIMEFRAMES must be a whole number of days'),
              z.gte(1, 'each of TIMEFRAMES must be at least 1 day'),
              z.lte(365, 'each of TIMEFRAMES must be at most 365 days'),
            ),
        )
        .check(
          z.minLength(1, 'TIMEFRAMES needs at least one timeframe'),
          z.refine((t) => new Set(t).size === t.length, 'TIMEFRAMES has duplicates'),
        ),
    ),
    [...DEFAULT_TIMEFRAMES],
  ),
  QUANTILE_DEVIATION_LIMIT: z._default(
    z.coerce
      .number('QUANTILE_DEVIATION_LIMIT is not a number')
      .check(
        z.gt(0, 'QUANTILE_DEVIATION_LIMIT must be > 0'),
        z.lte(100, 'QUANTILE_DEVIATION_LIMIT must be <= 100'),
      ),
    DEFAULT_DEVIATION_LIMIT,
  ),
  MIN_SAMPLES: z._default(
    z.coerce
      .number('MIN_SAMPLES is not a number')
      .check(z.int('MIN_SAMPLES must be an integer'), z.gte(1, 'MIN_SAMPLES must be >= 1')),
    SERVICE_DEFAULTS.minSamples,
  ),
  DLQ_URL: z.optional(z.url('DLQ_URL is not a URL')),
  MONGODB_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
  POWERTOOLS_METRICS_NAMESPACE: z._default(
    z.string().check(z.minLength(1)),
    SERVICE_DEFAULTS.metricsNamespace,
  ),
  POWERTOOLS_SERVICE_NAME: z._default(z.string().check(z.minLength(1)), SERVICE_DEFAULTS.serviceName),
  REQUEST_QUEUE_URL: z.optional(z.url('REQUEST_QUEUE_URL is not a URL')),
  FAN_OUT_CHUNK_SIZE: positiveInt('FAN_OUT_CHUNK_SIZE', DEFAULT_FAN_OUT_CHUNK_SIZE, MAX_ASSETS),
  RECORD_CONCURRENCY: positiveInt('RECORD_CONCURRENCY', DEFAULT_RECORD_CONCURRENCY, 10),
  ALERTS: z._default(z.enum(['on', 'off'], 'ALERTS must be on or off'), 'off'),
  ALERT_BUS_NAME: z.optional(name('ALERT_BUS_NAME')),
  ALERT_MIN_SCORE: z._default(
    z.coerce.number('ALERT_MIN_SCORE is not a number').check(z.gte(0, 'ALERT_MIN_SCORE must be >= 0')),
    0,
  ),
  ALERT_METRICS: z.optional(z.pipe(z.string(), z.transform(list))),
  ALERT_TIMEFRAMES: z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s: string) => list(s).map(Number)),
      ),
      z.array(z.int('each of ALERT_TIMEFRAMES must be a whole number of days')),
    ),
  ),
});

/**
 * Reads and validates the service's environment variables (names fixed by the
 * deployment; see the README) into a {@link ServiceConfig}. Empty variables
 * count as unset. `MONGODB_URI` is deliberately not part of the result, so a
 * logged configuration can never carry credentials: see `resolveMongoUri`.
 *
 * @param env - the environment, e.g. `process.env`
 * @returns the configuration
 * @throws {@link ConfigError} listing every invalid variable
 *
 * Complexity: O(size of the environment's relevant values).
 *
 * @example
 * const config = loadServiceConfig({ METRICS: 'volume,latest_price', TIMEFRAMES: '7' });
 * config.timeframes; // [7]
 */
export function loadServiceConfig(env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const present = Object.fromEntries(
    Object.keys(envSchema.shape)
      .map((k) => [k, env[k]?.trim()] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const config: ServiceConfig = {
    database: e.MONGODB_DATABASE,
    sourceCollection: e.SOURCE_COLLECTION,
    runsCollection: e.RUNS_COLLECTION,
    anomaliesField: e.ANOMALIES_FIELD,
    mapping: { assetField: e.ASSET_FIELD, timeField: e.TIME_FIELD, metrics: e.METRICS },
    timeframes: e.TIMEFRAMES,
    deviationLimit: e.QUANTILE_DEVIATION_LIMIT,
    minSamples: e.MIN_SAMPLES,
    deadLetterQueueUrl: e.DLQ_URL,
    mongoSecretArn: e.MONGODB_SECRET_ARN,
    metricsNamespace: e.POWERTOOLS_METRICS_NAMESPACE,
    serviceName: e.POWERTOOLS_SERVICE_NAME,
    requestQueueUrl: e.REQUEST_QUEUE_URL,
    fanOutChunkSize: e.FAN_OUT_CHUNK_SIZE,
    recordConcurrency: e.RECORD_CONCURRENCY,
    alerts: {
      enabled: e.ALERTS === 'on',
      minScore: e.ALERT_MIN_SCORE,
      metrics: e.ALERT_METRICS ?? null,
      timeframes: e.ALERT_TIMEFRAMES ?? null,
    },
    alertBusName: e.ALERT_BUS_NAME,
  };
  assertDistinctFields(config);
  assertAlertPolicy(config);
  return deepFreeze(config);
}

function assertDistinctFields(config: ServiceConfig): void {
  const { assetField, timeField, metrics } = config.mapping;
  const flags = config.anomaliesField;
  const clash = [assetField, timeField, ...metrics].find(
    (f) => f === flags || f.startsWith(`${flags}.`) || flags.startsWith(`${f}.`),
  );
  if (clash !== undefined) {
    throw new ConfigError(`invalid configuration: ANOMALIES_FIELD '${flags}' overlaps the field '${clash}'`);
  }
}

/** A typo in the alert settings would silence alerts without a word: refuse what can never alert. */
function assertAlertPolicy(config: ServiceConfig): void {
  const { metrics, timeframes } = config.alerts;
  const unknown = metrics?.filter((m) => !config.mapping.metrics.includes(m)) ?? [];
  if (unknown.length > 0) {
    throw new ConfigError(
      `invalid configuration: ALERT_METRICS names metrics not in METRICS: ${unknown.join(', ')}`,
    );
  }
  const bad = timeframes?.filter((t) => t < 1 || t > MAX_TIMEFRAME_DAYS) ?? [];
  if (bad.length > 0) {
    throw new ConfigError(
      `invalid configuration: ALERT_TIMEFRAMES must be days in 1..${MAX_TIMEFRAME_DAYS}: ${bad.join(', ')}`,
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
