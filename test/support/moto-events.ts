import {
  CreateEventBusCommand,
  EventBridgeClient,
  type InputTransformer,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { MotoServerError } from './moto-server.ts';
import { receiveAll } from './sqs-poller.ts';

/**
 * An EventBridge client of the real AWS SDK v3 bound to moto_server's
 * loopback endpoint, with dummy credentials, region us-east-1 and no SDK
 * retries (a test sees every failure it provokes).
 *
 * @throws {@link MotoServerError} when the endpoint is not on 127.0.0.1 (never anything else)
 * @example
 * const events = motoEventsClient(moto.endpoint);
 */
export function motoEventsClient(endpoint: string): EventBridgeClient {
  if (new URL(endpoint).hostname !== '127.0.0.1') {
    throw new MotoServerError(`not a loopback endpoint: ${endpoint}`);
  }
  return new EventBridgeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}

/**
 * Creates a custom event bus.
 *
 * @returns its ARN
 * @example
 * await createEventBus(events, 'riskfence-test');
 */
export async function createEventBus(events: EventBridgeClient, name: string): Promise<string> {
  return (await events.send(new CreateEventBusCommand({ Name: name }))).EventBusArn!;
}

/** A rule on a bus and the queue it delivers to. */
export interface QueueRoute {
  readonly ruleArn: string;
  readonly queueUrl: string;
  readonly queueArn: string;
}

/** What {@link routeToQueue} creates. */
export interface QueueRouteOptions {
  readonly busName: string;
  /** The rule's and the queue's name. */
  readonly name: string;
  /** The rule's event pattern (an object; it is sent as JSON). */
  readonly pattern: Record<string, unknown>;
  /** Reshapes the event before it is delivered, as an API destination's target would. @default the whole event */
  readonly inputTransformer?: InputTransformer;
}

/**
 * Creates a queue and a rule on the bus whose only target is that queue. The
 * queue gets the policy real EventBridge needs to send to it
 * (`events.amazonaws.com` may `sqs:SendMessage` for this rule only); moto
 * delivers without it, but the route is then built as it would be in AWS.
 *
 * @example
 * const route = await routeToQueue(events, sqs, { busName, name: 'all', pattern: { source: ['riskfence'] } });
 */
export async function routeToQueue(
  events: EventBridgeClient,
  sqs: SQSClient,
  options: QueueRouteOptions,
): Promise<QueueRoute> {
  const { RuleArn } = await events.send(
    new PutRuleCommand({
      Name: options.name,
      EventBusName: options.busName,
      EventPattern: JSON.stringify(options.pattern),
    }),
  );
  const ruleArn = RuleArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: options.name }))).QueueUrl!;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes!.QueueArn!;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
  await sqs.send(
    new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify(policy) } }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: options.name,
      EventBusName: options.busName,
      Targets: [
        {
          Id: 'queue',
          Arn: queueArn,
          ...(options.inputTransformer ? { InputTransformer: options.inputTransformer } : {}),
        },
      ],
    }),
  );
  return { ruleArn, queueUrl, queueArn };
}

/**
 * Receives (and deletes) every message a route's queue holds, parsed as JSON:
 * the events (or transformed inputs) the rule delivered. moto delivers during
 * `PutEvents`, so nothing is still on its way once that call has returned.
 *
 * @example
 * const delivered = await receiveJson(sqs, route.queueUrl);
 */
export async function receiveJson(sqs: SQSClient, queueUrl: string): Promise<unknown[]> {
  return (await receiveAll(sqs, queueUrl)).map((m) => JSON.parse(m.Body ?? 'null') as unknown);
}
