/**
 * The service's settings for an empty environment, apart from the schema that
 * validates them: `loadServiceConfig` applies them, and the CLI's option
 * tables and help quote them without loading the schema library. The
 * detector's own defaults (metrics, timeframes, deviation limit) live with
 * the detector options.
 *
 * @example
 * SERVICE_DEFAULTS.database; // 'riskfence'
 */
export const SERVICE_DEFAULTS = {
  database: 'riskfence',
  sourceCollection: 'risk_scores',
  runsCollection: 'anomaly_runs',
  anomaliesField: 'anomalies',
  assetField: 'coin_id',
  timeField: 'timestamp',
  minSamples: 1,
  metricsNamespace: 'RiskFence',
  serviceName: 'riskfence',
} as const;
