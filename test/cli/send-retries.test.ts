import type { SendMessageBatchCommand, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { type BatchSender, type RetryPolicy, sendRequests } from '../../lambdas/requests/send-requests.ts';

/** How SQS answers one entry on one attempt: sent, or failed with or without a sender fault. */
type Answer = 'ok' | 'throttled' | 'invalid';

/**
 * A SendMessageBatch double that answers each body by a script of attempts
 * (`['throttled', 'ok']`: throttled first, then sent); the last answer repeats.
 */
function scriptedSqs(scripts: Readonly<Record<string, readonly Answer[]>>) {
  const attempts = new Map<string, number>();
  const calls: string[][] = [];
  const sender: BatchSender = {
    async send(command: SendMessageBatchCommand) {
      const entries = command.input.Entries ?? [];
      calls.push(entries.map((e) => e.MessageBody!));
      const output: SendMessageBatchCommandOutput = { $metadata: {}, Successful: [], Failed: [] };
      for (const e of entries) {
        const n = attempts.get(e.MessageBody!) ?? 0;
        attempts.set(e.MessageBody!, n + 1);
        const script = scripts[e.MessageBody!] ?? ['ok'];
        const answer = script[Math.min(n, script.length - 1)]!;
        if (answer === 'ok')
          output.Successful!.push({ Id: e.Id!, MessageId: `m-${e.MessageBody}`, MD5OfMessageBody: '' });
        else if (answer === 'throttled')
          output.Failed!.push({
            Id: e.Id!,
            Code: 'ThrottlingException',
            Message: 'slow down',
            SenderFault: false,
          });
        else
          output.Failed!.push({
            Id: e.Id!,
            Code: 'InvalidParameterValue',
            Message: 'bad body',
            SenderFault: true,
          });
      }
      return output;
    },
  };
  return { sender, calls };
}

/** A policy that records its waits instead of waiting. */
function recordingPolicy(retries = 4): RetryPolicy & { waits: number[] } {
  const waits: number[] = [];
  return { retries, baseDelayMs: 100, sleep: async (ms) => void waits.push(ms), waits };
}

describe('sendRequests retries entries that failed without a sender fault', () => {
  it('resends only the throttled entries, with backoff, until they are sent', async () => {
    const { sender, calls } = scriptedSqs({ b: ['throttled', 'throttled', 'ok'], c: ['throttled', 'ok'] });
    const policy = recordingPolicy();
    const report = await sendRequests(sender, 'q', ['a', 'b', 'c'], policy);
    expect(calls).toEqual([['a', 'b', 'c'], ['b', 'c'], ['b']]);
    expect(report).toMatchObject({ failed: [], calls: 3, retried: 3 });
    expect(report.sent.map((s) => s.messageId)).toEqual(['m-a', 'm-b', 'm-c']);
    // Full jitter: retry n waits in [0, 100 · 2^n) ms.
    expect(policy.waits).toHaveLength(2);
    expect(policy.waits[0]).toBeLessThan(100);
    expect(policy.waits[1]).toBeLessThan(200);
  });

  it('reports a sender fault at once, without resending it', async () => {
    const { sender, calls } = scriptedSqs({ bad: ['invalid'] });
    const report = await sendRequests(sender, 'q', ['ok1', 'bad'], recordingPolicy());
    expect(calls).toEqual([['ok1', 'bad']]);
    expect(report.failed).toEqual([{ index: 1, code: 'InvalidParameterValue', message: 'bad body' }]);
    expect(report.retried).toBe(0);
  });

  it('reports an entry still throttled after the last retry, and every other entry is sent', async () => {
    const { sender, calls } = scriptedSqs({ stuck: ['throttled'] });
    const report = await sendRequests(sender, 'q', ['stuck', 'x'], recordingPolicy(2));
    expect(calls).toEqual([['stuck', 'x'], ['stuck'], ['stuck']]);
    expect(report.failed).toEqual([{ index: 0, code: 'ThrottlingException', message: 'slow down' }]);
    expect(report.sent.map((s) => s.index)).toEqual([1]);
    expect(report).toMatchObject({ calls: 3, retried: 2 });
  });

  it('retries within each batch of 10, so later batches are still sent', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => `b${i}`);
    const { sender, calls } = scriptedSqs({ b3: ['throttled', 'ok'], b11: ['throttled', 'ok'] });
    const report = await sendRequests(sender, 'q', bodies, recordingPolicy());
    expect(calls.map((c) => c.length)).toEqual([10, 1, 2, 1]);
    expect(report.sent).toHaveLength(12);
  });
});
