import { randomUUID } from 'node:crypto';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AlertDetail } from '../service/alerts.ts';
import { BatchTally } from './batch-metrics.ts';
import { createSqsHandler, type HandlerDeps, type RecordReport, RecordStatus } from './create-sqs-handler.ts';

/** Thrown when a JSON value is not an SQS event as Lambda delivers it; names the offending field. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * A Lambda context for running the handler in-process.
 *
 * @example
 * await handler(event, localContext());
 */
export function localContext(): Context {
  const name = 'riskfence-local';
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * One SQS record as Lambda delivers it, for a body sent at `sentTimestamp`.
 *
 * @example
 * sqsRecord({ messageId: 'm-1', body: '{"version":1}', sentTimestamp: Date.parse('2022-05-15T00:00:00Z') });
 */
export function sqsRecord(message: { messageId: string; body: string; sentTimestamp: number }): SQSRecord {
  const sent = String(message.sentTimestamp);
  return {
    messageId: message.messageId,
    receiptHandle: `local-${message.messageId}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sent,
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:riskfence-requests',
    awsRegion: 'local',
  };
}

/**
 * Checks a parsed JSON value is an SQS event (`Records[]`, each with a string
 * `messageId` and `body`) and completes what a hand-written event may leave
 * out: a record without `attributes.SentTimestamp` gets `now`, which is what
 * SQS would stamp on a message sent now.
 *
 * @param value - parsed JSON
 * @param now - epoch ms used for missing send times
 * @returns the event and the ids of records whose send time was filled in
 * @throws {@link InvalidEventError} naming the first bad field
 *
 * @example
 * toSqsEvent({ Records: [{ messageId: 'm-1', body: '{"version":1}' }] }, Date.now());
 */
export function toSqsEvent(value: unknown, now: number): { event: SQSEvent; filledSentTimestamp: string[] } {
  const records = (value as { Records?: unknown })?.Records;
  if (!Array.isArray(records)) throw new InvalidEventError('the event has no "Records" array');
  const filled: string[] = [];
  const out = records.map((r: unknown, i) => {
    const rec = (r ?? {}) as Partial<SQSRecord>;
    if (typeof rec.messageId !== 'string' || rec.messageId === '') {
      throw new InvalidEventError(`Records[${i}].messageId is not a non-empty string`);
    }
    if (typeof rec.body !== 'string') throw new InvalidEventError(`Records[${i}].body is not a string`);
    const sent = Number(rec.attributes?.SentTimestamp);
    if (!Number.isFinite(sent)) filled.push(rec.messageId);
    const base = sqsRecord({
      messageId: rec.messageId,
      body: rec.body,
      sentTimestamp: Number.isFinite(sent) ? sent : now,
    });
    return {
      ...base,
      ...rec,
      attributes: { ...base.attributes, ...rec.attributes, SentTimestamp: base.attributes.SentTimestamp },
    };
  });
  return { event: { Records: out }, filledSentTimestamp: filled };
}

/** What a local invocation did. */
export interface LocalInvocation {
  /** The handler's response to the given event; when it failed as a whole, every record is listed (as SQS would retry them all). */
  readonly response: SQSBatchResponse;
  /** The handler threw `FullBatchFailureError` on the given event. */
  readonly fullBatchFailure: boolean;
  /** One report per record — the given ones and the fanned-out chunk requests — in completion order. */
  readonly reports: readonly RecordReport[];
  /** The invocation's counts, chunk requests included (the same the handler publishes as metrics). */
  readonly tally: BatchTally;
  /** Chunk requests that all-asset requests were fanned out into, and processed in-process. */
  readonly chunkRequests: number;
  /** Alerts the run published (or, without an EventBridge endpoint, would have published), in order. */
  readonly alerts: readonly AlertDetail[];
}

/** Records per in-process delivery of chunk requests: SQS's largest batch. */
const LOCAL_BATCH_SIZE = 10;

/**
 * Runs the SQS handler in-process on one event, as Lambda would, collecting
 * every record's report. Requests fanned out by the handler (SPEC section 8)
 * go to an in-process queue and are delivered to the same handler in batches
 * of 10 until none is left, so an all-asset request detects everything
 * locally through the same code path as in AWS. No metrics are published
 * (pass none in `deps`).
 *
 * @param event - the SQS event
 * @param deps - handler dependencies (`onRecord` and `requests` are provided here)
 * @param now - the send time of chunk requests, epoch ms @default Date.now()
 * @returns response, reports and counts
 *
 * @example
 * const run = await invokeLocally(event, { config, store, deadLetters: new MemoryDeadLetterSink() });
 * run.tally.flagsWritten;
 */
export async function invokeLocally(
  event: SQSEvent,
  deps: Omit<HandlerDeps, 'onRecord' | 'requests'>,
  now: number = Date.now(),
): Promise<LocalInvocation> {
  const reports: RecordReport[] = [];
  const tally = new BatchTally();
  const queued: string[] = [];
  const published: AlertDetail[] = [];
  const handler = createSqsHandler({
    ...deps,
    // Local runs always list the alerts they would publish; the policy's filters still apply.
    config: { ...deps.config, alerts: { ...deps.config.alerts, enabled: true } },
    collectAnomalies: deps.collectAnomalies ?? true,
    // Alerts are always listed; with a publisher (an EventBridge endpoint) they are also sent there.
    alerts: {
      async publish(alerts) {
        await deps.alerts?.publish(alerts);
        for (const a of alerts) published.push(a);
      },
    },
    requests: {
      async send(bodies) {
        for (const b of bodies) queued.push(b);
      },
    },
    onRecord: (report) => {
      reports.push(report);
      if (report.status === RecordStatus.Processed) tally.processed(report.outcome);
      else if (report.status === RecordStatus.DeadLettered) tally.invalidMessages++;
      else tally.recordsFailed++;
    },
  });
  const run = async (batch: SQSEvent) => {
    try {
      return { response: await handler(batch, localContext()), fullBatchFailure: false };
    } catch (e) {
      if (!(e instanceof FullBatchFailureError)) throw e;
      const batchItemFailures = batch.Records.map((r) => ({ itemIdentifier: r.messageId }));
      return { response: { batchItemFailures }, fullBatchFailure: true };
    }
  };
  const first = await run(event);
  let chunkRequests = 0;
  while (queued.length > 0) {
    const bodies = queued.splice(0, LOCAL_BATCH_SIZE);
    const records = bodies.map((body) =>
      sqsRecord({ messageId: `chunk-${++chunkRequests}`, body, sentTimestamp: now }),
    );
    // A chunk that fails here has no SQS to retry it; its report says so, as for any record.
    await run({ Records: records });
  }
  return { ...first, reports, tally, chunkRequests, alerts: published };
}
