import { describe, expect, it } from 'vitest';
import { MemoryDeadLetterSink } from '../../lambdas/handler/dead-letter-sink.ts';
import { InvalidEventError, invokeLocally, toSqsEvent } from '../../lambdas/handler/local-invocation.ts';
import { CONFIG, eventOf, fileStore, flakyFor, request } from './handler-fixtures.ts';

describe('toSqsEvent(value, now)', () => {
  it('completes a hand-written record and fills a missing SentTimestamp with now', () => {
    const { event, filledSentTimestamp } = toSqsEvent(
      Object.freeze({
        Records: [
          { messageId: 'a', body: '{}' },
          { messageId: 'b', body: '{}', attributes: { SentTimestamp: '5' } },
        ],
      }),
      42,
    );
    expect(event.Records.map((r) => r.attributes.SentTimestamp)).toEqual(['42', '5']);
    expect(event.Records[0]!.eventSource).toBe('aws:sqs');
    expect(filledSentTimestamp).toEqual(['a']);
  });

  it.each([
    [{}, 'no "Records" array'],
    [{ Records: [{ body: '{}' }] }, 'Records[0].messageId'],
    [{ Records: [{ messageId: 'a', body: 3 }] }, 'Records[0].body'],
  ])('rejects %j naming the problem', (value, message) => {
    expect(() => toSqsEvent(value, 0)).toThrow(InvalidEventError);
    expect(() => toSqsEvent(value, 0)).toThrow(message);
  });
});

describe('invokeLocally(event, deps)', () => {
  it('reports every record and lists every record as failed when the whole batch failed', async () => {
    const fixture = await fileStore();
    try {
      const store = flakyFor('bitcoin', fixture.store);
      const run = await invokeLocally(eventOf(['a', request(['bitcoin'])], ['b', request(['bitcoin'])]), {
        config: CONFIG,
        store,
        deadLetters: new MemoryDeadLetterSink(),
      });
      expect(run.fullBatchFailure).toBe(true);
      expect(run.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
      expect(run.tally.recordsFailed).toBe(2);
      const ok = await invokeLocally(eventOf(['c', request(['ethereum'])], ['d', 'nope']), {
        config: CONFIG,
        store,
        deadLetters: new MemoryDeadLetterSink(),
      });
      expect([
        ok.fullBatchFailure,
        ok.tally.recordsProcessed,
        ok.tally.invalidMessages,
        ok.tally.flagsWritten,
      ]).toEqual([false, 1, 1, 0]);
    } finally {
      await fixture.cleanup();
    }
  });
});
