import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ServiceConfig } from '../../lambdas/config/service-config.ts';
import {
  createSqsHandler,
  type RecordReport,
  RecordStatus,
} from '../../lambdas/handler/create-sqs-handler.ts';
import { SqsDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import { SqsRequestSink } from '../../lambdas/handler/sqs-request-sink.ts';
import { sendRequests } from '../../lambdas/requests/send-requests.ts';
import type { RequestSink } from '../../lambdas/service/fan-out.ts';
import type { JobOutcome, RecordOutcome } from '../../lambdas/service/process-record.ts';
import type { DetectionStore } from '../../lambdas/stores/detection-store.ts';
import { createQueuePair, type QueuePair } from './moto-server.ts';
import { type PollerOptions, type PollStats, pollQueue } from './sqs-poller.ts';

/** What a deployment is made of: the real handler with its SQS sinks, on a fresh queue pair. */
export interface DeploymentOptions {
  readonly config: ServiceConfig;
  readonly store: DetectionStore;
  /** The main queue's visibility timeout (seconds) and its redrive's maxReceiveCount. */
  readonly queue: { readonly visibilityTimeout: number; readonly maxReceiveCount: number };
  /** Where the handler dead-letters poison. @default the pair's DLQ */
  readonly deadLetterQueueUrl?: (queues: QueuePair) => string;
  /** Where all-asset requests fan out to; see {@link sameQueue}. @default none: they are dead-lettered */
  readonly requests?: (queues: QueuePair) => RequestSink;
  /**
   * Processed records whose success is not reported, as when an invocation times out after its writes:
   * they stay on the queue and SQS delivers them again (at-least-once delivery's repeats).
   * @default none
   */
  readonly loseResponse?: (record: SQSRecord) => boolean;
}

/** Every receive of one message by the handler. */
export interface Delivery {
  readonly body: string;
  /** `ApproximateReceiveCount` of each receive, in order. */
  readonly receiveCounts: string[];
}

/** A deployed queue pair and handler, and what the handler saw and did. */
export interface Deployment {
  readonly queues: QueuePair;
  /** One report per processed record (retries and repeated deliveries included), in completion order. */
  readonly reports: RecordReport[];
  /** By message id: chunk requests the handler fanned out show up here too. */
  readonly deliveries: Map<string, Delivery>;
  /** Message ids whose success was not reported (see {@link DeploymentOptions.loseResponse}). */
  readonly lostResponses: string[];
  /** Sends bodies to the main queue; returns their message ids by position. */
  send(bodies: readonly string[]): Promise<string[]>;
  /** Runs the local event source on the main queue until it is drained (or a bound is hit). */
  poll(options?: Partial<Pick<PollerOptions, 'concurrency' | 'batchSize' | 'maxMs'>>): Promise<PollStats>;
}

/**
 * Fan-out to the queue the handler polls, as the Lambda is deployed: chunk
 * requests are received and processed by the same poller.
 *
 * @example
 * await deploy(sqs, 'fan-out', { config, store, queue, requests: sameQueue(sqs) });
 */
export const sameQueue =
  (sqs: SQSClient) =>
  (queues: QueuePair): RequestSink =>
    new SqsRequestSink(sqs, queues.queueUrl);

/**
 * Creates a queue pair redriving to its DLQ and the real SQS handler
 * (`createSqsHandler`) with the SQS dead-letter sink, recording every
 * delivery and every record's report.
 *
 * @param sqs - a client of moto_server
 * @param name - unique queue name
 * @param options - configuration, store, queue settings, sinks
 *
 * @example
 * const d = await deploy(sqs, 'e2e-1', { config, store, queue: { visibilityTimeout: 1, maxReceiveCount: 3 } });
 * await d.send(bodies);
 * await d.poll();
 */
export async function deploy(sqs: SQSClient, name: string, options: DeploymentOptions): Promise<Deployment> {
  const queues = await createQueuePair(sqs, name, options.queue);
  const reports: RecordReport[] = [];
  const deliveries = new Map<string, Delivery>();
  const lostResponses: string[] = [];
  const statusOf = new Map<string, RecordReport['status']>();
  const inner = createSqsHandler({
    config: options.config,
    store: options.store,
    deadLetters: new SqsDeadLetterSink(sqs, options.deadLetterQueueUrl?.(queues) ?? queues.dlqUrl),
    ...(options.requests ? { requests: options.requests(queues) } : {}),
    onRecord: (report) => {
      reports.push(report);
      statusOf.set(report.messageId, report.status);
    },
  });
  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    for (const r of event.Records) {
      const seen = deliveries.get(r.messageId) ?? { body: r.body, receiveCounts: [] };
      seen.receiveCounts.push(r.attributes.ApproximateReceiveCount);
      deliveries.set(r.messageId, seen);
    }
    const response = await inner(event, context);
    const lost = event.Records.filter(
      (r) => statusOf.get(r.messageId) === RecordStatus.Processed && options.loseResponse?.(r) === true,
    ).map((r) => r.messageId);
    lostResponses.push(...lost);
    return {
      batchItemFailures: [
        ...response.batchItemFailures,
        ...lost.map((itemIdentifier) => ({ itemIdentifier })),
      ],
    };
  };
  return {
    queues,
    reports,
    deliveries,
    lostResponses,
    async send(bodies) {
      const report = await sendRequests(sqs, queues.queueUrl, bodies);
      if (report.failed.length > 0) throw new Error(`not sent: ${JSON.stringify(report.failed)}`);
      return report.sent.map((s) => s.messageId);
    },
    poll: (poll = {}) => pollQueue({ sqs, ...queues, handler, maxMs: 30_000, ...poll }),
  };
}

/** The outcomes of the records that were processed (not failed or dead-lettered), in completion order. */
export function processedOutcomes(reports: readonly RecordReport[]): RecordOutcome[] {
  return reports.flatMap((r) => (r.status === RecordStatus.Processed ? [r.outcome] : []));
}

/**
 * A count summed over every job of the processed records.
 *
 * @example
 * sumOverJobs(d.reports, (j) => j.flagsWritten); // documents written by the whole run
 */
export function sumOverJobs(reports: readonly RecordReport[], count: (job: JobOutcome) => number): number {
  let sum = 0;
  for (const outcome of processedOutcomes(reports)) for (const job of outcome.jobs) sum += count(job);
  return sum;
}
