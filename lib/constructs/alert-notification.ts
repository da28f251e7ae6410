import { RemovalPolicy } from 'aws-cdk-lib';
import { type EventPattern, type IEventBus, type IRuleTarget, Match, Rule } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The `source` of riskfence's alert events. */
export const ALERT_SOURCE = 'riskfence';
/** The `detail-type` of riskfence's alert events. */
export const ALERT_DETAIL_TYPE = 'Anomaly detected';

/** Highest number EventBridge numeric matching compares (its range is -5e9 to 5e9). */
const MAX_NUMERIC_MATCH = 5e9;

/** Properties of {@link AlertNotification}. */
export interface AlertNotificationProps {
  /** The bus the alerts are published on. */
  readonly eventBus: IEventBus;
  /**
   * Least `detail.score` that notifies. A `null` score (the window's IQR was 0) notifies whatever the threshold:
   * the function lets such alerts pass any `ALERT_MIN_SCORE` too, since a move off a flat series (a pegged
   * price, a frozen feed) has no finite size rather than a small one.
   * @default - every alert on the bus
   */
  readonly minScore?: number;
  /** An address to subscribe to the topic (the recipient must confirm). @default - no subscription */
  readonly email?: string;
  /** Applies to the topic's KMS key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A rule on the alert bus forwarding riskfence's "Anomaly detected" events at or above a severity to an SNS
 * topic, encrypted with a customer-managed KMS key and TLS-only, optionally with an e-mail subscription. The
 * topic carries the events' JSON, so any SNS subscriber (e-mail, SQS, Lambda, a chat integration) can use it.
 *
 * @example
 * new AlertNotification(this, 'AlertNotification', { eventBus, minScore: 3, email: 'risk@example.com' });
 */
export class AlertNotification extends Construct {
  /** The rule on the bus. */
  readonly rule: Rule;
  /** The topic the rule publishes to. */
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertNotificationProps) {
    super(scope, id);
    const { minScore } = props;
    if (minScore !== undefined && !(minScore >= 0 && minScore <= MAX_NUMERIC_MATCH))
      throw new Error(`AlertNotification: minScore must be from 0 to ${MAX_NUMERIC_MATCH}, got ${minScore}`);

    // EventBridge can publish to an encrypted topic only through a customer-managed key whose policy lets it
    // (the AWS-managed alias/aws/sns key does not). The topic policy below decides who may publish at all.
    const key = new Key(this, 'TopicKey', {
      description: 'riskfence alert topic encryption',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const events = new ServicePrincipal('events.amazonaws.com');
    key.grant(events, 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: 'riskfence alerts',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));

    const pattern: EventPattern = {
      source: [ALERT_SOURCE],
      detailType: [ALERT_DETAIL_TYPE],
      ...(minScore === undefined
        ? {}
        : { detail: { score: Match.anyOf(Match.greaterThanOrEqual(minScore), Match.nullValue()) } }),
    };
    this.rule = new Rule(this, 'Rule', {
      eventBus: props.eventBus,
      description:
        minScore === undefined
          ? 'riskfence: every alert to the alert topic'
          : `riskfence: alerts scoring >= ${minScore} (or unscored, IQR 0) to the alert topic`,
      eventPattern: pattern,
      targets: [topicTarget(this.topic)],
    });
    // Only this rule may publish: the events.amazonaws.com principal alone would admit any account's rules.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlertRulePublish',
        principals: [events],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnEquals: { 'aws:SourceArn': this.rule.ruleArn } },
      }),
    );
  }
}

/**
 * The topic as a rule target, without aws-events-targets' `SnsTopic` grant (sns:Publish to the EventBridge
 * principal with no condition): the construct grants it for its own rule only.
 */
function topicTarget(topic: Topic): IRuleTarget {
  return { bind: () => ({ arn: topic.topicArn, targetResource: topic }) };
}
