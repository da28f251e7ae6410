import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../../lambdas/requests/invalid-message-error.ts';
import type { DetectionJob } from '../../lambdas/requests/parse-request.ts';
import { type Phase, processRecord } from '../../lambdas/service/process-record.ts';
import { CONFIG, fileStore, request, SENT } from '../handler/handler-fixtures.ts';
import { at } from '../stores/store-fixtures.ts';

let fixture: Awaited<ReturnType<typeof fileStore>>;
beforeEach(async () => {
  fixture = await fileStore();
});
afterEach(() => fixture.cleanup());

describe('processRecord(input, deps, hooks)', () => {
  it('parses, then reads, detects and writes each job in order, reporting through the hooks', async () => {
    const events: string[] = [];
    let parsed: readonly DetectionJob[] = [];
    const outcome = await processRecord(
      {
        messageId: 'm-1',
        body: '[{"assetName": "bitcoin", "date": "13-05-2022"}, {"assetName": "ethereum", "date": "14-05-2022"}]',
        sentTimestamp: SENT,
      },
      { config: CONFIG, store: fixture.store },
      {
        parsed: (jobs) => {
          parsed = jobs;
          events.push('parsed');
        },
        phase: async <T>(name: Phase, run: () => Promise<T>) => {
          events.push(name);
          return run();
        },
      },
    );
    expect(parsed.map((j) => [j.assets, j.asOf])).toEqual([
      [['bitcoin'], at('2022-05-14')],
      [['ethereum'], at('2022-05-15')],
    ]);
    expect(events).toEqual(['parsed', 'read', 'detect', 'write', 'read', 'detect', 'write']);
    expect(
      outcome.jobs.map((j) => [j.documentsRead, j.assetsEvaluated, j.flagsWritten, j.runsUpserted]),
    ).toEqual([
      [7, 1, 7, 1],
      [7, 1, 7, 1],
    ]);
  });

  it('defaults asOf to the send time, so a retried message computes the same', async () => {
    const sentTimestamp = at('2022-05-15');
    const outcome = await processRecord(
      { messageId: 'm', body: JSON.stringify({ version: 1, assets: ['bitcoin'] }), sentTimestamp },
      { config: CONFIG, store: fixture.store },
    );
    expect(outcome.jobs[0]!.job.asOf).toBe(sentTimestamp);
  });

  it('lets the parser reject a bad body before touching the store', async () => {
    const events: string[] = [];
    await expect(
      processRecord(
        { messageId: 'm', body: request(['bitcoin'], { timeframes: [0] }), sentTimestamp: SENT },
        { config: CONFIG, store: fixture.store },
        {
          phase: async (name, run) => {
            events.push(name);
            return run();
          },
        },
      ),
    ).rejects.toBeInstanceOf(InvalidMessageError);
    expect(events).toEqual([]);
  });
});
