import { createHash } from 'node:crypto';
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip } from '../support/announce-skip.ts';
import {
  createQueuePair,
  type MotoServer,
  motoServerMissing,
  motoSqsClient,
  type QueuePair,
  startMotoServer,
} from '../support/moto-server.ts';
import { pollQueue, queueCounts, receiveAll, StopReason } from '../support/sqs-poller.ts';

const missing = motoServerMissing();
announceSkip('local SQS event source on moto_server', missing);

describe.skipIf(missing)(
  `local SQS event source on moto_server${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let moto: MotoServer;
    let sqs: SQSClient;
    let queueNumber = 0;

    beforeAll(async () => {
      moto = await startMotoServer();
      sqs = motoSqsClient(moto.endpoint);
    });
    afterAll(async () => {
      sqs?.destroy();
      await moto?.stop();
    });

    const queues = (options = { visibilityTimeout: 0, maxReceiveCount: 2 }): Promise<QueuePair> =>
      createQueuePair(sqs, `poller-${++queueNumber}`, options);

    const send = async (queueUrl: string, bodies: readonly string[]): Promise<void> => {
      for (let i = 0; i < bodies.length; i += 10) {
        const entries = bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: String(j), MessageBody }));
        const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        expect(result.Failed ?? []).toEqual([]);
      }
    };

    it('delivers records in the shape Lambda delivers them', async () => {
      const q = await queues();
      const before = Date.now();
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: q.queueUrl,
          MessageBody: '{"version":1}',
          MessageAttributes: {
            origin: { DataType: 'String', StringValue: 'test' },
            attempt: { DataType: 'Number', StringValue: '3' },
            blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 255]) },
          },
        }),
      );
      const events: SQSEvent[] = [];
      const stats = await pollQueue({
        sqs,
        ...q,
        handler: async (event) => {
          events.push(event);
          return { batchItemFailures: [] };
        },
      });
      expect(stats).toMatchObject({ stopped: StopReason.Drained, invocations: 1, records: 1, deleted: 1 });
      const record = events[0]!.Records[0]!;
      expect(Object.keys(record).sort()).toEqual(
        [
          'attributes',
          'awsRegion',
          'body',
          'eventSource',
          'eventSourceARN',
          'md5OfBody',
          'md5OfMessageAttributes',
          'messageAttributes',
          'messageId',
          'receiptHandle',
        ].sort(),
      );
      expect(record).toMatchObject<Partial<SQSRecord>>({
        body: '{"version":1}',
        md5OfBody: createHash('md5').update('{"version":1}').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: q.queueArn,
        awsRegion: 'us-east-1',
        messageAttributes: {
          origin: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
          attempt: { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' },
          blob: { binaryValue: 'AQL/', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
        },
      });
      expect(record.attributes.ApproximateReceiveCount).toBe('1');
      expect(record.attributes.SentTimestamp).toMatch(/^\d{13}$/);
      expect(Number(record.attributes.SentTimestamp)).toBeGreaterThanOrEqual(before - 1_000);
      expect(record.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d{13}$/);
      expect(record.attributes.SenderId).toEqual(expect.any(String));
    });

    it('deletes the successes, and SQS redrives the reported failures to the DLQ after maxReceiveCount', async () => {
      const q = await queues({ visibilityTimeout: 0, maxReceiveCount: 2 });
      const bodies = Array.from({ length: 25 }, (_, i) => (i % 5 === 0 ? `fail-${i}` : `ok-${i}`));
      await send(q.queueUrl, bodies);
      const seen = new Map<string, number>();
      const stats = await pollQueue({
        sqs,
        ...q,
        handler: async (event) => {
          for (const r of event.Records) seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
          return {
            batchItemFailures: event.Records.filter((r) => r.body.startsWith('fail')).map((r) => ({
              itemIdentifier: r.messageId,
            })),
          };
        },
      });
      expect(stats.stopped).toBe(StopReason.Drained);
      expect(stats.deleted).toBe(20);
      expect(stats.itemFailures).toBe(10); // 5 failing messages x maxReceiveCount 2
      for (const body of bodies) expect(seen.get(body)).toBe(body.startsWith('fail') ? 2 : 1);
      const dead = await receiveAll(sqs, q.dlqUrl);
      expect(dead.map((m) => m.Body).sort()).toEqual(bodies.filter((b) => b.startsWith('fail')).sort());
    });

    it('keeps polling while a handler sends to the queue it polls (a fan-out), and stops once those are drained too', async () => {
      const q = await queues({ visibilityTimeout: 30, maxReceiveCount: 2 });
      await send(q.queueUrl, ['fan-out']);
      // The handler sends only after the other consumer has found the queue empty and asked whether it is
      // drained: the message in flight must keep the answer "no".
      let drainChecks = 0;
      const watched = Object.create(sqs, {
        send: {
          value: async (command: Parameters<SQSClient['send']>[0]) => {
            const output = await sqs.send(command);
            if (command instanceof GetQueueAttributesCommand) drainChecks++;
            return output;
          },
        },
      }) as SQSClient;
      const chunks = ['chunk-1', 'chunk-2', 'chunk-3'];
      const seen: string[] = [];
      const stats = await pollQueue({
        sqs: watched,
        ...q,
        concurrency: 2,
        handler: async (event) => {
          for (const r of event.Records) {
            seen.push(r.body);
            if (r.body !== 'fan-out') continue;
            for (let i = 0; i < 250 && drainChecks === 0; i++) await new Promise((ok) => setTimeout(ok, 20));
            await send(q.queueUrl, chunks);
          }
          return { batchItemFailures: [] };
        },
      });
      expect(drainChecks).toBeGreaterThan(0);
      expect(stats).toMatchObject({ stopped: StopReason.Drained, deleted: 4, itemFailures: 0 });
      expect(seen.sort()).toEqual([...chunks, 'fan-out']);
    });

    it('deletes nothing when the handler throws: the whole batch is received again', async () => {
      const q = await queues({ visibilityTimeout: 0, maxReceiveCount: 5 });
      await send(q.queueUrl, ['a', 'b', 'c']);
      let calls = 0;
      const counts: string[] = [];
      const stats = await pollQueue({
        sqs,
        ...q,
        handler: async (event) => {
          calls++;
          counts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
          if (calls === 1) throw new Error('All records failed');
          return { batchItemFailures: [] };
        },
      });
      expect(stats).toMatchObject({
        stopped: StopReason.Drained,
        failedInvocations: 1,
        deleted: 3,
        records: 6,
      });
      expect(counts.sort()).toEqual(['1', '1', '1', '2', '2', '2']);
    });

    it('treats a response naming a record outside the batch as a failure of the whole batch', async () => {
      const q = await queues({ visibilityTimeout: 0, maxReceiveCount: 1 });
      await send(q.queueUrl, ['x']);
      const stats = await pollQueue({
        sqs,
        ...q,
        handler: async () => ({ batchItemFailures: [{ itemIdentifier: '' }] }),
      });
      expect(stats).toMatchObject({ failedInvocations: 1, deleted: 0 });
      expect((await receiveAll(sqs, q.dlqUrl)).map((m) => m.Body)).toEqual(['x']);
    });

    it('stops at its bounds even if the queue never drains', async () => {
      const q = await queues({ visibilityTimeout: 0, maxReceiveCount: 1000 });
      await send(q.queueUrl, ['forever']);
      const failAll = async (event: SQSEvent) => ({
        batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
      });
      const byCount = await pollQueue({ sqs, ...q, handler: failAll, maxReceives: 5 });
      expect(byCount).toMatchObject({ stopped: StopReason.MaxReceives, receives: 5 });
      const byTime = await pollQueue({ sqs, ...q, handler: failAll, maxMs: 300 });
      expect(byTime.stopped).toBe(StopReason.MaxMs);
      expect(await queueCounts(sqs, q.queueUrl)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    });
  },
);
