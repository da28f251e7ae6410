import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { composeRequests } from '../../lambdas/requests/compose-requests.ts';
import { type BatchSender, batchIndexes, sendRequests } from '../../lambdas/requests/send-requests.ts';

const names = (n: number, prefix = 'coin'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('composeRequests(assets, fields)', () => {
  it('puts up to 1000 assets in one version-1 request with the given fields only', () => {
    expect(
      composeRequests(Object.freeze(['bitcoin', 'ethereum']), { timeframes: [7], mode: 'rolling' }),
    ).toEqual([{ version: 1, assets: ['bitcoin', 'ethereum'], timeframes: [7], mode: 'rolling' }]);
  });

  it('splits 2500 assets into 1000 + 1000 + 500, after dropping duplicates', () => {
    const assets = [...names(2500), 'coin-0', 'coin-2499'];
    const requests = composeRequests(assets, { deviationLimit: 3 });
    expect(requests.map((r) => r.assets!.length)).toEqual([1000, 1000, 500]);
    expect(requests.flatMap((r) => r.assets)).toEqual(names(2500));
    expect(requests.every((r) => r.deviationLimit === 3)).toBe(true);
  });

  it('asks for every asset in one request when assets is null, and for nothing when the list is empty', () => {
    expect(composeRequests(null, { asOf: '2022-05-12T00:00:00Z' })).toEqual([
      { version: 1, asOf: '2022-05-12T00:00:00Z' },
    ]);
    expect(composeRequests([], {})).toEqual([]);
  });
});

describe('batchIndexes(bodies)', () => {
  it('makes calls of at most 10 entries', () => {
    expect(batchIndexes(names(23)).map((b) => b.length)).toEqual([10, 10, 3]);
  });

  it('starts a new call before the bodies of one exceed 256 KiB', () => {
    const big = 'x'.repeat(100_000);
    expect(batchIndexes([big, big, big, 'small'])).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});

describe('sendRequests(sqs, queueUrl, bodies)', () => {
  /** A SendMessageBatch double: rejects entries whose body is 'reject', throws on the call number given. */
  const fakeSqs = (throwOnCall?: number) => {
    const calls: SendMessageBatchCommand[] = [];
    const sender: BatchSender = {
      async send(command) {
        calls.push(command);
        if (calls.length === throwOnCall)
          throw Object.assign(new Error('queue gone'), { name: 'QueueDoesNotExist' });
        const entries = command.input.Entries ?? [];
        const output: SendMessageBatchCommandOutput = {
          $metadata: {},
          Successful: entries
            .filter((e) => e.MessageBody !== 'reject')
            .map((e) => ({ Id: e.Id!, MessageId: `m${e.Id}`, MD5OfMessageBody: '' })),
          Failed: entries
            .filter((e) => e.MessageBody === 'reject')
            .map((e) => ({ Id: e.Id!, Code: 'InvalidParameterValue', Message: 'nope', SenderFault: true })),
        };
        return output;
      },
    };
    return { sender, calls };
  };

  it('sends every body once, 10 per call, and maps message IDs back to positions', async () => {
    const { sender, calls } = fakeSqs();
    const report = await sendRequests(sender, 'http://127.0.0.1:1/q', names(12));
    expect(calls.map((c) => c.input.Entries!.length)).toEqual([10, 2]);
    expect(calls.every((c) => c.input.QueueUrl === 'http://127.0.0.1:1/q')).toBe(true);
    expect(report.sent.map((s) => s.messageId)).toEqual(names(12).map((_, i) => `m${i}`));
    expect(report).toMatchObject({ failed: [], calls: 2 });
  });

  it('reports entries SQS rejects and goes on with the rest', async () => {
    const { sender } = fakeSqs();
    const bodies = ['a', 'reject', ...names(10)];
    const report = await sendRequests(sender, 'q', bodies);
    expect(report.failed).toEqual([{ index: 1, code: 'InvalidParameterValue', message: 'nope' }]);
    expect(report.sent).toHaveLength(11);
  });

  it('stops at a call that throws and reports its entries and all later ones as failed', async () => {
    const { sender, calls } = fakeSqs(2);
    const report = await sendRequests(sender, 'q', names(25));
    expect(calls).toHaveLength(2);
    expect(report.sent.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(report.failed.map((f) => f.index)).toEqual(Array.from({ length: 15 }, (_, i) => i + 10));
    expect(report.failed[0]).toEqual({ index: 10, code: 'QueueDoesNotExist', message: 'queue gone' });
  });
});
