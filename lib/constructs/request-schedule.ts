import { TimeZone } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { SqsSendMessage } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The request the schedule sends: every asset, default parameters, asOf = the message's SentTimestamp. */
export const ALL_ASSETS_REQUEST = { version: 1 } as const;

/** Properties of {@link RequestSchedule}. */
export interface RequestScheduleProps {
  /** The request queue. */
  readonly queue: IQueue;
  /**
   * An EventBridge Scheduler expression.
   * @default 'cron(15 0 * * ? *)' (daily at 00:15, after the 00:00 UTC snapshots are written)
   */
  readonly expression?: string;
  /** IANA time zone of a cron expression. @default 'UTC' */
  readonly timeZone?: string;
  /** A disabled schedule exists but sends nothing. @default true */
  readonly enabled?: boolean;
}

/**
 * An EventBridge Scheduler schedule that sends the all-assets request `{"version":1}` to the queue.
 *
 * @example
 * new RequestSchedule(this, 'Daily', { queue, expression: 'cron(15 0 * * ? *)' });
 */
export class RequestSchedule extends Construct {
  /** The EventBridge Scheduler schedule. */
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: RequestScheduleProps) {
    super(scope, id);
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'riskfence: all-assets detection request',
      schedule: ScheduleExpression.expression(
        props.expression ?? 'cron(15 0 * * ? *)',
        TimeZone.of(props.timeZone ?? 'UTC'),
      ),
      target: new SqsSendMessage(props.queue, { input: ScheduleTargetInput.fromObject(ALL_ASSETS_REQUEST) }),
      enabled: props.enabled ?? true,
    });
  }
}
