import { SendMessageCommand, type SendMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { redactSecrets } from '../config/redact.ts';

/** Why a record was dead-lettered: the `errorCode` and `errorMessage` message attributes. */
export interface DeadLetterReason {
  readonly code: string;
  readonly message: string;
}

/** Where permanently failed records go at once (SPEC section 4). */
export interface DeadLetterSink {
  /**
   * Sends the record's original body with the reason; rejects when it could
   * not (the record is then reported as a batch item failure instead).
   */
  send(record: SQSRecord, error: DeadLetterReason): Promise<void>;
}

/** Longest `errorMessage` attribute; bounds the dead letter's size whatever the error says. */
export const MAX_ERROR_MESSAGE_LENGTH = 1024;

/**
 * The `SendMessage` input of a dead letter: the original body unchanged, and
 * string attributes `errorCode`, `errorMessage` (redacted, at most
 * {@link MAX_ERROR_MESSAGE_LENGTH} characters), `originalMessageId` and
 * `originalSentTimestamp` (a request without asOf was meant for that time).
 * For a FIFO queue the original group is kept and the original message id
 * deduplicates.
 *
 * @example
 * deadLetterMessage(record, { code: 'INVALID_JSON', message: 'body is not JSON' }, queueUrl).MessageBody === record.body;
 */
export function deadLetterMessage(
  record: SQSRecord,
  error: DeadLetterReason,
  queueUrl: string,
): SendMessageCommandInput {
  const text = (value: string) => ({ DataType: 'String', StringValue: value });
  const message = redactSecrets(error.message).slice(0, MAX_ERROR_MESSAGE_LENGTH) || '(no message)';
  const input: SendMessageCommandInput = {
    QueueUrl: queueUrl,
    MessageBody: record.body,
    MessageAttributes: {
      errorCode: text(error.code),
      errorMessage: text(message),
      originalMessageId: text(record.messageId),
      ...(record.attributes?.SentTimestamp
        ? { originalSentTimestamp: text(record.attributes.SentTimestamp) }
        : {}),
    },
  };
  if (queueUrl.endsWith('.fifo')) {
    input.MessageGroupId = record.attributes?.MessageGroupId ?? 'riskfence';
    input.MessageDeduplicationId = record.messageId;
  }
  return input;
}

/**
 * Dead-letters to an SQS queue (the deployed DLQ).
 *
 * @example
 * const sink = new SqsDeadLetterSink(tracer.captureAWSv3Client(new SQSClient({})), config.deadLetterQueueUrl);
 */
export class SqsDeadLetterSink implements DeadLetterSink {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send(record: SQSRecord, error: DeadLetterReason): Promise<void> {
    await this.#client.send(new SendMessageCommand(deadLetterMessage(record, error, this.#queueUrl)));
  }
}

/** One record dead-lettered locally. */
export interface DeadLetterEntry {
  readonly messageId: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** The original body. */
  readonly body: string;
}

/**
 * Collects dead letters in memory (`riskfence invoke`, `riskfence demo`, tests).
 *
 * @example
 * const sink = new MemoryDeadLetterSink();
 * // … run the handler …
 * sink.entries.map((e) => e.errorCode); // ['INVALID_JSON']
 */
export class MemoryDeadLetterSink implements DeadLetterSink {
  /** Entries in the order they were sent. */
  readonly entries: DeadLetterEntry[] = [];

  async send(record: SQSRecord, error: DeadLetterReason): Promise<void> {
    this.entries.push({
      messageId: record.messageId,
      errorCode: error.code,
      errorMessage: redactSecrets(error.message).slice(0, MAX_ERROR_MESSAGE_LENGTH),
      body: record.body,
    });
  }
}
