import { randomUUID } from 'node:crypto';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
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
  /** The handler's response; when the whole batch failed, every record is listed (as SQS would retry them all). */
  readonly response: SQSBatchResponse;
  /** The handler threw `FullBatchFailureError`. */
  readonly fullBatchFailure: boolean;
  /** One report per record, in completion order. */
  readonly reports: readonly RecordReport[];
  /** The invocation's counts (the same the handler publishes as metrics). */
  readonly tally: BatchTally;
}

/**
 * Runs the SQS handler in-process on one event, as Lambda would, collecting
 * every record's report. No metrics are published (pass none in `deps`).
 *
 * @param event - the SQS event
 * @param deps - handler dependencies (`onRecord` is provided here)
 * @returns response, reports and counts
 *
 * @example
 * const run = await invokeLocally(event, { config, store, deadLetters: new MemoryDeadLetterSink() });
 * run.tally.flagsWritten;
 */
export async function invokeLocally(
  event: SQSEvent,
  deps: Omit<HandlerDeps, 'onRecord'>,
): Promise<LocalInvocation> {
  const reports: RecordReport[] = [];
  const tally = new BatchTally();
  const handler = createSqsHandler({
    ...deps,
    onRecord: (report) => {
      reports.push(report);
      if (report.status === RecordStatus.Processed) tally.processed(report.outcome);
      else if (report.status === RecordStatus.DeadLettered) tally.invalidMessages++;
      else tally.recordsFailed++;
    },
  });
  try {
    const response = await handler(event, localContext());
    return { response, fullBatchFailure: false, reports, tally };
  } catch (e) {
    if (!(e instanceof FullBatchFailureError)) throw e;
    const batchItemFailures = event.Records.map((r) => ({ itemIdentifier: r.messageId }));
    return { response: { batchItemFailures }, fullBatchFailure: true, reports, tally };
  }
}
