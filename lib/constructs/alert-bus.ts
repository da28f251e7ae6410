import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Properties of {@link AlertBus}. */
export interface AlertBusProps {
  /** The detector function: it publishes the alerts (`ALERT_*` variables, `events:PutEvents` on the bus). */
  readonly function: LambdaFunction;
  /** The bus's name (`ALERT_BUS_NAME`), one per environment, e.g. `riskfence-prod`. */
  readonly eventBusName: string;
  /**
   * `ALERT_MIN_SCORE`: least |score| that alerts (a `null` score, IQR 0, always does).
   * @default 0
   */
  readonly minScore?: number;
  /**
   * `ALERT_METRICS`: metrics that alert.
   * @default - every metric the function computes
   */
  readonly metrics?: readonly string[];
  /**
   * `ALERT_TIMEFRAMES`: windows (whole days) that alert.
   * @default - every timeframe, those a request names included
   */
  readonly timeframes?: readonly number[];
}

/**
 * The environment's custom EventBridge bus for "Anomaly detected" events, and the detector function set up to
 * publish to it: `ALERTS=on` with its policy variables, and `events:PutEvents` on this bus only.
 *
 * A custom bus, not the default one, so that rules on it see riskfence's alerts and nothing else, and the
 * function's permission names one bus ARN rather than the account's default bus that every service shares.
 *
 * @example
 * new AlertBus(this, 'Alerts', { function: detector.function, eventBusName: 'riskfence-prod', minScore: 2 });
 */
export class AlertBus extends Construct {
  /** The bus the function publishes to. */
  readonly eventBus: EventBus;

  constructor(scope: Construct, id: string, props: AlertBusProps) {
    super(scope, id);
    const minScore = props.minScore ?? 0;
    if (!Number.isFinite(minScore) || minScore < 0)
      throw new Error(`AlertBus: minScore must be a number >= 0, got ${minScore}`);
    this.eventBus = new EventBus(this, 'Bus', {
      eventBusName: props.eventBusName,
      description:
        'riskfence: an "Anomaly detected" event for every new flag (schemas/alert-event.schema.json)',
    });

    const fn = props.function;
    fn.addEnvironment('ALERTS', 'on');
    fn.addEnvironment('ALERT_BUS_NAME', this.eventBus.eventBusName);
    fn.addEnvironment('ALERT_MIN_SCORE', String(minScore));
    // Unset means "all" to the function; for timeframes that includes those a request names beyond the defaults.
    if (props.metrics !== undefined) fn.addEnvironment('ALERT_METRICS', props.metrics.join(','));
    if (props.timeframes !== undefined) fn.addEnvironment('ALERT_TIMEFRAMES', props.timeframes.join(','));
    this.eventBus.grantPutEventsTo(fn);
  }
}
