import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  deadLetterMessage,
  MAX_ERROR_MESSAGE_LENGTH,
  MemoryDeadLetterSink,
  SqsDeadLetterSink,
} from '../../lambdas/handler/dead-letter-sink.ts';
import { sqsRecord } from '../../lambdas/handler/local-invocation.ts';

const record = Object.freeze(
  sqsRecord({ messageId: 'm-1', body: '{"version": 1', sentTimestamp: 1652572800000 }),
);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/riskfence-dlq';

describe('deadLetterMessage(record, error, queueUrl)', () => {
  it('sends the original body with errorCode, errorMessage, originalMessageId and originalSentTimestamp', () => {
    expect(deadLetterMessage(record, { code: 'INVALID_JSON', message: 'body: not JSON' }, QUEUE)).toEqual({
      QueueUrl: QUEUE,
      MessageBody: '{"version": 1',
      MessageAttributes: {
        errorCode: { DataType: 'String', StringValue: 'INVALID_JSON' },
        errorMessage: { DataType: 'String', StringValue: 'body: not JSON' },
        originalMessageId: { DataType: 'String', StringValue: 'm-1' },
        originalSentTimestamp: { DataType: 'String', StringValue: '1652572800000' },
      },
    });
  });

  it('bounds and redacts errorMessage', () => {
    const long = deadLetterMessage(record, { code: 'X', message: 'x'.repeat(5000) }, QUEUE);
    expect(long.MessageAttributes!.errorMessage!.StringValue).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    const secret = deadLetterMessage(record, { code: 'X', message: 'at mongodb://u:pw@h' }, QUEUE);
    expect(secret.MessageAttributes!.errorMessage!.StringValue).toBe('at mongodb://<redacted>');
  });

  it('keeps the message group and deduplicates by message id on a FIFO queue', () => {
    const fifo = deadLetterMessage(record, { code: 'X', message: 'y' }, `${QUEUE}.fifo`);
    expect([fifo.MessageGroupId, fifo.MessageDeduplicationId]).toEqual(['riskfence', 'm-1']);
  });
});

describe('SqsDeadLetterSink', () => {
  it('sends one SendMessageCommand to the dead-letter queue and propagates a failed send', async () => {
    const sent: unknown[] = [];
    const client = { send: async (command: unknown) => sent.push(command) } as unknown as SQSClient;
    await new SqsDeadLetterSink(client, QUEUE).send(record, { code: 'INVALID_JSON', message: 'm' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(SendMessageCommand);
    expect((sent[0] as SendMessageCommand).input.MessageBody).toBe(record.body);
    const failing = { send: () => Promise.reject(new Error('AccessDenied')) } as unknown as SQSClient;
    await expect(
      new SqsDeadLetterSink(failing, QUEUE).send(record, { code: 'X', message: 'm' }),
    ).rejects.toThrow('AccessDenied');
  });
});

describe('MemoryDeadLetterSink', () => {
  it('collects entries in send order with the original body', async () => {
    const sink = new MemoryDeadLetterSink();
    await sink.send(record, { code: 'INVALID_JSON', message: 'body: not JSON' });
    expect(sink.entries).toEqual([
      { messageId: 'm-1', errorCode: 'INVALID_JSON', errorMessage: 'body: not JSON', body: '{"version": 1' },
    ]);
  });
});
