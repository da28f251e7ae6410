import { createHash, randomUUID } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';

/** A Lambda SQS handler as the event source invokes it. */
export type SqsLambdaHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/** What the local event source does, and when it stops. */
export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsLambdaHandler;
  /** Messages per invocation, 1..10 (one ReceiveMessage call). @default 10 */
  readonly batchSize?: number;
  /** Receive-invoke-delete loops running in parallel (Lambda's concurrency); receives are serialised. @default 1 */
  readonly concurrency?: number;
  /** Stop after this many ReceiveMessage calls in all. @default 10_000 */
  readonly maxReceives?: number;
  /** Stop after this long. @default 30_000 */
  readonly maxMs?: number;
  /**
   * Stop as soon as this holds (checked after every invocation and every empty
   * receive). By default the poller stops when the queue is drained: no
   * message visible, in flight or delayed (checked after empty receives only).
   */
  readonly until?: () => boolean | Promise<boolean>;
  readonly region?: string;
}

/** Why the poller stopped. */
export const StopReason = {
  Drained: 'drained',
  Until: 'until',
  MaxReceives: 'maxReceives',
  MaxMs: 'maxMs',
} as const;
/** One of {@link StopReason}'s values. */
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/** What the poller did. */
export interface PollStats {
  stopped: StopReason;
  receives: number;
  invocations: number;
  /** Records handed to the handler, retries included. */
  records: number;
  /** Records deleted after success. */
  deleted: number;
  /** Records reported in batchItemFailures (left to reappear). */
  itemFailures: number;
  /** Invocations that threw (e.g. FullBatchFailureError): nothing of their batch deleted. */
  failedInvocations: number;
}

const EMPTY_RECEIVE_PAUSE_MS = 50;

/**
 * A local stand-in for Lambda's SQS event source mapping, against a real SQS
 * API: it receives up to `batchSize` messages with every system and message
 * attribute, hands them to the handler as the `SQSEvent` Lambda delivers,
 * deletes the records not reported in `batchItemFailures` (DeleteMessageBatch),
 * and leaves the failed ones to reappear after the visibility timeout, where
 * SQS counts their receives and redrives them to the DLQ. As Lambda does, it
 * deletes nothing when the handler throws, or when its response names a record
 * that is not in the batch (or an empty identifier).
 *
 * Bounded: stops when drained (or `until` holds), after `maxReceives` calls or
 * after `maxMs`, whichever comes first.
 *
 * @returns counts of what happened and why it stopped
 *
 * @example
 * const stats = await pollQueue({ sqs, queueUrl, queueArn, handler, concurrency: 2 });
 */
export async function pollQueue(options: PollerOptions): Promise<PollStats> {
  const batchSize = options.batchSize ?? 10;
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10)) {
    throw new RangeError(`batchSize ${batchSize} is not in 1..10`);
  }
  const maxReceives = options.maxReceives ?? 10_000;
  const deadline = Date.now() + (options.maxMs ?? 30_000);
  const until = options.until ?? (() => isDrained(options.sqs, options.queueUrl));
  const stats: PollStats = {
    stopped: StopReason.MaxMs,
    receives: 0,
    invocations: 0,
    records: 0,
    deleted: 0,
    itemFailures: 0,
    failedInvocations: 0,
  };
  let stop: StopReason | undefined;
  // moto's ReceiveMessage is not atomic: two concurrent calls can return the same message. Receives are
  // serialised (invocations still overlap) so that a duplicate delivery is never an artefact of the emulator.
  const receiving = new Serial();

  const worker = async (): Promise<void> => {
    while (stop === undefined) {
      if (Date.now() >= deadline) stop ??= StopReason.MaxMs;
      else if (stats.receives >= maxReceives) stop ??= StopReason.MaxReceives;
      if (stop !== undefined) return;
      stats.receives++;
      const { Messages = [] } = await receiving.run(() =>
        options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: batchSize,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 0,
          }),
        ),
      );
      if (Messages.length > 0) await invoke(options, Messages, stats);
      // The default (drained) check costs a call: make it only when a receive came back empty.
      if ((Messages.length > 0 && options.until === undefined) || stop !== undefined) continue;
      if (await until()) stop ??= options.until ? StopReason.Until : StopReason.Drained;
      else if (Messages.length === 0) await new Promise((r) => setTimeout(r, EMPTY_RECEIVE_PAUSE_MS));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  stats.stopped = stop ?? StopReason.MaxMs;
  return stats;
}

/** Runs tasks one at a time, in call order. */
class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

async function invoke(options: PollerOptions, messages: readonly Message[], stats: PollStats): Promise<void> {
  const region = options.region ?? 'us-east-1';
  const event: SQSEvent = { Records: messages.map((m) => toLambdaRecord(m, options.queueArn, region)) };
  stats.invocations++;
  stats.records += messages.length;
  let response: SQSBatchResponse | undefined;
  try {
    response = await options.handler(event, lambdaContext());
  } catch {
    stats.failedInvocations++;
    return;
  }
  const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  const ids = new Set(event.Records.map((r) => r.messageId));
  if ([...failed].some((id) => !ids.has(id))) {
    // Lambda treats a response naming an unknown (or empty) identifier as a failure of the whole batch.
    stats.failedInvocations++;
    return;
  }
  stats.itemFailures += failed.size;
  const done = event.Records.filter((r) => !failed.has(r.messageId));
  if (done.length === 0) return;
  const result = await options.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
    }),
  );
  if (result.Failed?.length) throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(result.Failed)}`);
  stats.deleted += done.length;
}

/**
 * One received message as Lambda puts it in an `SQSEvent` record: camelCase
 * keys, system attributes as strings, message attributes in the
 * `{stringValue, binaryValue (base64), stringListValues, binaryListValues, dataType}` shape.
 *
 * @example
 * const record = toLambdaRecord(message, 'arn:aws:sqs:us-east-1:123456789012:requests', 'us-east-1');
 */
export function toLambdaRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount!,
      SentTimestamp: attributes.SentTimestamp!,
      SenderId: attributes.SenderId!,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp!,
    },
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes ?? {}),
    md5OfBody:
      message.MD5OfBody ??
      createHash('md5')
        .update(message.Body ?? '')
        .digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

function lambdaMessageAttributes(attributes: Record<string, MessageAttributeValue>): SQSMessageAttributes {
  const out: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined
        ? {}
        : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType!,
    };
  }
  return out;
}

function lambdaContext(): Context {
  const started = Date.now();
  const timeoutMs = 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'riskfence-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:riskfence-local',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/riskfence-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Whether a queue holds no message at all: none visible, in flight or delayed.
 *
 * @example
 * await isDrained(sqs, queueUrl); // true once everything was deleted or redriven
 */
export async function isDrained(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const counts = await queueCounts(sqs, queueUrl);
  return counts.visible + counts.inFlight + counts.delayed === 0;
}

/**
 * SQS's approximate message counts of a queue (exact on moto).
 *
 * @example
 * const { visible } = await queueCounts(sqs, dlqUrl);
 */
export async function queueCounts(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/**
 * Receives (and deletes) every message of a queue, e.g. a DLQ to inspect, with
 * all attributes. Bounded by `maxReceives` calls.
 *
 * @example
 * const dead = await receiveAll(sqs, queues.dlqUrl);
 */
export async function receiveAll(sqs: SQSClient, queueUrl: string, maxReceives = 1_000): Promise<Message[]> {
  const all: Message[] = [];
  for (let i = 0; i < maxReceives; i++) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 30,
      }),
    );
    if (Messages.length === 0) break;
    all.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return all;
}
