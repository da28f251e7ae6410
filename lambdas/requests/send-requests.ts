import type { SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { MAX_BODY_BYTES } from './request-schema.ts';

/** Most entries SQS takes in one SendMessageBatch call. */
export const MAX_BATCH_ENTRIES = 10;

/** The part of an `SQSClient` that sending needs (so tests can pass a double). */
export interface BatchSender {
  send(command: SendMessageBatchCommand): Promise<SendMessageBatchCommandOutput>;
}

/** One message that did not reach the queue. */
export interface FailedMessage {
  /** Position of the body in the list given to {@link sendRequests}. */
  readonly index: number;
  /** SQS's error code for the entry (`InvalidParameterValue`), or the name of the error the call threw. */
  readonly code: string;
  readonly message: string;
}

/** What {@link sendRequests} did. */
export interface SendReport {
  /** Message IDs of the bodies that were sent, by position. */
  readonly sent: readonly { readonly index: number; readonly messageId: string }[];
  readonly failed: readonly FailedMessage[];
  /** SendMessageBatch calls made. */
  readonly calls: number;
}

/**
 * Groups message bodies into SendMessageBatch calls: at most 10 entries and
 * at most 256 KiB of bodies per call (SQS limits a batch's total payload as it
 * limits one message), in order.
 *
 * @param bodies - message bodies, each at most 256 KiB
 * @returns positions of the bodies, per call
 *
 * Complexity: O(total body length).
 *
 * @example
 * batchIndexes(['a', 'b', 'c'], 2); // [[0, 1], [2]]
 */
export function batchIndexes(
  bodies: readonly string[],
  maxEntries = MAX_BATCH_ENTRIES,
  maxBytes = MAX_BODY_BYTES,
): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  bodies.forEach((body, i) => {
    const size = Buffer.byteLength(body, 'utf8');
    if (current.length === maxEntries || (current.length > 0 && bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Sends message bodies to a queue with SendMessageBatch (see {@link batchIndexes}).
 *
 * Entries SQS rejects are reported and the rest goes on. If a call itself
 * fails (unknown queue, no credentials, network), its entries and every later
 * one are reported as failed with that error, and nothing more is sent.
 *
 * @param sqs - an `SQSClient`
 * @param queueUrl - the queue
 * @param bodies - message bodies
 * @returns what was sent and what failed; every body is in exactly one of the two
 *
 * @example
 * const report = await sendRequests(new SQSClient({}), queueUrl, bodies);
 * if (report.failed.length > 0) process.exitCode = 1;
 */
export async function sendRequests(
  sqs: BatchSender,
  queueUrl: string,
  bodies: readonly string[],
): Promise<SendReport> {
  const sent: { index: number; messageId: string }[] = [];
  const failed: FailedMessage[] = [];
  let calls = 0;
  const batches = batchIndexes(bodies);
  for (const [b, batch] of batches.entries()) {
    calls++;
    let output: SendMessageBatchCommandOutput;
    try {
      output = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((i) => ({ Id: String(i), MessageBody: bodies[i]! })),
        }),
      );
    } catch (e) {
      const error = e as Error;
      for (const i of batches.slice(b).flat())
        failed.push({ index: i, code: error.name, message: error.message });
      break;
    }
    for (const entry of output.Successful ?? [])
      sent.push({ index: Number(entry.Id), messageId: entry.MessageId! });
    for (const entry of output.Failed ?? []) {
      failed.push({ index: Number(entry.Id), code: entry.Code ?? 'Failed', message: entry.Message ?? '' });
    }
  }
  sent.sort((x, y) => x.index - y.index);
  failed.sort((x, y) => x.index - y.index);
  return { sent, failed, calls };
}
