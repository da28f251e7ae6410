import { type BatchSender, sendRequests } from '../requests/send-requests.ts';
import { FanOutSendError, type RequestSink } from '../service/fan-out.ts';

/**
 * The Lambda's {@link RequestSink}: chunk requests go to the function's own
 * queue with `SendMessageBatch` (10 per call, failed entries retried by
 * `sendRequests`). If any is left unsent the whole record fails transiently
 * and SQS retries it; the retry sends the same bodies, and a chunk detected
 * twice writes nothing the second time, so nothing is half-silent.
 *
 * @example
 * const requests = new SqsRequestSink(sqs, config.requestQueueUrl);
 */
export class SqsRequestSink implements RequestSink {
  readonly #sqs: BatchSender;
  readonly #queueUrl: string;

  constructor(sqs: BatchSender, queueUrl: string) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
  }

  async send(bodies: readonly string[]): Promise<void> {
    const report = await sendRequests(this.#sqs, this.#queueUrl, bodies);
    if (report.failed.length > 0) {
      const first = report.failed[0]!;
      throw new FanOutSendError(
        `${report.failed.length} of ${bodies.length} chunk requests not sent (${first.code}: ${first.message})`,
      );
    }
  }
}
