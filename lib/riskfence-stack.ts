import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type EnvironmentConfig, RemovalMode } from './config/environment-config.ts';
import { AlertBus } from './constructs/alert-bus.ts';
import { AlertNotification } from './constructs/alert-notification.ts';
import { DetectorFunction } from './constructs/detector-function.ts';
import { MongoSecret } from './constructs/mongo-secret.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Network } from './constructs/network.ts';
import { RequestQueue } from './constructs/request-queue.ts';
import { RequestSchedule } from './constructs/request-schedule.ts';

/** Properties of {@link RiskFenceStack}. */
export interface RiskFenceStackProps extends Omit<StackProps, 'env'> {
  /** The environment's validated settings; its account and region become the stack's `env`. */
  readonly config: EnvironmentConfig;
}

/**
 * One riskfence environment: network, request queue + DLQ, MongoDB secret, detector function, dashboard and
 * alarms, and (optionally) the daily all-assets schedule and the alert bus with its notification rule and topic.
 *
 * @example
 * new RiskFenceStack(app, 'RiskFence-dev', { config: parseEnvironmentConfig('dev', settings) });
 */
export class RiskFenceStack extends Stack {
  /** VPC and private subnets. */
  readonly network: Network;
  /** Request queue and DLQ. */
  readonly requests: RequestQueue;
  /** The MongoDB connection-string secret. */
  readonly mongo: MongoSecret;
  /** The SQS-triggered function. */
  readonly detector: DetectorFunction;
  /** Dashboard, alarms and alarm topic. */
  readonly monitoring: Monitoring;
  /** Present when the configuration has a `schedule`. */
  readonly schedule: RequestSchedule | undefined;
  /** The alert bus; present when `alerts.enabled`. */
  readonly alertBus: AlertBus | undefined;
  /** The rule and topic for severe alerts; present when alerts are enabled with `alerts.notify`. */
  readonly alertNotification: AlertNotification | undefined;
  readonly #availabilityZones: readonly string[];

  constructor(scope: Construct, id: string, props: RiskFenceStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `riskfence (${config.name}): flags crypto risk metrics outside Tukey IQR fences`,
      ...props,
      env: { account: config.account, region: config.region },
    });
    this.#availabilityZones = config.vpc.availabilityZones;
    // cfn-lint's resource schemas (and older CloudFormation regions) reject Tags on dashboards.
    const tagOptions = { excludeResourceTypes: ['AWS::CloudWatch::Dashboard'] };
    Tags.of(this).add('project', 'riskfence', tagOptions);
    Tags.of(this).add('environment', config.name, tagOptions);
    const removalPolicy =
      config.removalPolicy === RemovalMode.Destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = config.function.logRetentionDays as RetentionDays;
    const timeout = Duration.seconds(config.function.timeoutSeconds);
    const maxBatchingWindow = Duration.seconds(config.queue.maxBatchingWindowSeconds);

    this.network = new Network(this, 'Network', {
      vpc: config.vpc,
      flowLogRetention: logRetention,
      removalPolicy,
    });
    this.requests = new RequestQueue(this, 'Requests', {
      functionTimeout: timeout,
      maxBatchingWindow,
      maxReceiveCount: config.queue.maxReceiveCount,
      retentionPeriod: Duration.days(config.queue.retentionDays),
      queueName: config.queue.queueName,
      deadLetterQueueName: config.queue.deadLetterQueueName,
      removalPolicy,
    });
    this.mongo = new MongoSecret(this, 'Mongo', { secret: config.mongodb.secret, removalPolicy });
    this.detector = new DetectorFunction(this, 'Detector', {
      vpc: this.network.vpc,
      vpcSubnets: this.network.privateSubnets,
      queue: this.requests.queue,
      deadLetterQueue: this.requests.deadLetterQueue,
      mongoSecret: this.mongo.secret,
      detector: { ...config.mongodb, ...config.detector },
      eventSource: {
        batchSize: config.queue.batchSize,
        maxBatchingWindow,
        maxConcurrency: config.queue.maxConcurrency,
      },
      fanOutChunkSize: config.fanOut.chunkSize,
      recordConcurrency: config.function.recordConcurrency,
      memorySize: config.function.memoryMiB,
      timeout,
      logRetention,
      logLevel: config.function.logLevel,
      metricsNamespace: config.monitoring.metricsNamespace,
      mongoPorts: config.mongodb.ports,
      functionName: config.function.functionName,
      removalPolicy,
    });
    const { alerts } = config;
    this.alertBus = alerts.enabled
      ? new AlertBus(this, 'Alerts', {
          function: this.detector.function,
          eventBusName: alerts.busName ?? `riskfence-${config.name}`,
          minScore: alerts.minScore,
          metrics: alerts.metrics,
          timeframes: alerts.timeframes,
        })
      : undefined;
    this.alertNotification =
      this.alertBus !== undefined && alerts.notify !== undefined
        ? new AlertNotification(this, 'AlertNotification', {
            eventBus: this.alertBus.eventBus,
            minScore: alerts.notify.minScore,
            email: alerts.notify.email,
            removalPolicy,
          })
        : undefined;
    this.monitoring = new Monitoring(this, 'Monitoring', {
      function: this.detector.function,
      queue: this.requests.queue,
      deadLetterQueue: this.requests.deadLetterQueue,
      metricsNamespace: config.monitoring.metricsNamespace,
      oldestMessageAgeThreshold: Duration.seconds(config.monitoring.oldestMessageAgeAlarmSeconds),
      alarmEmail: config.monitoring.alarmEmail,
      dashboardName: config.monitoring.dashboardName,
      // Only an enabled schedule promises an all-asset run, hence chunk requests, every day.
      dailyFanOutAlarm: config.schedule?.enabled === true && config.schedule.fanOutAlarm,
      alerts: this.alertBus !== undefined,
      alertRule:
        this.alertBus !== undefined && this.alertNotification !== undefined
          ? {
              eventBusName: this.alertBus.eventBus.eventBusName,
              ruleName: this.alertNotification.rule.ruleName,
            }
          : undefined,
      removalPolicy,
    });
    this.schedule =
      config.schedule === undefined
        ? undefined
        : new RequestSchedule(this, 'Schedule', {
            queue: this.requests.queue,
            expression: config.schedule.expression,
            timeZone: config.schedule.timeZone,
            enabled: config.schedule.enabled,
          });
    this.addOutputs();
  }

  /** What docs/deploy.md's commands need after a deploy (`aws cloudformation describe-stacks`). */
  private addOutputs(): void {
    const outputs: Record<string, [string, string]> = {
      RequestQueueUrl: [this.requests.queue.queueUrl, 'riskfence send --queue-url'],
      DeadLetterQueueUrl: [this.requests.deadLetterQueue.queueUrl, 'inspect failed requests'],
      DeadLetterQueueArn: [
        this.requests.deadLetterQueue.queueArn,
        'aws sqs start-message-move-task --source-arn',
      ],
      MongoSecretArn: [this.mongo.secret.secretArn, 'aws secretsmanager put-secret-value --secret-id'],
      FunctionName: [this.detector.function.functionName, 'the detector function'],
      LogGroupName: [this.detector.logGroup.logGroupName, 'the detector logs'],
      DashboardName: [this.monitoring.dashboard.dashboardName, 'the CloudWatch dashboard'],
      AlarmTopicArn: [this.monitoring.alarmTopic.topicArn, 'subscribe more alarm recipients'],
    };
    if (this.alertBus !== undefined) {
      const bus = this.alertBus.eventBus;
      outputs.AlertBusName = [bus.eventBusName, 'aws events put-rule --event-bus-name (route alerts)'];
      outputs.AlertBusArn = [bus.eventBusArn, 'the alert bus'];
    }
    if (this.alertNotification !== undefined)
      outputs.AlertTopicArn = [this.alertNotification.topic.topicArn, 'subscribe more alert recipients'];
    for (const [id, [value, description]] of Object.entries(outputs))
      new CfnOutput(this, id, { value, description });
  }

  /**
   * The configured AZs. Overridden because an environment-specific stack would otherwise look its AZs up
   * (needing credentials) to check the VPC's `availabilityZones` against them.
   */
  override get availabilityZones(): string[] {
    return [...this.#availabilityZones];
  }
}
