import type { SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { MAX_BODY_BYTES } from './request-limits.ts';

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
  /** SendMessageBatch calls made, retries included. */
  readonly calls: number;
  /** Entries sent again after a failure without a sender fault. */
  readonly retried: number;
}

/** How {@link sendRequests} retries entries that failed without a sender fault. */
export interface RetryPolicy {
  /** Attempts after the first one, per entry. @default 4 */
  readonly retries: number;
  /** Backoff before retry `n` (from 0) is a random delay in `[0, baseDelayMs · 2^n)` ("full jitter"). @default 100 */
  readonly baseDelayMs: number;
  /** Waits; tests pass one that does not. @default setTimeout */
  readonly sleep: (ms: number) => Promise<void>;
}

/** The retry policy of {@link sendRequests} unless one is given. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  retries: 4,
  baseDelayMs: 100,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

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
 * As AWS documents for batch calls, an entry that failed with
 * `SenderFault: false` (throttling, an internal error) is sent again, alone
 * with the other such entries of its batch, after an exponential backoff with
 * full jitter, up to `retry.retries` times; an entry with a sender fault (bad
 * body, bad attribute) is reported at once. If a call itself fails (unknown
 * queue, no credentials, network: the SDK has retried it already), its
 * entries and every later one are reported as failed with that error, and
 * nothing more is sent.
 *
 * @param sqs - an `SQSClient`
 * @param queueUrl - the queue
 * @param bodies - message bodies
 * @param retry - the retry policy of entries without sender fault
 * @returns what was sent and what failed; every body is in exactly one of the two
 *
 * Complexity: O(bodies · (retries + 1)) entries sent at most.
 *
 * @example
 * const report = await sendRequests(new SQSClient({}), queueUrl, bodies);
 * if (report.failed.length > 0) process.exitCode = 1;
 */
export async function sendRequests(
  sqs: BatchSender,
  queueUrl: string,
  bodies: readonly string[],
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<SendReport> {
  const sent: { index: number; messageId: string }[] = [];
  const failed: FailedMessage[] = [];
  let calls = 0;
  let retried = 0;
  const batches = batchIndexes(bodies);
  sending: for (const [b, batch] of batches.entries()) {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        retried += pending.length;
        await retry.sleep(Math.random() * retry.baseDelayMs * 2 ** (attempt - 1));
      }
      calls++;
      let output: SendMessageBatchCommandOutput;
      try {
        output = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map((i) => ({ Id: String(i), MessageBody: bodies[i]! })),
          }),
        );
      } catch (e) {
        const error = e as Error;
        const rest = [...pending, ...batches.slice(b + 1).flat()];
        for (const i of rest) failed.push({ index: i, code: error.name, message: error.message });
        break sending;
      }
      for (const entry of output.Successful ?? [])
        sent.push({ index: Number(entry.Id), messageId: entry.MessageId! });
      const again: number[] = [];
      for (const entry of output.Failed ?? []) {
        const index = Number(entry.Id);
        const senderFault = entry.SenderFault !== false;
        if (!senderFault && attempt < retry.retries) again.push(index);
        else failed.push({ index, code: entry.Code ?? 'Failed', message: entry.Message ?? '' });
      }
      pending = again;
    }
  }
  sent.sort((x, y) => x.index - y.index);
  failed.sort((x, y) => x.index - y.index);
  return { sent, failed, calls, retried };
}
