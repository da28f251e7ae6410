import { createHash } from 'node:crypto';
import type { Mode } from '../core/detector-options.ts';
import type { Direction } from '../core/fences.ts';
import { formatIso } from '../core/timestamp.ts';
import type { Anomaly } from './detect-job.ts';

/**
 * The detail of one "Anomaly detected" event (SPEC of issue K): a flagged
 * value whose verdict is new in this run — the same definition
 * `AnomaliesDetected` counts. Instants are ISO strings.
 */
export interface AlertDetail {
  /** Stable across retries and reruns: a hash of asset, metric, timeframe, time and the parameters. */
  readonly id: string;
  readonly asset: string;
  readonly metric: string;
  /** Days. */
  readonly timeframe: number;
  readonly direction: Direction;
  /** IQR units beyond the fence; `null` when the IQR was 0. */
  readonly score: number | null;
  /** The observation's time. */
  readonly time: string;
  readonly value: number;
  readonly fences: { readonly lower: number; readonly upper: number };
  readonly asOf: string;
  readonly mode: Mode;
  readonly deviationLimit: number;
  /** The SQS message whose run found it. */
  readonly messageId: string;
}

/** Which new flags are published; off unless configured. */
export interface AlertPolicy {
  readonly enabled: boolean;
  /** Least |score| that alerts; a `null` score (IQR 0: any move off a flat series) always passes. @default 0 */
  readonly minScore: number;
  /** Metrics that alert; `null` = all. */
  readonly metrics: readonly string[] | null;
  /** Timeframes (days) that alert; `null` = all. */
  readonly timeframes: readonly number[] | null;
}

/** Alerts off: the default. */
export const ALERTS_OFF: AlertPolicy = Object.freeze({
  enabled: false,
  minScore: 0,
  metrics: null,
  timeframes: null,
});

/** Where alerts go: EventBridge in AWS, a list (or any EventBridge API) locally. */
export interface AlertPublisher {
  /**
   * Publishes every alert or throws (then the record is retried; its run
   * summaries were not written, so the retry finds the same flags new again
   * and publishes them again: delivery is at least once, `id` deduplicates).
   */
  publish(alerts: readonly AlertDetail[]): Promise<void>;
}

/** Thrown by an {@link AlertPublisher} when some alerts could not be published: the record is retried (transient). */
export class AlertPublishError extends Error {
  override readonly name = 'AlertPublishError';

  /** Alerts left unpublished (`AlertsFailed`). */
  readonly failed: number;

  constructor(message: string, failed = 0, options?: ErrorOptions) {
    super(message, options);
    this.failed = failed;
  }
}

/**
 * Whether a new flag alerts under a policy.
 *
 * @example
 * alerts({ enabled: true, minScore: 2, metrics: null, timeframes: [30] }, anomaly); // score ≥ 2 on 30 days
 */
export function alerts(policy: AlertPolicy, a: Anomaly): boolean {
  if (!policy.enabled || !a.isNew) return false;
  if (policy.metrics !== null && !policy.metrics.includes(a.metric)) return false;
  if (policy.timeframes !== null && !policy.timeframes.includes(a.timeframe)) return false;
  return a.score === null || Math.abs(a.score) >= policy.minScore;
}

/**
 * The event detail of a new flag, with its stable id (first 32 hex digits of
 * SHA-256 over asset, metric, timeframe, time, mode and deviation limit), so
 * consumers can drop the duplicates at-least-once delivery brings.
 *
 * @example
 * alertDetail(anomaly, { asOf, mode: 'window', deviationLimit: 1.5, messageId: 'm-1' }).id; // '5d41…' (32 hex)
 */
export function alertDetail(
  a: Anomaly,
  run: {
    readonly asOf: number;
    readonly mode: Mode;
    readonly deviationLimit: number;
    readonly messageId: string;
  },
): AlertDetail {
  const key = JSON.stringify([a.asset, a.metric, a.timeframe, a.time, run.mode, run.deviationLimit]);
  return {
    id: createHash('sha256').update(key).digest('hex').slice(0, 32),
    asset: a.asset,
    metric: a.metric,
    timeframe: a.timeframe,
    direction: a.direction,
    score: a.score,
    time: formatIso(a.time),
    value: a.value,
    fences: { lower: a.lower, upper: a.upper },
    asOf: formatIso(run.asOf),
    mode: run.mode,
    deviationLimit: run.deviationLimit,
    messageId: run.messageId,
  };
}
